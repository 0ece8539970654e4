package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func TestParseRepresentationList(t *testing.T) {
	terms, err := parseRepresentationList(" image, ,std ,")
	if err != nil {
		t.Fatal(err)
	}
	want := []mvmr.RepresentationTerm{
		{Name: "image", Weight: 1, Mode: mvmr.ModeMaximize},
		{Name: "std", Weight: 1, Mode: mvmr.ModeMaximize},
	}
	if len(terms) != len(want) || terms[0].Name != want[0].Name || terms[1].Name != want[1].Name ||
		terms[0].Weight != 1 || terms[1].Mode != mvmr.ModeMaximize {
		t.Errorf("terms %+v; want %+v", terms, want)
	}
	if terms, err := parseRepresentationList(""); err != nil || len(terms) != 0 {
		t.Errorf("empty list: %v, %v; want no terms", terms, err)
	}
	_, err = parseRepresentationList("image,nope")
	if err == nil || !strings.Contains(err.Error(), `unknown representation "nope"; registered: `) ||
		!strings.Contains(err.Error(), "std") || !strings.Contains(err.Error(), "hog") {
		t.Errorf("error %v; want it to name \"nope\" and list the registered representations", err)
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
	if setup.steps != mvmr.QuickstartSteps || len(setup.reps) != 1 || setup.reps[0].Name != "image" {
		t.Errorf("default steps %d, reps %+v; want %d and image", setup.steps, setup.reps, mvmr.QuickstartSteps)
	}
}
