package mvmr

import (
	"math"
	"strings"
	"testing"
)

func TestTimeTrainingSteps(t *testing.T) {
	config := tinyConfig(10)
	config.BatchSize = 8
	config.Loss.Representations = nil
	timing, err := TimeTrainingSteps(testBackend(t), config, 12, 12, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(timing.Seconds) != 3 || !(timing.Min > 0) || timing.Median < timing.Min || !(timing.Compile > 0) {
		t.Errorf("timing %+v; want 3 positive step times, median >= min", timing)
	}
	// Random inputs through a fresh encoder: mse > 0, the std hinge and 1 - dCor in (0, 1].
	if math.IsNaN(timing.Loss) || timing.Loss <= 0 {
		t.Errorf("loss %g; want a positive finite total", timing.Loss)
	}
	if _, err := TimeTrainingSteps(testBackend(t), config, 12, 12, 1, 0, 3); err == nil || !strings.Contains(err.Error(), "warmup") {
		t.Errorf("warmup 0: err = %v; want an error naming warmup", err)
	}
	config.Loss.Representations = []RepresentationTerm{{Name: "hog", Weight: 1, Mode: ModeMaximize}} // computed on the host
	if _, err := TimeTrainingSteps(testBackend(t), config, 12, 12, 1, 1, 1); err == nil || !strings.Contains(err.Error(), "representations") {
		t.Errorf("host representations: err = %v; want an error naming them", err)
	}
}

func TestNewStepTimingSummarises(t *testing.T) {
	s := NewStepTiming(0.5, []float64{0.3, 0.1, 0.2, 0.4})
	if s.Compile != 0.5 || s.Min != 0.1 || s.Median != 0.3 || s.Seconds[0] != 0.3 || s.StepsPerSecond() != 1/0.3 {
		t.Errorf("timing %+v; want compile 0.5, min 0.1, median 0.3 (the upper middle), the steps in order", s)
	}
}
