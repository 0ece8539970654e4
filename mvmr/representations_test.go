package mvmr

import (
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// Representations is the built-in table plus the teacher, and a copy: adding to it changes
// neither reps.Known nor the next call's result.
func TestRepresentationsAddsTheTeacher(t *testing.T) {
	r := Representations()
	if len(r) != len(reps.Known)+1 || !slices.Contains(r.Names(), TeacherName) {
		t.Fatalf("Representations() = %v; want reps.Known's %v and %q", r.Names(), reps.Known.Names(), TeacherName)
	}
	if _, ok := reps.Known[TeacherName]; ok {
		t.Errorf("reps.Known holds %q", TeacherName)
	}
	r["mine"] = reps.Entry{}
	if _, ok := Representations()["mine"]; ok {
		t.Error("Representations() returns a shared map")
	}
}
