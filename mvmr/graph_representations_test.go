package mvmr

import (
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// TestGraphRepresentationsTrainsAsOnHost trains two steps with hog and aug_hog computed on the
// host and in the step's graph (graph_representations: on): the recorded losses agree within
// float32 rounding, and auto on the pure-Go backend keeps them on the host.
func TestGraphRepresentationsTrainsAsOnHost(t *testing.T) {
	train, _ := testutil.MNIST(t, 256, 0)
	config := tinyConfig(4)
	config.Loss.Representations = append(config.Loss.Representations,
		RepresentationTerm{Name: "hog", Weight: 0.5, Mode: ModeMaximize},
		RepresentationTerm{Name: "aug_hog", Weight: 0.5, Mode: ModeMaximize})
	config.GraphRepresentations = GraphRepsOff
	host := newTestTrainer(t, config, train)
	config.GraphRepresentations = GraphRepsOn
	graph := newTestTrainer(t, config, train)
	if len(host.hostReps) != 2 || len(graph.hostReps) != 0 {
		t.Fatalf("host representations: off %d, on %d; want 2 and 0", len(host.hostReps), len(graph.hostReps))
	}
	for _, tr := range []*Trainer{host, graph} {
		if err := tr.Train(2); err != nil {
			t.Fatal(err)
		}
	}
	historyEqual(t, host, graph, 1e-5)

	config.GraphRepresentations = GraphRepsAuto
	if auto := newTestTrainer(t, config, train); testBackend(t).Name() != "xla" && len(auto.hostReps) != 2 {
		t.Errorf("auto on backend %q: %d host representations, want 2", testBackend(t).Name(), len(auto.hostReps))
	}
}

// TestGraphRepresentationsRejectsWhatItCannotHonour: an unknown value, and "on" with a
// representation that only the host computes, are config errors naming the key.
func TestGraphRepresentationsRejectsWhatItCannotHonour(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 0)
	config := tinyConfig(4)
	config.GraphRepresentations = "yes"
	if _, err := NewTrainerWithBackend(testBackend(t), config, train); err == nil || !strings.Contains(err.Error(), `graph_representations = "yes"`) {
		t.Errorf("graph_representations = yes: error %v, want one naming the key and value", err)
	}
	config.GraphRepresentations = GraphRepsOn
	config.Loss.Representations = append(config.Loss.Representations, RepresentationTerm{Name: "lbp", Weight: 1, Mode: ModeMaximize})
	if _, err := NewTrainerWithBackend(testBackend(t), config, train); err == nil || !strings.Contains(err.Error(), "lbp can only be computed on the host") {
		t.Errorf("graph_representations = on with lbp: error %v, want one naming lbp", err)
	}
}
