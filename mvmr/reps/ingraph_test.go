package reps

import "testing"

// TestRunInGraph: hog moves from the host to the graph, lbp (no graph form) stays on the host.
func TestRunInGraph(t *testing.T) {
	hog := newRep(t, "aug_hog", nil)
	if !hog.CanRunInGraph() || !hog.RunInGraph() {
		t.Fatal("aug_hog cannot run in the graph")
	}
	if _, ok := hog.Graph(); !ok || hog.OnHost() || !hog.FreshView() || hog.Name() != "aug_hog" {
		t.Errorf("aug_hog in the graph: Graph %v, OnHost %v, FreshView %v, Name %q", ok, hog.OnHost(), hog.FreshView(), hog.Name())
	}
	lbp := newRep(t, "lbp", nil)
	if lbp.CanRunInGraph() || lbp.RunInGraph() || !lbp.OnHost() {
		t.Errorf("lbp: CanRunInGraph %v, OnHost %v after RunInGraph; want false, true", lbp.CanRunInGraph(), lbp.OnHost())
	}
}
