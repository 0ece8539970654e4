package nbexec

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
