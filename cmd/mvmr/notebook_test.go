package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/nbexec"
)

// writeNotebook writes a one-cell GoNB notebook running body as its `%%` cell.
func writeNotebook(t *testing.T, dir, name, body string) string {
	t.Helper()
	nb := map[string]any{
		"cells": []map[string]any{{"cell_type": "code", "execution_count": nil, "id": "c1", "metadata": map[string]any{},
			"outputs": []any{}, "source": "%%\n" + body}},
		"metadata":       map[string]any{"kernelspec": map[string]string{"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	raw, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNotebookCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	nb := writeNotebook(t, dir, "ok.ipynb", `fmt.Println("hi")`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"notebook", nb}, "expected NOTEBOOK.ipynb OUT.html"},
		{[]string{"notebook", filepath.Join(dir, "missing.ipynb"), filepath.Join(dir, "out.html")}, "missing.ipynb"},
		{[]string{"notebook", filepath.Join(dir, "notes.txt"), filepath.Join(dir, "out.html")}, "expected a .ipynb file"},
		{[]string{"notebook", nb, filepath.Join(dir, "out.pdf")}, "expected a .html file"},
		{[]string{"notebook", "-timeout", "0s", nb, filepath.Join(dir, "out.html")}, "-timeout 0s"},
		{[]string{"notebook", "-nosuchflag", nb, filepath.Join(dir, "out.html")}, "nosuchflag"},
	} {
		code, _, stderr := runCLI(c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message containing %q", c.args, code, stderr, c.want)
		}
	}
}

func TestNotebookCommandExportsHTML(t *testing.T) {
	if testing.Short() {
		t.Skip("runs jupyter and the GoNB kernel; skipped with -short")
	}
	if err := nbexec.Require(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	good := writeNotebook(t, dir, "good.ipynb", `fmt.Println("the answer is", 6*7)`)
	out, executed := filepath.Join(dir, "good.html"), filepath.Join(dir, "run.ipynb")
	code, stdout, stderr := runCLI("notebook", "-quick", "-executed", executed, good, out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "the answer is 42") || !strings.Contains(string(html), "<html") {
		t.Errorf("%s does not hold the executed output (%d bytes)", out, len(html))
	}
	if raw, err := os.ReadFile(executed); err != nil || !strings.Contains(string(raw), "the answer is 42") {
		t.Errorf("executed notebook %s: %v", executed, err)
	}

	// -report: the page keeps the output and leaves the code out.
	report := filepath.Join(dir, "report.html")
	if code, stdout, stderr := runCLI("notebook", "-quick", "-report", good, report); code != 0 {
		t.Fatalf("-report: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "the answer is 42") || strings.Contains(string(page), "Println") {
		t.Errorf("-report page %s: want the output without the code (Println)", report)
	}

	bad := writeNotebook(t, dir, "bad.ipynb", `panic("boom in a cell")`)
	code, _, stderr = runCLI("notebook", bad, filepath.Join(dir, "bad.html"))
	if code != 1 || !strings.Contains(stderr, "boom in a cell") {
		t.Errorf("panicking notebook: exit %d, stderr %q; want 1 and the panic", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.html")); err != nil {
		t.Errorf("the page of a failed notebook was not written: %v", err)
	}
}
