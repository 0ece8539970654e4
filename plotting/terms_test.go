package plotting

import (
	"slices"
	"testing"
)

func TestTermsTable(t *testing.T) {
	// One colour per term everywhere: an L3 term and its dCor diagnostic share it; the variance
	// hinge and the local-std representation do not.
	if TermColor("dcor/hog") != TermColor("dcor_diag/hog") || TermColor("dcor/hog") != Terms["hog"].Color {
		t.Error("dcor/hog and dcor_diag/hog have different colours")
	}
	if TermColor("std") == TermColor("dcor/std") || TermLabel("std") == TermLabel("dcor/std") {
		t.Errorf("std and dcor/std share a colour or label: %q, %q", TermLabel("std"), TermLabel("dcor/std"))
	}
	for name, want := range map[string]string{
		"std": "variance hinge (std)", "dcor/std": "local std 3×3 (dcor/std)", "dcor_diag/std": "local std 3×3",
		"total": "total", "dcor/image": "image (dcor/image)", "dcor_diag/image": "image", "made_up": "made_up",
	} {
		if got := TermLabel(name); got != want {
			t.Errorf("TermLabel(%q) = %q; want %q", name, got, want)
		}
	}
	if TermColor("made_up") != TermColor("made_up") {
		t.Error("an unknown name's colour is not stable")
	}
	seen := map[any]string{}
	for key, term := range Terms {
		if other, ok := seen[term.Color]; ok {
			t.Errorf("%s and %s share a colour", key, other)
		}
		seen[term.Color] = key
	}
}

func TestStepTicks(t *testing.T) {
	var labels []string
	for _, tick := range (stepTicks{}).Ticks(0, 250) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	if want := []string{"0", "50", "100", "150", "200", "250"}; !slices.Equal(labels, want) {
		t.Errorf("step ticks of [0, 250] labelled %v; want %v", labels, want)
	}
	if got := niceStep(36); got != 50 {
		t.Errorf("niceStep(36) = %g; want 50", got)
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tick := range (logTicks{}).Ticks(0.04, 3.3) {
		if tick.Label != "" {
			labels = append(labels, tick.Label)
		}
	}
	if want := []string{"0.05", "0.1", "0.2", "0.5", "1", "2"}; !slices.Equal(labels, want) {
		t.Errorf("log ticks of [0.04, 3.3] labelled %v; want %v", labels, want)
	}
}
