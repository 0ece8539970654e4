package reps

import (
	"math/rand/v2"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/mvmr/scattering"
)

func TestPatchScatNetIsTheScatteringOfEachPatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	const h, w, c = 29, 30, 2 // patches of 7×7, the remainder dropped
	image := make([]float32, h*w*c)
	for i := range image {
		image[i] = float32(rng.NormFloat64())
	}
	rep, err := Known.New("patch_scatnet", nil)
	if err != nil {
		t.Fatal(err)
	}
	shape, err := rep.Shape(h, w, c)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{16, c, 81, 1, 1}; len(shape) != 5 || shape[0] != want[0] || shape[1] != want[1] || shape[2] != want[2] {
		t.Fatalf("shape %v, want %v", shape, want)
	}
	host, _ := rep.Host()
	got := hostFeatures(t, host, image, 1, h, w, c)
	tr, err := scattering.New(7, 7, 2, 8)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 81)
	plane := make([]float64, 49)
	for p := range 16 {
		for ch := range c {
			top, left := (p/4)*7, (p%4)*7
			for i := range 7 {
				for j := range 7 {
					plane[i*7+j] = float64(image[((top+i)*w+left+j)*c+ch])
				}
			}
			tr.Apply(out, plane)
			for k := range 81 {
				if g := got[(p*c+ch)*81+k]; g != float32(out[k]) {
					t.Fatalf("patch %d channel %d coefficient %d = %g, scattering of the patch %g", p, ch, k, g, out[k])
				}
			}
		}
	}
	// The full-image representation divides by 32 (the official FP16 trick); aug_scatnet does not.
	full, _ := Known.New("scatnet", nil)
	aug, _ := Known.New("aug_scatnet", nil)
	if full.impl.(ScatNetRepresentation).Scale != 32 || aug.impl.(ScatNetRepresentation).Scale != 1 {
		t.Error("scatnet must divide by 32 and aug_scatnet by 1, as the official code")
	}
	if _, err := Known.New("scatnet", Params{"J": 6.0}); err != nil {
		t.Fatal(err)
	}
	big, _ := Known.New("scatnet", Params{"J": 6.0})
	if _, err := big.Shape(28, 28, 1); err == nil {
		t.Error("J=6 accepted for 28x28 images")
	}
}
