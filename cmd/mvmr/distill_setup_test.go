package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// TestDistillRepsSyntax checks that -reps takes what it took before its parser moved to runs
// (spaces trimmed, empty items skipped, "" for none) as maximised terms of weight 1, and names
// an unknown representation with the registered ones.
func TestDistillRepsSyntax(t *testing.T) {
	for list, want := range map[string][]string{" image, ,std ,": {"image", "std"}, "": nil, "std": {"std"}} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		shared := addDistillFlags(fs, distillFlagText{repsDefault: "image"})
		if err := fs.Parse([]string{"-teacher", "npy:t.npy", "-reps", list}); err != nil {
			t.Fatal(err)
		}
		setup, err := shared.setup()
		if err != nil {
			t.Fatalf("-reps %q: %v", list, err)
		}
		var names []string
		for _, term := range setup.reps {
			names = append(names, term.Name)
			if term.Weight != 1 || term.Mode != mvmr.ModeMaximize || term.Params != nil {
				t.Errorf("-reps %q: term %+v; want weight 1, maximize, no params", list, term)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("-reps %q: terms %v; want %v", list, names, want)
		}
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	shared := addDistillFlags(fs, distillFlagText{})
	if err := fs.Parse([]string{"-teacher", "npy:t.npy", "-reps", "image,nope"}); err != nil {
		t.Fatal(err)
	}
	_, err := shared.setup()
	if err == nil || !strings.Contains(err.Error(), `-reps[1] = "nope": expected one of `) ||
		!strings.Contains(err.Error(), "std") || !strings.Contains(err.Error(), "hog") || !errors.As(err, new(usageError)) {
		t.Errorf("error %v; want a usage error naming \"nope\" and listing the registered representations", err)
	}
}

// TestDistillSetupBuildsTheStudentConfig parses the shared flags as a command does and checks
// the teacher, student, steps and representation terms of the config they give.
func TestDistillSetupBuildsTheStudentConfig(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	shared := addDistillFlags(fs, distillFlagText{repsDefault: "image"})
	if err := fs.Parse([]string{"-teacher", "npy:t.npy", "-student", "4-8/16", "-steps", "7", "-reps", "std, lbp"}); err != nil {
		t.Fatal(err)
	}
	setup, err := shared.setup()
	if err != nil {
		t.Fatal(err)
	}
	c := setup.config(reps.Params{"scale": "0.5"}, setup.reps)
	var names []string
	for _, r := range c.Loss.Representations {
		names = append(names, r.Name)
	}
	teacher := c.Loss.Representations[0].Params
	if !slices.Equal(names, []string{mvmr.TeacherName, "std", "lbp"}) || teacher[mvmr.ParamTeacherKind] != mvmr.TeacherNPY ||
		teacher[mvmr.ParamTeacherPath] != "t.npy" || teacher["scale"] != "0.5" {
		t.Errorf("representations %v, teacher params %v; want teacher (npy t.npy, scale 0.5), std, lbp", names, teacher)
	}
	if !slices.Equal(c.Encoder.Channels, []int{4, 8}) || c.Optimizer.TotalSteps != 7 {
		t.Errorf("encoder channels %v, total steps %d; want [4 8] and 7", c.Encoder.Channels, c.Optimizer.TotalSteps)
	}
	if c := setup.config(nil, nil); len(c.Loss.Representations) != 1 {
		t.Errorf("config without reps has %d terms; want the teacher alone", len(c.Loss.Representations))
	}

	// Defaults: the student spec of the kit and the command's -reps default.
	fs = flag.NewFlagSet("test", flag.ContinueOnError)
	shared = addDistillFlags(fs, distillFlagText{repsDefault: "image"})
	if err := fs.Parse([]string{"-teacher", "onnx:m.onnx"}); err != nil {
		t.Fatal(err)
	}
	if setup, err = shared.setup(); err != nil {
		t.Fatal(err)
	}
	if setup.steps != 300 || len(setup.reps) != 1 || setup.reps[0].Name != "image" {
		t.Errorf("default steps %d, reps %+v; want 300 and image", setup.steps, setup.reps)
	}
}
