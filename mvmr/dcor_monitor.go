package mvmr

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// HistoryDCorDiagPrefix starts the History names of the dCor diagnostics: "dcor_diag/<rep>" is
// dCor(z, rep) on the held-out batch.
const HistoryDCorDiagPrefix = history.DCorDiagPrefix

// DCorPermutations is the default number of permutations of the dCor monitor's tests: p-values
// from 1/200 = 0.005 up.
const DCorPermutations = 199

// PartialGiven is the representation the dCor monitor's partial dCor conditions on: pdCor(z, rep;
// image), recorded when it is monitored.
const PartialGiven = "image"

// DCorMonitor records, every Every steps, the distance correlation between the embedding z of a
// fixed held-out batch (BatchNorm in evaluation mode, scaled by 1/LossConfig.DCorScale as the
// loss scales it) and each of a set of representations of the same images, whether or not they
// are in the loss: which hand-crafted views the encoder captures as it trains. The formula is the
// loss's (DistanceCorrelation: distances clamped at DistanceClamp, official double centring),
// computed in float64 on the host. Representations of a fresh augmented view ("augmented",
// "aug_*") are computed on one fixed augmentation of the held-out images.
//
// Next to it, with exact distances (package dcorstat): the bias-corrected dCor²
// (history.DCorUnbiased, about 0 when z and the representation are independent) and the p-value
// of its permutation test (history.DCorPValue); and, when PartialGiven ("image") is monitored,
// for every other representation the partial dCor given the image, pdCor(z, rep; image)
// (history.PartialDCor), with its p-value (history.PartialDCorPValue): does z follow the
// representation beyond what the raw pixels' distances explain? The permutations are seeded by
// the step, so a record is reproducible.
type DCorMonitor struct {
	// Every is the interval in steps.
	Every int
	// Permutations is the number of permutations of each test (DCorPermutations by default).
	Permutations int
	// Skipped names the representations that do not apply to the images, with the reason.
	Skipped map[string]string

	names    []string
	centred  [][]float64        // per representation, the double-centred distance matrix
	dVar     []float64          // per representation, mean(A∘A)
	uCentred []dcorstat.Centred // per representation, the U-centred exact distance matrix
	given    int                // the index of PartialGiven in names, -1 when not monitored
	images   []float32
	n        int
}

// NewDCorMonitor prepares the diagnostics of the first MonitorHeldOut images of heldOut against
// the named representations (created with default parameters; nil means every registered one),
// for trainer t. Representations computed once here; each Observe only encodes the batch.
func NewDCorMonitor(t *Trainer, heldOut *datasets.Dataset, every int, names []string) (*DCorMonitor, error) {
	if every < 1 {
		return nil, fmt.Errorf("mvmr: dCor monitor every = %d; expected >= 1", every)
	}
	if heldOut == nil || heldOut.Len() < 4 {
		return nil, fmt.Errorf("mvmr: dCor monitor needs a held-out data set of at least 4 images")
	}
	d := t.Data()
	if heldOut.Height != d.Height || heldOut.Width != d.Width || heldOut.Channels != d.Channels {
		return nil, fmt.Errorf("mvmr: dCor monitor: held-out %s has %dx%dx%d images; the trainer's %dx%dx%d",
			heldOut.Name, heldOut.Height, heldOut.Width, heldOut.Channels, d.Height, d.Width, d.Channels)
	}
	known := Representations()
	everyRegistered := names == nil
	if everyRegistered {
		names = known.Names()
	}
	images, n := heldOutImages(heldOut, MonitorHeldOut)
	m := &DCorMonitor{Every: every, Permutations: DCorPermutations, Skipped: map[string]string{}, images: images, n: n, given: -1}
	var augmented []float32
	for _, name := range names {
		rep, err := known.New(name, nil)
		if err != nil && everyRegistered {
			// A representation that needs settings (a teacher names its model file) is not
			// monitored by default; name it with its settings in the loss to see its dCor.
			m.Skipped[name] = err.Error()
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mvmr: dCor monitor: %w", err)
		}
		if _, err := rep.Dim(d.Height, d.Width, d.Channels); err != nil {
			m.Skipped[name] = err.Error()
			continue
		}
		input := images
		if rep.FreshView() {
			if augmented == nil {
				augment, err := t.Config().Augmenter(heldOut)
				if err != nil {
					return nil, fmt.Errorf("mvmr: dCor monitor: %w", err)
				}
				augmented = fixedAugmentation(augment, heldOut, n, t.Config().Seed)
			}
			input = augmented
		}
		features, err := rep.OnImages(t.Backend(), input, n, d.Height, d.Width, d.Channels)
		if err != nil {
			return nil, fmt.Errorf("mvmr: dCor monitor: %w", err)
		}
		a := centredDistances(features, n, len(features)/n)
		u, err := dcorstat.Centre(sampleOf(features, n), dcorstat.Unbiased)
		if err != nil {
			return nil, fmt.Errorf("mvmr: dCor monitor: representation %s: %w", name, err)
		}
		if name == PartialGiven {
			m.given = len(m.names)
		}
		m.names = append(m.names, name)
		m.centred = append(m.centred, a)
		m.dVar = append(m.dVar, meanProduct(a, a))
		m.uCentred = append(m.uCentred, u)
	}
	return m, nil
}

// sampleOf is the float64 dcorstat.Sample of the n rows of x.
func sampleOf(x []float32, n int) dcorstat.Sample {
	s := dcorstat.Sample{N: n, D: len(x) / n, Data: make([]float64, len(x))}
	for i, v := range x {
		s.Data[i] = float64(v)
	}
	return s
}

