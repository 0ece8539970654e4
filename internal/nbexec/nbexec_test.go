package nbexec

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckExecutedCatchesFailures(t *testing.T) {
	var nb notebook
	raw := `{"cells": [{"cell_type": "code", "source": [], "outputs": [
		{"output_type": "stream", "name": "stderr", "text": ["panic: boom\n", "exit status 2\n"]},
		{"output_type": "error", "ename": "ERROR", "evalue": "compile failed"},
		{"output_type": "stream", "name": "stdout", "text": "hello\n"}]}]}`
	if err := json.Unmarshal([]byte(raw), &nb); err != nil {
		t.Fatal(err)
	}
	problems := checkExecuted(nb, Expectation{Images: 1, Texts: []string{"hel+o", "missing text"}})
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"panic: boom", "compile failed", "0 image outputs", `"missing text"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems %q do not mention %q", joined, want)
		}
	}
	if strings.Contains(joined, `"hel+o"`) {
		t.Errorf("text present in the output reported missing: %q", joined)
	}
}

// TestToHTMLReportLeavesCodeOut converts a notebook that is already executed (no kernel needed):
// the report page keeps the markdown and the outputs and drops the code; the full page keeps it.
func TestToHTMLReportLeavesCodeOut(t *testing.T) {
	if _, err := exec.LookPath("jupyter"); err != nil {
		t.Skip("jupyter is not installed (scripts/setup-notebooks.sh)")
	}
	path := filepath.Join(t.TempDir(), "done.ipynb")
	nb := `{"cells": [
		{"cell_type": "markdown", "metadata": {}, "source": ["# A heading for readers"]},
		{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["fmt.Println(\"codeOnlyIdentifier\")"],
		 "outputs": [{"output_type": "stream", "name": "stdout", "text": ["printed result 42\n"]}]}],
		"metadata": {"kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
		"nbformat": 4, "nbformat_minor": 5}`
	if err := os.WriteFile(path, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, report := range []bool{false, true} {
		page, err := ToHTML(context.Background(), path, HTMLOptions{Report: report})
		if err != nil {
			t.Fatal(err)
		}
		html := string(page)
		if !strings.Contains(html, "A heading for readers") || !strings.Contains(html, "printed result 42") {
			t.Errorf("report=%v: the page lacks the markdown or the output", report)
		}
		if hasCode := strings.Contains(html, "codeOnlyIdentifier"); hasCode == report {
			t.Errorf("report=%v: code in the page = %v", report, hasCode)
		}
	}
}

// TestExecuteTellsCellsTheyRunHeadless runs Execute against a stand-in `jupyter` that writes
// the environment the notebook would see into the "executed" notebook.
func TestExecuteTellsCellsTheyRunHeadless(t *testing.T) {
	bin := t.TempDir()
	script := `#!/bin/sh
prev=""; for a in "$@"; do [ "$prev" = "--output-dir" ] && out="$a"; prev="$a"; last="$a"; done
printf '{"headless": "%s", "quick": "%s"}' "$MVMR_HEADLESS" "$MVMR_QUICK" > "$out/$(basename "$last")"
`
	if err := os.WriteFile(filepath.Join(bin, "jupyter"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv(HeadlessEnv, "")
	nb := filepath.Join(t.TempDir(), "x.ipynb")
	if err := os.WriteFile(nb, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := Execute(context.Background(), nb, t.TempDir(), time.Minute, QuickEnv+"=1")
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Headless, Quick string }
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if got.Headless != "1" || got.Quick != "1" {
		t.Errorf("the notebook saw %s=%q and %s=%q; want both \"1\"", HeadlessEnv, got.Headless, QuickEnv, got.Quick)
	}
}
