package history

// The names of the series the trainer and its monitors record, spelled once here: mvmr writes
// them, plotting and the reports read them. The loss terms are named by mvmr's Term* constants
// ("mse", "std", "dcor_zz", "total") and DCorTerm.
const (
	// LR is the learning rate used at each step.
	LR = "lr"
	// DCorTermPrefix starts the name of each representation's loss term: DCorTerm(rep).
	DCorTermPrefix = "dcor/"
	// DCorDiagPrefix starts the names of the dCor diagnostics: DCorDiag(rep).
	DCorDiagPrefix = "dcor_diag/"
	// DCorUnbiasedPrefix starts the names of the bias-corrected dCor² diagnostics: DCorUnbiased(rep).
	DCorUnbiasedPrefix = "dcor_u/"
	// DCorPValuePrefix starts the names of the independence tests' p-values: DCorPValue(rep).
	DCorPValuePrefix = "dcor_p/"
	// PartialDCorPrefix starts the names of the partial dCor diagnostics: PartialDCor(rep).
	PartialDCorPrefix = "pdcor/"
	// PartialDCorPValuePrefix starts the names of the partial tests' p-values: PartialDCorPValue(rep).
	PartialDCorPValuePrefix = "pdcor_p/"
)

// DCorTerm is the name of representation rep's loss term, "dcor/<rep>".
func DCorTerm(rep string) string { return DCorTermPrefix + rep }

// DCorDiag is the name of the dCor diagnostic of representation rep, "dcor_diag/<rep>": the
// distance correlation between the embedding z and rep on a fixed held-out batch.
func DCorDiag(rep string) string { return DCorDiagPrefix + rep }

// DCorUnbiased is "dcor_u/<rep>": the bias-corrected dCor² (U-statistic, exact distances) of the
// embedding z and rep on the held-out batch of DCorDiag; about 0 when they are independent.
func DCorUnbiased(rep string) string { return DCorUnbiasedPrefix + rep }

// DCorPValue is "dcor_p/<rep>": the permutation p-value of DCorUnbiased (independence of z and
// rep).
func DCorPValue(rep string) string { return DCorPValuePrefix + rep }

// PartialDCor is "pdcor/<rep>": the partial distance correlation pdCor(z, rep; image) on the
// held-out batch, the dependence of z on rep beyond what the raw image explains.
func PartialDCor(rep string) string { return PartialDCorPrefix + rep }

// PartialDCorPValue is "pdcor_p/<rep>": the permutation p-value of PartialDCor.
func PartialDCorPValue(rep string) string { return PartialDCorPValuePrefix + rep }

// The collapse monitor's statistics: each of its series, "collapse/<z|h>_<statistic>", ends with
// one, which is how plotting.Collapse finds them (also in merged histories, "variant: <name>").
const (
	// CollapseStdMin is the smallest per-dimension standard deviation.
	CollapseStdMin = "std_min"
	// CollapseStdMean is the mean per-dimension standard deviation.
	CollapseStdMean = "std_mean"
	// CollapseBelowMargin is the fraction of dimensions whose std is below the variance margin.
	CollapseBelowMargin = "below_margin"
	// CollapseRankMe is the effective rank (RankMe).
	CollapseRankMe = "rankme"
)

// The collapse monitor's series, for the embedding z and the representation h.
const (
	collapsePrefix = "collapse/"
	ZStdMin        = collapsePrefix + "z_" + CollapseStdMin
	ZStdMean       = collapsePrefix + "z_" + CollapseStdMean
	ZBelowMargin   = collapsePrefix + "z_" + CollapseBelowMargin
	ZRankMe        = collapsePrefix + "z_" + CollapseRankMe
	HStdMin        = collapsePrefix + "h_" + CollapseStdMin
	HStdMean       = collapsePrefix + "h_" + CollapseStdMean
	HRankMe        = collapsePrefix + "h_" + CollapseRankMe
)

// InitialStep is the step of a monitor's record before the first update, on the encoder as it
// was initialised: the trainer's monitors record "after step s" at step s, so the record before
// step 0 is "after step −1". A run trained from step 0 starts with it; a run resumed from a
// checkpoint carries it in its history; histories written before it existed lack it.
const InitialStep int64 = -1

// Updates is the number of optimizer steps applied when a monitor recorded at step: step + 1 (0
// for InitialStep). Plots of monitor series use it as their x, so that a trace starts at 0 with
// the initialised encoder. (A loss term recorded at step s is computed before update s: after s
// updates.)
func Updates(step int64) int64 { return step + 1 }