// Names returns the monitored representations.
func (m *DCorMonitor) Names() []string { return append([]string(nil), m.names...) }

// Observe implements Monitor.
func (m *DCorMonitor) Observe(v StepView) (map[string]float64, error) {
	if !due(v.Step(), m.Every) {
		return nil, nil
	}
	return m.record(v)
}

// ObserveInitial implements InitialMonitor: the dCor of the initialised encoder's z with each
// representation, the baseline its traces start from.
func (m *DCorMonitor) ObserveInitial(v StepView) (map[string]float64, error) { return m.record(v) }

// record measures the diagnostics of the encoder as v sees it.
func (m *DCorMonitor) record(v StepView) (map[string]float64, error) {
	z, zDim, err := v.Embeddings(m.images, m.n)
	if err != nil {
		return nil, err
	}
	scale := float32(1 / v.Config().Loss.DCorScale)
	for i := range z {
		z[i] *= scale
	}
	b := centredDistances(z, m.n, zDim)
	bVar := meanProduct(b, b)
	out := make(map[string]float64, 5*len(m.names))
	for i, name := range m.names {
		out[history.DCorDiag(name)] = dcorFromCentred(meanProduct(m.centred[i], b), m.dVar[i], bVar, m.n)
	}
	if err := m.observeTests(z, uint64(v.Step()), out); err != nil {
		return nil, err
	}
	return out, nil
}

// observeTests adds to out the bias-corrected dCor² of z with each representation, the partial
// dCor given PartialGiven, and their p-values; NaN for all when z is not finite (a diverged run).
func (m *DCorMonitor) observeTests(z []float32, seed uint64, out map[string]float64) error {
	zu, err := dcorstat.Centre(sampleOf(z, m.n), dcorstat.Unbiased)
	finite := err == nil
	for i, name := range m.names {
		test := dcorstat.Test{Estimate: math.NaN(), PValue: math.NaN()}
		if finite {
			if test, err = dcorstat.TestCentred(zu, m.uCentred[i], m.Permutations, seed); err != nil {
				return fmt.Errorf("mvmr: dCor monitor: %s: %w", name, err)
			}
		}
		out[history.DCorUnbiased(name)], out[history.DCorPValue(name)] = test.Estimate, test.PValue
		if m.given < 0 || i == m.given {
			continue
		}
		partial := dcorstat.Test{Estimate: math.NaN(), PValue: math.NaN()}
		if finite {
			if partial, err = dcorstat.PartialTestCentred(zu, m.uCentred[i], m.uCentred[m.given], m.Permutations, seed); err != nil {
				return fmt.Errorf("mvmr: dCor monitor: %s given %s: %w", name, PartialGiven, err)
			}
		}
		out[history.PartialDCor(name)], out[history.PartialDCorPValue(name)] = partial.Estimate, partial.PValue
	}
	return nil
}

// fixedAugmentation returns one augmentation of each of the first n images of data, drawn from
// generators seeded by (seed, image): the same images for the whole run.
func fixedAugmentation(augment datasets.Augmenter, data *datasets.Dataset, n int, seed int64) []float32 {
	size := data.ImageSize()
	out := make([]float32, n*size)
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(seed), 0xd1a9<<32|uint64(i)))
		augment.Augment(out[i*size:(i+1)*size], data, i, rng)
	}
	return out
}

// centredDistances returns the double-centred [n, n] matrix of the pairwise distances of the rows
// of x ([n, d]), as PairwiseDistances and DoubleCentre compute them, in float64.
func centredDistances(x []float32, n, d int) []float64 {
	norms := make([]float64, n)
	for i := range n {
		for _, v := range x[i*d : (i+1)*d] {
			norms[i] += float64(v) * float64(v)
		}
	}
	dist := make([]float64, n*n)
	parallel.For(n, func(i int) {
		xi := x[i*d : (i+1)*d]
		for j := range n {
			var dot float64
			for k, v := range x[j*d : (j+1)*d] {
				dot += float64(xi[k]) * float64(v)
			}
			dist[i*n+j] = math.Sqrt(max(norms[i]-2*dot+norms[j], DistanceClamp))
		}
	})
	rowMeans := make([]float64, n)
	colMeans := make([]float64, n)
	var all float64
	for i := range n {
		for j := range n {
			rowMeans[i] += dist[i*n+j] / float64(n)
			colMeans[j] += dist[i*n+j] / float64(n)
		}
		all += rowMeans[i] / float64(n)
	}
	// DoubleCentre: the row means are subtracted along the last axis, the column means along the
	// first (the official broadcast; the matrix is symmetric up to rounding).
	for i := range n {
		for j := range n {
			dist[i*n+j] += all - rowMeans[j] - colMeans[i]
		}
	}
	return dist
}

// meanProduct is mean(a∘b).
func meanProduct(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s / float64(len(a))
}

// dcorFromCentred is dCov/sqrt(dVarX·dVarY) with dCov = sqrt(mean(A∘B)/n²); a mean(A∘B) below
// zero (rounding, for nearly independent samples) reads as dCor 0 where the loss would give NaN.
func dcorFromCentred(ab, aa, bb float64, n int) float64 {
	n2 := float64(n) * float64(n)
	return math.Sqrt(max(ab, 0)/n2) / math.Sqrt(math.Sqrt(aa/n2)*math.Sqrt(bb/n2))
}
