package notebooks

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

func TestLearningSnapshots(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an encoder; skipped with -short")
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		t.Fatal(err)
	}
	train, test = train.Subset(400), test.Subset(250)
	config := Settings{Steps: 3, Batch: 16, Reps: []string{"image"}, Seeds: 1}.Config(1)
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		t.Fatal(err)
	}
	defer trainer.Close()
	if err := trainer.Train(3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.mvmr")
	if err := trainer.Save(path); err != nil {
		t.Fatal(err)
	}
	const points = 120
	snapshots, err := LearningSnapshots(config, train, test, points, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(snapshots) != 2 || snapshots[0].Step != 0 || snapshots[1].Step != 3 || snapshots[1].Name != "step 3" ||
		!strings.Contains(snapshots[0].Name, "random") {
		t.Fatalf("snapshots %q at steps %d, %d; want the random encoder at 0, then step 3", []string{snapshots[0].Name, snapshots[1].Name}, snapshots[0].Step, snapshots[1].Step)
	}
	for _, s := range snapshots {
		if len(s.TSNE) != 2*points || !slices.Equal(s.Labels, test.Labels[:points]) {
			t.Errorf("%s: %d coordinates and labels %v...; want a map of the first %d test digits", s.Name, len(s.TSNE), s.Labels[:3], points)
		}
		if s.KNN <= 0.1 || s.KNN > 1 || s.RankMe < 1 || s.RankMe > float64(min(points, s.ZDim)) {
			t.Errorf("%s: kNN %.3f, RankMe %.1f of at most %d", s.Name, s.KNN, s.RankMe, min(points, s.ZDim))
		}
	}
	// The step-3 snapshot is the trainer's own: kNN of its h against the same training digits.
	hTrain, _ := trainer.EncoderFeatures(train)
	hTest, _ := trainer.EncoderFeatures(test.Subset(points))
	knnConfig := mvmr.DefaultKNNConfig()
	knnConfig.Ks = []int{20}
	knn, err := mvmr.KNN(trainer.Backend(), hTrain, hTest, knnConfig, nil)
	if err != nil {
		t.Fatal(err)
	}
	if knn[0].Top1 != snapshots[1].KNN {
		t.Errorf("snapshot kNN %.4f; the trainer's h gives %.4f", snapshots[1].KNN, knn[0].Top1)
	}
	var b strings.Builder
	if err := WriteSnapshots(&b, snapshots); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("the same %d test digits", points), fmt.Sprintf("%.2f %%", 100*snapshots[1].KNN),
		fmt.Sprintf("to %.1f", snapshots[1].RankMe), "from step 0 (random encoder) to step 3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("reading lacks %q:\n%s", want, b.String())
		}
	}
	if _, err := plotting.EmbeddingSeries(SnapshotPanels(snapshots), plotting.Embedding2DOptions{Method: "t-SNE"}); err != nil {
		t.Errorf("the snapshots' panels do not draw: %v", err)
	}
}
