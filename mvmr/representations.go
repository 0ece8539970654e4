package mvmr

import (
	"maps"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// Representations returns the registry of the representations a loss term may name: the
// built-in ones (the reps.Known table) and the distillation teacher (TeacherName), which lives
// in this package because it runs this package's checkpoints. The map is a copy.
func Representations() reps.Registry {
	r := maps.Clone(reps.Known)
	r[TeacherName] = reps.Entry{New: newTeacher, Needs: TeacherNeeds}
	return r
}
