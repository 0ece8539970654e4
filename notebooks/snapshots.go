package notebooks

import (
	"fmt"
	"io"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/tsne"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// SnapshotKNNTrain is the number of training digits (the first ones) the snapshots' kNN
// classifier is fit on: enough to read a trend over steps, a few seconds per snapshot.
const SnapshotKNNTrain = 10000

// SnapshotPoints returns how many test digits (the first ones) each snapshot maps with t-SNE,
// classifies with kNN and scores RankMe on: 1 500, or 500 under the quick settings.
func SnapshotPoints(quick bool) int {
	if quick {
		return 500
	}
	return 1500
}

// Snapshot is what the encoder at one step of training does with the same test digits.
type Snapshot struct {
	// Name says which encoder ("step 0 (random encoder)", "step 200"); Step is its step.
	Name string
	Step int64
	// KNN is the weighted kNN top-1 (k = 20, mvmr.DefaultKNNConfig's temperature) of h, fit on
	// the first SnapshotKNNTrain training digits, scored on the mapped test digits.
	KNN float64
	// RankMe is the effective rank of z over the mapped test digits (mvmr.RankMe), at most
	// min(points, ZDim).
	RankMe float64
	ZDim   int
	// TSNE is the 2-D t-SNE map of h of the mapped test digits (x0 y0 x1 y1 ...), Labels their classes.
	TSNE   []float64
	Labels []int32
}

// LearningSnapshots takes a snapshot (LearningSnapshot) of the encoder of config with its random
// initial weights (step 0, BatchNorm statistics calibrated as RandomEncoder does), then of the
// encoder in each checkpoint, in order: how the map, the kNN accuracy and the rank of the same
// test digits change over training.
func LearningSnapshots(config mvmr.Config, train, test *datasets.Dataset, points int, checkpoints ...string) ([]Snapshot, error) {
	random, err := RandomEncoder(config, train)
	if err != nil {
		return nil, err
	}
	first, err := LearningSnapshot(random, "step 0 (random encoder)", train, test, points)
	random.Close()
	if err != nil {
		return nil, err
	}
	snapshots := []Snapshot{first}
	for _, path := range checkpoints {
		trainer, err := mvmr.LoadTrainer(path, train)
		if err != nil {
			return nil, err
		}
		s, err := LearningSnapshot(trainer, fmt.Sprintf("step %d", trainer.Step()), train, test, points)
		trainer.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		snapshots = append(snapshots, s)
	}
	return snapshots, nil
}

// LearningSnapshot maps h of the first points test digits with t-SNE (tsne.DefaultOptions, seed
// 1), classifies them with kNN against h of the first SnapshotKNNTrain training digits and
// measures the effective rank (RankMe) of their z.
func LearningSnapshot(trainer *mvmr.Trainer, name string, train, test *datasets.Dataset, points int) (Snapshot, error) {
	if points < 2 || points > test.Len() {
		return Snapshot{}, fmt.Errorf("notebooks: snapshot of %d test digits; expected 2 to %d (t-SNE needs more than 3 × its perplexity)", points, test.Len())
	}
	if err := train.CheckLabeled("notebooks: snapshot kNN"); err != nil {
		return Snapshot{}, err
	}
	mapped := test.Subset(points)
	h, err := trainer.EncoderFeatures(mapped)
	if err != nil {
		return Snapshot{}, err
	}
	hTrain, err := trainer.EncoderFeatures(train.Subset(SnapshotKNNTrain))
	if err != nil {
		return Snapshot{}, err
	}
	knnConfig := mvmr.DefaultKNNConfig()
	knnConfig.Ks = []int{20}
	knn, err := mvmr.KNN(trainer.Backend(), hTrain, h, knnConfig, nil)
	if err != nil {
		return Snapshot{}, err
	}
	z, zDim, err := trainer.Embeddings(mapped)
	if err != nil {
		return Snapshot{}, err
	}
	rank, err := mvmr.RankMe(z, points, zDim)
	if err != nil {
		return Snapshot{}, err
	}
	x := make([]float64, len(h.Data))
	for i, v := range h.Data {
		x[i] = float64(v)
	}
	options := tsne.DefaultOptions()
	options.Seed = 1
	m, err := tsne.Embed(x, points, h.Dim, options)
	if err != nil {
		return Snapshot{}, fmt.Errorf("notebooks: snapshot t-SNE: %w", err)
	}
	return Snapshot{Name: name, Step: trainer.Step(), KNN: knn[0].Top1, RankMe: rank, ZDim: zDim, TSNE: m.Y, Labels: mapped.Labels}, nil
}

// SnapshotPanels returns the snapshots' maps as plotting.EmbeddingSeries panels, titled by name
// and kNN accuracy.
func SnapshotPanels(snapshots []Snapshot) []plotting.EmbeddingPanel[float64, int32] {
	var panels []plotting.EmbeddingPanel[float64, int32]
	for _, s := range snapshots {
		panels = append(panels, plotting.EmbeddingPanel[float64, int32]{
			Title: fmt.Sprintf("%s: kNN %.1f %%", s.Name, 100*s.KNN), XY: s.TSNE, Labels: s.Labels})
	}
	return panels
}

// WriteSnapshots writes one line per snapshot (step, kNN top-1, RankMe of z) and the reading of
// the first against the last, from the numbers.
func WriteSnapshots(w io.Writer, snapshots []Snapshot) error {
	if len(snapshots) == 0 {
		return fmt.Errorf("notebooks: WriteSnapshots: no snapshot")
	}
	points := len(snapshots[0].Labels)
	fmt.Fprintf(w, "the same %d test digits at each step (kNN k=20 against %d training digits; RankMe of z, at most %d):\n",
		points, SnapshotKNNTrain, min(points, snapshots[0].ZDim))
	for _, s := range snapshots {
		fmt.Fprintf(w, "  %-24s kNN top-1 %6.2f %%   RankMe %6.1f\n", s.Name, 100*s.KNN, s.RankMe)
	}
	a, b := snapshots[0], snapshots[len(snapshots)-1]
	change := func(x, y float64) string {
		switch {
		case y > x:
			return "rose"
		case y < x:
			return "fell"
		}
		return "stayed"
	}
	fmt.Fprintf(w, "from %s to %s, kNN top-1 %s from %.2f %% to %.2f %% (%+.2f points on these %d digits, one run) and RankMe %s from %.1f to %.1f\n",
		a.Name, b.Name, change(a.KNN, b.KNN), 100*a.KNN, 100*b.KNN, 100*(b.KNN-a.KNN), points, change(a.RankMe, b.RankMe), a.RankMe, b.RankMe)
	return nil
}
