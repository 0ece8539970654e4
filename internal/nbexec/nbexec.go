// Package nbexec executes GoNB notebooks headless and checks what they show: Require checks
// that Jupyter and the GoNB kernel are installed, Execute runs a notebook with `jupyter nbconvert
// --execute`, Check lists the failed cells (error outputs, panics, `exit status`) and the missing
// images and texts of an Expectation, and ToHTML exports an executed notebook as one HTML page,
// with its code or, as a report, without it.
//
// `mvmr notebook` and the notebooks' own test (notebooks.TestNotebooksExecute) both use it.
package nbexec

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// KernelName is the Jupyter kernel the notebooks run on (installed by scripts/setup-notebooks.sh).
const KernelName = "gonb"

// QuickEnv is the environment variable that, set to "1", makes every notebook of the kit run its
// quick settings (notebooks.QuickEnv is this name); pass QuickEnv+"=1" to Execute.
const QuickEnv = "MVMR_QUICK"

// HeadlessEnv is set to "1" in the environment of every notebook Execute runs: nbconvert
// executes the cells with no browser attached, so a cell can skip what needs one (GoNB widgets,
// notebooks.Playground) instead of waiting for a browser that will not answer.
const HeadlessEnv = "MVMR_HEADLESS"

// Expectation lists what an executed notebook must show.
type Expectation struct {
	// Images is the least number of image outputs (image/png, image/svg+xml, or HTML holding
	// an inline <svg>, which is how GoNB sends SVG).
	Images int
	// Texts are regular expressions that must each match some text output.
	Texts []string
}

// Problems found in an executed notebook: error outputs, panics and `exit status` on stderr
// (GoNB reports a panicking or exiting cell only there; nbconvert still succeeds), missing images
// and texts.
type Problems []string

func (p Problems) Error() string { return strings.Join(p, "\n") }

// Check returns the problems of an executed notebook (its .ipynb JSON) against want.
func Check(raw []byte, want Expectation) (Problems, error) {
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	return checkExecuted(nb, want), nil
}

// Require checks that jupyter and the GoNB kernel are installed, and that the kernel's program
// exists; the error says how to install them.
func Require() error {
	if _, err := exec.LookPath("jupyter"); err != nil {
		return fmt.Errorf("jupyter is not installed (run scripts/setup-notebooks.sh): %w", err)
	}
	out, err := exec.Command("jupyter", "kernelspec", "list", "--json").Output()
	if err != nil {
		return fmt.Errorf("jupyter kernelspec list: %w (run scripts/setup-notebooks.sh)", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv []string `json:"argv"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return fmt.Errorf("jupyter kernelspec list --json: %w", err)
	}
	kernel, ok := list.Kernelspecs[KernelName]
	if !ok {
		return fmt.Errorf("the GoNB kernel is not installed (run scripts/setup-notebooks.sh)")
	}
	if len(kernel.Spec.Argv) == 0 {
		return fmt.Errorf("the GoNB kernel spec in %s has no command (run scripts/setup-notebooks.sh)", kernel.ResourceDir)
	}
	if _, err := exec.LookPath(kernel.Spec.Argv[0]); err != nil {
		return fmt.Errorf("the GoNB kernel spec in %s runs %s, which is missing (run scripts/setup-notebooks.sh): %w",
			kernel.ResourceDir, kernel.Spec.Argv[0], err)
	}
	return nil
}

// Execute runs the notebook at path headless with `jupyter nbconvert --execute` on the GoNB
// kernel (each cell may take up to cellTimeout), writes the executed notebook to outDir under
// the same name and returns its JSON. env is added to the environment (QuickEnv=1 for the quick
// settings; HeadlessEnv=1 is always added). Every cell runs even after one fails (--allow-errors): errors, panics and `exit
// status` show in the returned notebook; pass it to Check.
func Execute(ctx context.Context, path, outDir string, cellTimeout time.Duration, env ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(cellTimeout.Seconds())),
		"--ExecutePreprocessor.kernel_name="+KernelName,
		"--output-dir", outDir, path)
	cmd.Env = append(append(os.Environ(), HeadlessEnv+"=1"), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("jupyter nbconvert --execute %s: %w\n%s", path, err, lastLines(string(out), 40))
	}
	executed := filepath.Join(outDir, filepath.Base(path))
	raw, err := os.ReadFile(executed)
	if err != nil {
		return nil, fmt.Errorf("executed notebook %s: %w", executed, err)
	}
	return raw, nil
}

// HTMLOptions configures ToHTML.
type HTMLOptions struct {
	// Report leaves the code cells' source out of the page (nbconvert's --no-input): the
	// markdown, the printed outputs and the figures remain, a report for readers of the results
	// rather than of the code.
	Report bool
}

// ToHTML converts an (executed) notebook to a standalone HTML page, figures embedded as data
// URIs, and returns the page.
func ToHTML(ctx context.Context, path string, opts HTMLOptions) ([]byte, error) {
	dir, err := os.MkdirTemp("", "mvmr-html-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := []string{"nbconvert", "--to", "html", "--output-dir", dir, "--output", "page"}
	if opts.Report {
		args = append(args, "--no-input")
	}
	cmd := exec.CommandContext(ctx, "jupyter", append(args, path)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("jupyter nbconvert --to html %s: %w\n%s", path, err, lastLines(string(out), 40))
	}
	html, err := os.ReadFile(filepath.Join(dir, "page.html"))
	if err != nil {
		return nil, fmt.Errorf("jupyter nbconvert --to html %s: %w", path, err)
	}
	return html, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
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
func checkExecuted(nb notebook, want Expectation) Problems {
	var problems Problems
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
	if images < want.Images {
		problems = append(problems, fmt.Sprintf("%d image outputs, want at least %d", images, want.Images))
	}
	for _, text := range want.Texts {
		re, err := regexp.Compile(text)
		if err != nil {
			problems = append(problems, fmt.Sprintf("expected text %q is not a regular expression: %v", text, err))
			continue
		}
		if !re.MatchString(all.String()) {
			problems = append(problems, fmt.Sprintf("no output matches %q", text))
		}
	}
	return problems
}
