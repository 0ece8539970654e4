package mvmr

import (
	"math"
	"testing"
)

// TestTopKAccuracyTiesAndNaN: constant logits (an untrained probe) score chance level, not 100 %,
// and a NaN logit is a miss.
func TestTopKAccuracyTiesAndNaN(t *testing.T) {
	const n, classes = 100, 10
	logits := make([]float32, n*classes) // all zero
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(i % classes)
	}
	top1, top5 := TopKAccuracy(logits, labels, classes)
	if top1 != 0.1 || top5 != 0.5 {
		t.Errorf("constant logits: top1 %g top5 %g; want chance, 0.1 and 0.5", top1, top5)
	}
	nan := []float32{float32(math.NaN()), 0, 0}
	if top1, top5 := TopKAccuracy(nan, []int32{0}, 3); top1 != 0 || top5 != 0 {
		t.Errorf("NaN logit: top1 %g top5 %g; want misses", top1, top5)
	}
}
