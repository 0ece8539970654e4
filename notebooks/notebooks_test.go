package notebooks

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/nbexec"
)

// expected holds the expectation of every notebook in this folder; a notebook without one
// fails the test, so a new notebook cannot go unchecked. Texts are regular expressions; the
// notebooks run with their quick settings unless MVMR_QUICK=0.
var expected = map[string]nbexec.Expectation{
	"01_quickstart.ipynb": {
		Images: 3,
		Texts: []string{"MNIST: 60000 training images", "atlas.svg", `settings: --steps=\d+`, `step \d+/\d+ \| mse`,
			`linear probe on raw pixels .*top-1 \d+\.\d+ %`, `linear probe on random encoder .*top-1 \d+\.\d+ %`, `linear probe on MV-MR encoder .*top-1 \d+\.\d+ %`, "loss_components.svg", "scatnet"},
	},
	"02_loss_anatomy.ipynb": {
		Images: 5,
		Texts: []string{`settings: --steps=\d+`, `parabola +Pearson r = [+-]0\.\d+ +dCor = 0\.[3-9]`, "dependence.svg",
			`(?m)^line +\| \+1\.00, 1\.00`, "dependence_grid.svg", `playground: (executed headless|no widget front-end answered within)`,
			`reading: after \d+ steps dCor\(x, y\) = (0\.99\d+|1\.00000) \(exact\) and y is x rotated`, "dcor_as_loss.svg",
			`this notebook ran \S+ here from its settings cell`,
			`mse only: linear probe top-1 \d+\.\d+ %`, `L1 \+ L2 \+ L3 \(full\): linear probe top-1 \d+\.\d+ %`,
			`full without std +\d+\.\d+ +(\d+\.\d+–\d+\.\d+|\(one seed\)) +\d+`, `(beats .* by|no difference between) .* over \d+ seeds`,
			`mse only, seed 1: (trained all|stopped after)`, "loss_mse_only.svg", "collapse.svg"},
	},
	"03_ablation_K.ipynb": {
		Images: 2,
		Texts: []string{`settings: --steps=\d+`, `set: all, official sign`, `none: linear probe top-1 \d+\.\d+ %`,
			"results.csv", `(?m)^none +\d+\.\d+ +\d+\.\d+`, "ablation.svg", "dcor_traces.svg",
			`pdCor\(z,hog\|image\)`, `(?m)^none +1 +\d+ +-?\d\.\d{4} +\d\.\d{3} +-?\d\.\d{4} +\d\.\d{3}$`,
			`answer: (yes, in every run|not shown in any run|in \d+ of \d+ runs)`},
	},
	"04_distillation.ipynb": {
		Images: 2,
		Texts: []string{`settings: --steps=\d+`, `teacher +\d+ +\d+ +2048 +\d+ +\d+\.\d+`, `student alone \(MV-MR\) +\d+ +\d+ +512`,
			"distillation.svg", `distilled student: \d+ parameters \(\d+ backbone\), linear probe top-1 \d+\.\d+ %`,
			`student alone: \d+ parameters`, `(beats .* by|no difference between) .*MV-MR alone .*over 3 seeds`,
			`(distilled student beats|student alone beats|no difference between distilled student and student alone)`, `dcor/teacher`, "loss_distilled.svg"},
	},
	// 05 reads the runs of 01-03, which run before it (the notebooks run in name order).
	"05_report.ipynb": {
		Images: 5,
		Texts: []string{`h +linear +top-1 +\d+\.\d+ %`, `h +knn +k=20 +top-1 +\d+\.\d+ %`, `random h +linear +top-1`, `pixels +knn +k=200`, "evaluation.csv",
			`(beats|no difference between) .*\(kNN k=20\).* over 5 test folds`, `(beats .* by|no difference between) .* over \d+ seeds`,
			`t-SNE of \d+ digits`, "tsne.svg", "anatomy_collapse.svg", "ablation.svg", "dcor_traces.svg"},
	},
	"06_any_config.ipynb": {
		Images: 4,
		Texts: []string{`settings: \(no --config: the kit's default run\) --set eval.protocols=linear,knn`, `run folder: .*mvmr-06_any_config/default-[0-9a-f]{8}`,
			`data: mnist, trains on \d+ images`, `encoder: cnn.*→ projector 512-512 → z of 512; [\d ]+ parameters \(backbone [\d ]+\)`,
			`backend go:parallelism=-1`, `parallel.devices 1, parallel.loss_groups 1`, `\d+ more steps: median [\d.]+m?s/step`,
			`the whole run, \d+ steps: about`, `step \d+/\d+ \| mse`, "saved .*loss_components.svg", "saved .*collapse.svg", "saved .*dcor_traces.svg",
			`\| linear \| \d+\.\d+ \|`, `\| knn k=20 \| \d+\.\d+ \|`},
	},
}

// KeepEnv names the environment variable holding a folder where the test keeps the executed
// notebooks (under their own names), to commit their outputs after checking them.
const KeepEnv = "MVMR_NOTEBOOK_OUT"

func TestNotebooksExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executing notebooks takes minutes; skipped with -short")
	}
	if err := nbexec.Require(); err != nil {
		if os.Getenv("MVMR_REQUIRE_NOTEBOOKS") == "1" {
			t.Fatal(err)
		}
		t.Skipf("%v; or set MVMR_REQUIRE_NOTEBOOKS=1 to fail instead", err)
	}
	// The quick settings unless the caller chose (MVMR_QUICK=0 runs the notebooks' defaults).
	var env []string
	if os.Getenv(QuickEnv) == "" {
		env = append(env, QuickEnv+"=1")
	}
	// The runs go to a folder of the test's own (one for all notebooks: 05 reads 01-03), never
	// to the reader's default run directories.
	if os.Getenv(RunsEnv) == "" {
		env = append(env, RunsEnv+"="+t.TempDir())
	}
	paths, err := filepath.Glob("*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks found: %v", err)
	}
	if only := os.Getenv("MVMR_NOTEBOOK"); only != "" {
		paths = []string{only}
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			want, ok := expected[path]
			if !ok {
				t.Fatalf("%s has no expectation in notebooks_test.go", path)
			}
			start := time.Now()
			out := cmp.Or(os.Getenv(KeepEnv), t.TempDir())
			raw, err := nbexec.Execute(context.Background(), path, out, 15*time.Minute, env...)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %s (%s=%s)", path, time.Since(start).Round(time.Second), QuickEnv, cmp.Or(os.Getenv(QuickEnv), "1"))
			problems, err := nbexec.Check(raw, want)
			if err != nil {
				t.Fatalf("executed %s: %v", path, err)
			}
			for _, problem := range problems {
				t.Error(problem)
			}
			if t.Failed() {
				keep := filepath.Join(os.TempDir(), "failed-"+filepath.Base(path))
				_ = os.WriteFile(keep, raw, 0o644)
				t.Logf("executed notebook kept at %s", keep)
			}
		})
	}
}
