package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// expectation lists what an executed notebook must show.
type expectation struct {
	// images is the least number of image outputs (image/png, image/svg+xml, or HTML holding an
	// inline <svg>, which is how GoNB sends SVG).
	images int
	// texts must each appear in some text output.
	texts []string
}

// expected holds the expectation of every notebook in this folder; a notebook without one
// fails the test, so a new notebook cannot go unchecked.
var expected = map[string]expectation{
	"01_quickstart.ipynb": {
		images: 2,
		texts:  []string{"MNIST: 60000 training images", "step 200/200", "step 400/400", "linear probe on raw pixels", "linear probe on MV-MR encoder", "loss_components.svg", "scatnet"},
	},
}

type notebook struct {
	Cells []struct {
		CellType string   `json:"cell_type"`
		Source   []string `json:"source"`
		Outputs  []struct {
			OutputType string          `json:"output_type"`
			Name       string          `json:"name"`
			Text       json.RawMessage `json:"text"`
			Data       map[string]any  `json:"data"`
			EName      string          `json:"ename"`
			EValue     string          `json:"evalue"`
		} `json:"outputs"`
	} `json:"cells"`
}

func textOf(raw json.RawMessage) string {
	var lines []string
	if json.Unmarshal(raw, &lines) == nil {
		return strings.Join(lines, "")
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

func anyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, e := range x {
			b.WriteString(anyText(e))
		}
		return b.String()
	}
	return ""
}

// checkExecuted returns the problems found in an executed notebook.
func checkExecuted(nb notebook, want expectation) []string {
	var problems []string
	images := 0
	var all strings.Builder
	for i, cell := range nb.Cells {
		for _, out := range cell.Outputs {
			switch out.OutputType {
			case "error":
				problems = append(problems, fmt.Sprintf("cell %d: error output %s: %s", i, out.EName, out.EValue))
			case "stream":
				text := textOf(out.Text)
				all.WriteString(text)
				if out.Name == "stderr" && (strings.Contains(text, "panic:") || strings.Contains(text, "exit status")) {
					problems = append(problems, fmt.Sprintf("cell %d: stderr reports a failure: %.400s", i, text))
				}
			case "display_data", "execute_result":
				for mime, data := range out.Data {
					text := anyText(data)
					if mime == "image/png" || mime == "image/svg+xml" || (mime == "text/html" && strings.Contains(text, "<svg")) {
						images++
					}
					if strings.HasPrefix(mime, "text/") {
						all.WriteString(text)
					}
				}
			}
		}
	}
	if images < want.images {
		problems = append(problems, fmt.Sprintf("%d image outputs, want at least %d", images, want.images))
	}
	for _, text := range want.texts {
		if !strings.Contains(all.String(), text) {
			problems = append(problems, fmt.Sprintf("no output contains %q", text))
		}
	}
	return problems
}

func TestNotebooksExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executing notebooks takes minutes; skipped with -short")
	}
	required := os.Getenv("MVMR_REQUIRE_NOTEBOOKS") == "1"
	if _, err := exec.LookPath("jupyter"); err != nil {
		if required {
			t.Fatal("jupyter is not installed (run scripts/setup-notebooks.sh)")
		}
		t.Skip("jupyter is not installed; run scripts/setup-notebooks.sh, or set MVMR_REQUIRE_NOTEBOOKS=1 to fail instead")
	}
	if out, err := exec.Command("jupyter", "kernelspec", "list").CombinedOutput(); err != nil || !strings.Contains(string(out), "gonb") {
		if required {
			t.Fatalf("the GoNB kernel is not installed (run scripts/setup-notebooks.sh): %s", out)
		}
		t.Skip("the GoNB kernel is not installed; run scripts/setup-notebooks.sh")
	}
	paths, err := filepath.Glob("*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks found: %v", err)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			want, ok := expected[path]
			if !ok {
				t.Fatalf("%s has no expectation in notebooks_test.go", path)
			}
			outDir := t.TempDir()
			cmd := exec.Command("jupyter", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=900", "--ExecutePreprocessor.kernel_name=gonb",
				"--output-dir", outDir, path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("jupyter nbconvert --execute %s: %v\n%s", path, err, out)
			}
			raw, err := os.ReadFile(filepath.Join(outDir, filepath.Base(path)))
			if err != nil {
				t.Fatal(err)
			}
			var nb notebook
			if err := json.Unmarshal(raw, &nb); err != nil {
				t.Fatalf("executed %s is not a notebook: %v", path, err)
			}
			for _, problem := range checkExecuted(nb, want) {
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

func TestCheckExecutedCatchesFailures(t *testing.T) {
	var nb notebook
	raw := `{"cells": [{"cell_type": "code", "source": [], "outputs": [
		{"output_type": "stream", "name": "stderr", "text": ["panic: boom\n", "exit status 2\n"]},
		{"output_type": "error", "ename": "ERROR", "evalue": "compile failed"},
		{"output_type": "stream", "name": "stdout", "text": "hello\n"}]}]}`
	if err := json.Unmarshal([]byte(raw), &nb); err != nil {
		t.Fatal(err)
	}
	problems := checkExecuted(nb, expectation{images: 1, texts: []string{"hello", "missing text"}})
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"panic: boom", "compile failed", "0 image outputs", `"missing text"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems %q do not mention %q", joined, want)
		}
	}
	if strings.Contains(joined, `"hello"`) {
		t.Errorf("text present in the output reported missing: %q", joined)
	}
}
