package mvmr

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// HistoryDCorDiagPrefix starts the History names of the dCor diagnostics: "dcor_diag/<rep>" is
// dCor(z, rep) on the held-out batch.
const HistoryDCorDiagPrefix = history.DCorDiagPrefix

// DCorMonitor records, every Every steps, the distance correlation between the embedding z of a
// fixed held-out batch (BatchNorm in evaluation mode, scaled by 1/LossConfig.DCorScale as the
// loss scales it) and each of a set of representations of the same images, whether or not they
// are in the loss: which hand-crafted views the encoder captures as it trains. The formula is the
// loss's (DistanceCorrelation: distances clamped at DistanceClamp, official double centring),
// computed in float64 on the host. Representations of a fresh augmented view ("augmented",
// "aug_*") are computed on one fixed augmentation of the held-out images.
type DCorMonitor struct {
	// Every is the interval in steps.
	Every int
	// Skipped names the representations that do not apply to the images, with the reason.
	Skipped map[string]string

	names   []string
	centred [][]float64 // per representation, the double-centred distance matrix
	dVar    []float64   // per representation, mean(A∘A)
	images  []float32
	n       int
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
	m := &DCorMonitor{Every: every, Skipped: map[string]string{}, images: images, n: n}
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
		m.names = append(m.names, name)
		m.centred = append(m.centred, a)
		m.dVar = append(m.dVar, meanProduct(a, a))
	}
	return m, nil
}

// Names returns the monitored representations.
func (m *DCorMonitor) Names() []string { return append([]string(nil), m.names...) }

// Observe implements Monitor.
func (m *DCorMonitor) Observe(v StepView) (map[string]float64, error) {
	if !due(v.Step(), m.Every) {
		return nil, nil
	}
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
	out := make(map[string]float64, len(m.names))
	for i, name := range m.names {
		out[history.DCorDiag(name)] = dcorFromCentred(meanProduct(m.centred[i], b), m.dVar[i], bVar, m.n)
	}
	return out, nil
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
