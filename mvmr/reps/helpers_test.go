package reps

import (
	"testing"
)

// newRep creates the built-in representation name with params, failing the test on an error.
func newRep(t testing.TB, name string, params Params) *Rep {
	t.Helper()
	rep, err := Known.New(name, params)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// hostFeatures computes a host representation on images, failing the test on an error.
func hostFeatures(t testing.TB, rep HostRepresentation, images []float32, n, height, width, channels int) []float32 {
	t.Helper()
	out, err := ComputeHostFeatures(rep, images, n, height, width, channels)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
