package nbexec

import (
	"encoding/json"
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
