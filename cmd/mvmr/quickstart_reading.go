package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// quickstartReading returns the quickstart's closing lines from the rows of each seed (in seed
// order): by how much the trained encoder beats the raw pixels and the random encoder, with the
// linear probe and with the weighted kNN (quickstartKNN, whitened; quickstartRawKNN), and whether each gain is above the
// seed-to-seed spread — its mean over the seeds more than twice its standard deviation over
// them. With one seed the spread is unknown, and the last line says how to measure it.
func quickstartReading(perSeed [][]runs.Row) []string {
	if len(perSeed) == 0 {
		return nil
	}
	seeds := make([]string, len(perSeed))
	for i, rows := range perSeed {
		trained, _ := findRow(rows, featuresTrained, mvmr.ProtocolLinear, "")
		seeds[i] = fmt.Sprint(trained.TrainSeed)
	}
	probes := []struct{ label, protocol, variant string }{
		{"linear", mvmr.ProtocolLinear, ""},
		{"kNN k=20", mvmr.ProtocolKNN, quickstartKNN},
		{"raw kNN k=20", mvmr.ProtocolKNN, quickstartRawKNN},
	}
	dims := func(name string) int {
		r, _ := findRow(perSeed[0], name, mvmr.ProtocolLinear, "")
		return r.Dim()
	}
	lines := []string{fmt.Sprintf("Reading (linear: logistic regression on standardised features; kNN k=20: cosine similarity, votes exp(sim/%g), "+
		"on the features PCA-whitened to %d components, raw kNN on the features as they are; "+
		"all on h, the encoder's %d-d representation, and on the %d normalised pixels):",
		mvmr.KNNTemperature, mvmr.KNNWhitenDims, dims(featuresTrained), dims(featuresPixels))}
	var trainedParts []string
	for _, p := range probes {
		values := make([]float64, len(perSeed))
		for i, rows := range perSeed {
			r, _ := findRow(rows, featuresTrained, p.protocol, p.variant)
			values[i] = 100 * r.Top1
		}
		trainedParts = append(trainedParts, p.label+" "+meanSpread(values, "%"))
	}
	lines = append(lines, fmt.Sprintf("  %-27s%s", "MV-MR encoder:", strings.Join(trainedParts, ", ")))
	for _, baseline := range []string{featuresPixels, featuresRandom} {
		var parts []string
		for _, p := range probes {
			gains := make([]float64, len(perSeed))
			for i, rows := range perSeed {
				t, _ := findRow(rows, featuresTrained, p.protocol, p.variant)
				b, _ := findRow(rows, baseline, p.protocol, p.variant)
				gains[i] = 100 * (t.Top1 - b.Top1)
			}
			parts = append(parts, p.label+" "+gainReading(gains))
		}
		lines = append(lines, fmt.Sprintf("  MV-MR over %-16s%s", baseline+":", strings.Join(parts, "; ")))
	}
	lines = append(lines, whiteningLowersReading(perSeed)...)
	if len(perSeed) == 1 {
		lines = append(lines, fmt.Sprintf("Seed-to-seed spread: unknown with one seed (%s); run `mvmr quickstart -seeds 1,2,3` to measure it.", seeds[0]))
	} else {
		lines = append(lines, fmt.Sprintf("Mean ± standard deviation over seeds %s; a gain is above the seed-to-seed spread when its mean exceeds twice its standard deviation.",
			strings.Join(seeds, ",")))
	}
	return lines
}

// whiteningLowersReading says, for each baseline whose kNN the whitening lowers (the raw pixels:
// whitening blows up the noise of their least varying directions), by how much, and what the
// MV-MR encoder's whitened kNN gains over that baseline's raw kNN, its better protocol.
func whiteningLowersReading(perSeed [][]runs.Row) []string {
	var lines []string
	for _, baseline := range []string{featuresPixels, featuresRandom} {
		raw, whitened, gains := make([]float64, len(perSeed)), make([]float64, len(perSeed)), make([]float64, len(perSeed))
		for i, rows := range perSeed {
			r, _ := findRow(rows, baseline, mvmr.ProtocolKNN, quickstartRawKNN)
			w, _ := findRow(rows, baseline, mvmr.ProtocolKNN, quickstartKNN)
			t, _ := findRow(rows, featuresTrained, mvmr.ProtocolKNN, quickstartKNN)
			raw[i], whitened[i], gains[i] = 100*r.Top1, 100*w.Top1, 100*(t.Top1-r.Top1)
		}
		rawMean, _ := meanSD(raw)
		whitenedMean, _ := meanSD(whitened)
		if whitenedMean >= rawMean {
			continue
		}
		lines = append(lines, fmt.Sprintf("  Whitening lowers the %s' kNN k=20 (%.2f → %.2f %%); against their raw kNN k=20 the MV-MR encoder's kNN k=20 gains %s",
			baseline, rawMean, whitenedMean, gainReading(gains)))
	}
	return lines
}

// meanSpread formats values as "98.45 %" (one value) or "98.50 ± 0.08 %" (mean ± sample sd).
func meanSpread(values []float64, unit string) string {
	mean, sd := meanSD(values)
	if len(values) == 1 {
		return fmt.Sprintf("%.2f %s", mean, unit)
	}
	return fmt.Sprintf("%.2f ± %.2f %s", mean, sd, unit)
}

// gainReading formats a gain in points: "+1.64 points" for one seed, "+1.61 ± 0.17 points,
// above the seed-to-seed spread" (or "within") for several.
func gainReading(gains []float64) string {
	mean, sd := meanSD(gains)
	if len(gains) == 1 {
		return fmt.Sprintf("%+.2f points", mean)
	}
	verdict := "within the seed-to-seed spread"
	if math.Abs(mean) > 2*sd {
		verdict = "above the seed-to-seed spread"
		if mean < 0 {
			verdict = "a loss above the seed-to-seed spread"
		}
	}
	return fmt.Sprintf("%+.2f ± %.2f points, %s", mean, sd, verdict)
}

// meanSD returns the mean and the sample standard deviation (n − 1; 0 for one value).
func meanSD(values []float64) (mean, sd float64) {
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	if len(values) < 2 {
		return mean, 0
	}
	for _, v := range values {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(values)-1))
}
