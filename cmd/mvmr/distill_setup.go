package main

import (
	"flag"
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// distillFlagText is the help text (and the -reps default) with which a command declares the
// shared distillation flags.
type distillFlagText struct {
	teacher, student, steps string
	repsDefault, reps       string
}

// distillFlags are the flags that mvmr distill and mvmr distill-seeds share: the teacher, the
// student encoder, the training steps and the representations kept beside the teacher.
type distillFlags struct {
	teacher, student, reps *string
	steps                  *int
}

// distillDefaultSteps is the default number of training steps of mvmr distill, distill-seeds
// and distill-demo (each model): 300 steps of 256, what the README's distillation numbers were
// measured with. It was mvmr.QuickstartSteps until the quickstart spent its 4-minute budget on
// 1500 steps (issue 18); distill-demo trains three models, so it keeps the shorter schedule.
const distillDefaultSteps = 300

// addDistillFlags declares -teacher, -student (default mvmr.DistillStudentSpec), -steps (default
// distillDefaultSteps) and -reps on fs.
func addDistillFlags(fs *flag.FlagSet, text distillFlagText) *distillFlags {
	return &distillFlags{
		teacher: fs.String("teacher", "", text.teacher),
		student: fs.String("student", mvmr.DistillStudentSpec, text.student),
		steps:   fs.Int("steps", distillDefaultSteps, text.steps),
		reps:    fs.String("reps", text.repsDefault, text.reps),
	}
}

// distillSetup is what the shared flags say, parsed and checked.
type distillSetup struct {
	teacherKind, teacherPath string
	encoder                  nn.EncoderConfig
	// reps are the -reps terms, kept beside the teacher.
	reps  []mvmr.RepresentationTerm
	steps int
}

// setup parses -teacher (KIND:PATH), -student and -reps; every error is a usage error that
// names the flag. The commands check that -teacher is given, and -steps, themselves.
func (f *distillFlags) setup() (distillSetup, error) {
	kind, path, err := mvmr.ParseTeacherSpec(*f.teacher)
	if err != nil {
		return distillSetup{}, usageError{err}
	}
	encoder, err := mvmr.ParseStudentSpec(*f.student)
	if err != nil {
		return distillSetup{}, usageError{fmt.Errorf("-student: %w", err)}
	}
	names, err := runs.ParseRepresentationNames("-reps", *f.reps)
	if err != nil {
		return distillSetup{}, usageError{err}
	}
	reps := maximizedTerms(names)
	return distillSetup{teacherKind: kind, teacherPath: path, encoder: encoder, reps: reps, steps: *f.steps}, nil
}

// config returns the student's distillation config (mvmr.DistillConfig: L1 + L2 + 1 − dCor(z~,
// teacher)) with the teacher's params, and reps maximised beside the teacher.
func (s distillSetup) config(params reps.Params, reps []mvmr.RepresentationTerm) mvmr.Config {
	c := mvmr.DistillConfig(s.encoder, mvmr.TeacherTerm(s.teacherKind, s.teacherPath, params), int64(s.steps))
	c.Loss.Representations = append(c.Loss.Representations, reps...)
	return c
}

// maximizedTerms turns representation names (runs.ParseRepresentationNames) into maximised
// terms of weight 1.
func maximizedTerms(names []string) []mvmr.RepresentationTerm {
	var terms []mvmr.RepresentationTerm
	for _, name := range names {
		terms = append(terms, mvmr.RepresentationTerm{Name: name, Weight: 1, Mode: mvmr.ModeMaximize})
	}
	return terms
}
