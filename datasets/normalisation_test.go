package datasets

import (
	"slices"
	"testing"
)

// Normalisation agrees with what Open gives the embedded MNIST, and covers every name.
func TestNormalisationMatchesOpen(t *testing.T) {
	d, err := Open("mnist", "", OpenOptions{Split: SplitTest})
	if err != nil {
		t.Fatal(err)
	}
	mean, std, err := Normalisation("mnist")
	if err != nil || !slices.Equal(mean, d.Mean) || !slices.Equal(std, d.Std) {
		t.Fatalf("Normalisation(mnist) = %v, %v (%v); Open gives %v, %v", mean, std, err, d.Mean, d.Std)
	}
	for _, name := range Names {
		if mean, std, err := Normalisation(name); err != nil || len(mean) != len(std) || len(mean) == 0 {
			t.Errorf("Normalisation(%s) = %v, %v, %v", name, mean, std, err)
		}
	}
	if _, _, err := Normalisation("svhn"); err == nil {
		t.Error("svhn accepted")
	}
}
