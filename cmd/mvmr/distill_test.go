package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDistillCommandRejectsBadInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.mvmr")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"distill"}, "-teacher is required"},
		{[]string{"distill", "-teacher", "clip:model.pt"}, `teacher "clip:model.pt": expected KIND:PATH`},
		{[]string{"distill", "-teacher", "npy:t.npy", "-student", "8-x"}, `-student: encoder spec "8-x"`},
		{[]string{"distill", "-teacher", "npy:t.npy", "-param", "size=3"}, `unknown parameter "size"`},
		{[]string{"distill", "-teacher", "npy:t.npy", "-steps", "0"}, "-steps = 0"},
		{[]string{"distill", "-teacher", "npy:t.npy", "-reps", "image,nope"}, `-reps[1] = "nope": expected one of `},
		{[]string{"distill", "-teacher", "checkpoint:" + missing, "-out", t.TempDir()}, "absent.mvmr"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
}
