package history

import "testing"

// TestSeriesNamesDoNotChange pins the series names: histories, history.csv files and
// checkpoints written before keep reading under them.
func TestSeriesNamesDoNotChange(t *testing.T) {
	for got, want := range map[string]string{
		LR: "lr", DCorTerm("hog"): "dcor/hog", DCorDiag("image"): "dcor_diag/image",
		DCorUnbiased("hog"): "dcor_u/hog", DCorPValue("hog"): "dcor_p/hog", PartialDCor("hog"): "pdcor/hog", PartialDCorPValue("hog"): "pdcor_p/hog",
		ZStdMin: "collapse/z_std_min", ZStdMean: "collapse/z_std_mean", ZBelowMargin: "collapse/z_below_margin",
		ZRankMe: "collapse/z_rankme", HStdMin: "collapse/h_std_min", HStdMean: "collapse/h_std_mean", HRankMe: "collapse/h_rankme",
	} {
		if got != want {
			t.Errorf("series name %q; want %q", got, want)
		}
	}
}
