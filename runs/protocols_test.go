package runs

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

// TestOfficialProtocolSettingsRun: eval.official_linear and eval.semi_official_epochs select the
// official linear evaluation (started from the run's online head, its best epoch reported) and
// the official semi-supervised fine-tune for the semi protocols.
func TestOfficialProtocolSettingsRun(t *testing.T) {
	c := tinyRun(t, "eval.protocols=[linear_official, semi10]", "eval.official_linear.epochs=2", "eval.semi_official_epochs=2",
		"monitors=[online_probe]", "monitor_every=3")
	out, err := Run(context.Background(), c, filepath.Join(t.TempDir(), "run"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rows) != 2 {
		t.Fatalf("%d rows; want linear_official and semi10", len(out.Rows))
	}
	lin, semi := out.Rows[0], out.Rows[1]
	if lin.Protocol != mvmr.ProtocolLinearOfficial || lin.Variant != "from_online_head" || lin.Metrics["epochs"] != 2 ||
		(lin.Metrics["best_epoch"] != 0 && lin.Metrics["best_epoch"] != 1) {
		t.Errorf("linear_official row %+v; want 2 epochs from the online head, best epoch 0 or 1", lin)
	}
	if _, ok := lin.Metrics["tencrop_top1"]; !ok {
		t.Errorf("linear_official metrics %v; want the online head's ten-crop score", lin.Metrics)
	}
	// 256 training images: int(0.1·256)+1 = 26 labels with replacement, batches of 16 (batch_size), 1 per epoch.
	if semi.Protocol != mvmr.ProtocolSemi10 || semi.Variant != string(mvmr.SampleOfficial) || semi.Metrics["labelled"] != 26 ||
		semi.Metrics["epochs"] != 2 || semi.Metrics["steps"] != 2 {
		t.Errorf("semi10 row %+v; want the official fine-tune: 26 labels, 2 epochs of 1 step", semi)
	}
}
