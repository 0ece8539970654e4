package notebooks

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// AtlasDCorImages is the number of test digits (the first ones) the atlas's dCor heatmap is
// measured on.
const AtlasDCorImages = 512

// Embedder is an encoder whose embedding z enters the dCor heatmap, under Name.
type Embedder struct {
	Name    string
	Trainer *mvmr.Trainer
}

// DCorMatrix is the exact distance correlation (dcorstat.DCor: float64, no clamp) between every
// pair of Names over the same images: each representation of the atlas, then each encoder's z.
type DCorMatrix struct {
	Names  []string
	Values [][]float64
	// Reps are the registry names of the representations (the first len(Reps) Names);
	// Embedders the encoders' names (the rest).
	Reps, Embedders []string
	// Images is the number of images the dCor is measured over.
	Images int
}

// RepresentationDCor computes, on the first n images of data (normalised originals), each
// representation of reps (flattened) and the embedding z of each embedder, and returns the
// matrix of their pairwise distance correlations: how much of each representation's geometry
// the others and the embeddings share.
func RepresentationDCor(backend compute.Backend, data *datasets.Dataset, n int, reps []string, embedders []Embedder) (*DCorMatrix, error) {
	if n < 2 || n > data.Len() {
		return nil, fmt.Errorf("notebooks: RepresentationDCor of %d images of a data set of %d; expected 2 to %d", n, data.Len(), data.Len())
	}
	h, w, c := data.Height, data.Width, data.Channels
	size := data.ImageSize()
	originals := make([]float32, n*size)
	for i := range n {
		data.Normalize(originals[i*size:(i+1)*size], i)
	}
	m := &DCorMatrix{Reps: slices.Clone(reps), Images: n}
	var centred []dcorstat.Centred
	add := func(name string, values []float32) error {
		sample := dcorstat.Sample{N: n, D: len(values) / n, Data: make([]float64, len(values))}
		for i, v := range values {
			sample.Data[i] = float64(v)
		}
		cd, err := dcorstat.Centre(sample, dcorstat.Biased)
		if err != nil {
			return fmt.Errorf("notebooks: RepresentationDCor: %s: %w", name, err)
		}
		m.Names = append(m.Names, name)
		centred = append(centred, cd)
		return nil
	}
	registry := mvmr.Representations()
	for _, name := range reps {
		rep, err := registry.New(name, nil)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationDCor: %w", err)
		}
		features, err := rep.OnImages(backend, originals, n, h, w, c)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationDCor: %s: %w", name, err)
		}
		if err := add(plotting.TermLabel("dcor_diag/"+name), features); err != nil {
			return nil, err
		}
	}
	subset := data.Subset(n)
	for _, e := range embedders {
		z, _, err := e.Trainer.Embeddings(subset)
		if err != nil {
			return nil, fmt.Errorf("notebooks: RepresentationDCor: %s: %w", e.Name, err)
		}
		if err := add(e.Name, z); err != nil {
			return nil, err
		}
		m.Embedders = append(m.Embedders, e.Name)
	}
	m.Values = make([][]float64, len(centred))
	for i := range centred {
		m.Values[i] = make([]float64, len(centred))
		for j := range centred {
			m.Values[i][j] = math.Sqrt(max(0, centred[i].Correlation(centred[j])))
		}
	}
	return m, nil
}

// Heatmap draws the matrix with plotting.DCorHeatmap.
func (m *DCorMatrix) Heatmap() (*plotting.Panels, error) {
	return plotting.DCorHeatmap(m.Values, m.Names, plotting.DCorHeatmapOptions{
		Title: fmt.Sprintf("Distance correlation over %d test digits: representations and embeddings z", m.Images)})
}

// WriteReading writes, for each representation, its dCor with each embedding (the first
// embedder against the last: before and after training), marking those of inLoss (the run's L3
// terms), and the representation the last embedding shares most geometry with.
func (m *DCorMatrix) WriteReading(w io.Writer, inLoss []string) error {
	if len(m.Embedders) == 0 || len(m.Reps) == 0 {
		return fmt.Errorf("notebooks: DCorMatrix.WriteReading: %d representations and %d embeddings; expected at least one of each", len(m.Reps), len(m.Embedders))
	}
	first, last := len(m.Reps), len(m.Names)-1
	fmt.Fprintf(w, "dCor of each representation with %s → with %s, over %d test digits:\n", m.Names[first], m.Names[last], m.Images)
	best := 0
	for i, rep := range m.Reps {
		mark := ""
		if slices.Contains(inLoss, rep) {
			mark = " (an L3 term of this run)"
		}
		before, after := m.Values[i][first], m.Values[i][last]
		fmt.Fprintf(w, "  %-20s %.3f → %.3f (%+.3f)%s\n", m.Names[i], before, after, after-before, mark)
		if after > m.Values[best][last] {
			best = i
		}
	}
	fmt.Fprintf(w, "%s shares most geometry with %s (dCor %.3f)\n", m.Names[last], m.Names[best], m.Values[best][last])
	return nil
}
