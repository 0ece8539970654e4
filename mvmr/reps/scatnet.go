package reps

import (
	"fmt"
	"sync"

	"github.com/mvmr-ssl/mvmr-go/mvmr/scattering"
)

// ScatNetRepresentation is the 2-D scattering transform of each channel of the image ("scatnet";
// the official 'full_img_scatnet' with kymatio's Scattering2D(J, shape, L); "aug_scatnet" on a
// fresh augmented view): Morlet wavelets with J scales and L angles, order 2, so
// K = 1 + J·L + L²·J(J−1)/2 channels (81 for J=2, L=8) per image channel, at (H/2^J)×(W/2^J).
// See package scattering; TestOfficialScatNet compares it with kymatio.
//
// Features are laid out as kymatio's (C, K, H/2^J, W/2^J) and divided by Scale: the official
// code divides full_img_scatnet by 32 ("trick for FP16 training") and aug_scatnet by nothing.
type ScatNetRepresentation struct {
	J, L  int
	Scale float64

	transforms *sync.Map // (height, width) → *scattering.Transform
}

// newFullScatNet creates the "scatnet" representation, divided by 32 as the official
// full_img_scatnet, from its parameters.
func newFullScatNet(name string, params Params) (Representation, error) {
	return newScaledScatNet(name, params, 32)
}

// newAugScatNet creates the "aug_scatnet" representation (on a fresh view, not divided, as the
// official aug_scatnet) from its parameters.
func newAugScatNet(name string, params Params) (Representation, error) {
	return newScaledScatNet(name, params, 1)
}

func newScaledScatNet(name string, params Params, scale float64) (Representation, error) {
	if err := params.Check(name, "J", "L"); err != nil {
		return nil, err
	}
	rep, err := newScatNet(name, params)
	if err != nil {
		return nil, err
	}
	rep.Scale = scale
	return rep, nil
}

func newScatNet(name string, params Params) (ScatNetRepresentation, error) {
	j, err := params.Int(name, "J", 2, 1, 8)
	if err != nil {
		return ScatNetRepresentation{}, err
	}
	l, err := params.Int(name, "L", 8, 1, 32)
	if err != nil {
		return ScatNetRepresentation{}, err
	}
	return ScatNetRepresentation{J: j, L: l, Scale: 1, transforms: &sync.Map{}}, nil
}

// Name implements Representation.
func (ScatNetRepresentation) Name() string { return "scatnet" }

// String identifies the representation with its parameters (the feature-cache key).
func (r ScatNetRepresentation) String() string {
	return fmt.Sprintf("scatnet{J:%d L:%d Scale:%g}", r.J, r.L, r.Scale)
}

// transform returns the (cached) transform for height×width images.
func (r ScatNetRepresentation) transform(height, width int) (*scattering.Transform, error) {
	if r.transforms == nil { // a ScatNetRepresentation built by hand: no cache (filters are still shared)
		return scattering.New(height, width, r.J, r.L)
	}
	key := [2]int{height, width}
	if t, ok := r.transforms.Load(key); ok {
		return t.(*scattering.Transform), nil
	}
	t, err := scattering.New(height, width, r.J, r.L)
	if err != nil {
		return nil, err
	}
	actual, _ := r.transforms.LoadOrStore(key, t)
	return actual.(*scattering.Transform), nil
}

// Shape implements Representation: (C, K, H/2^J, W/2^J).
func (r ScatNetRepresentation) Shape(height, width, channels int) ([]int, error) {
	t, err := r.transform(height, width)
	if err != nil {
		return nil, err
	}
	oh, ow := t.OutputSize()
	return []int{channels, t.Channels(), oh, ow}, nil
}

// Compute implements HostRepresentation.
func (r ScatNetRepresentation) Compute(dst, image []float32, height, width, channels int) {
	t, err := r.transform(height, width)
	if err != nil {
		panic(fmt.Sprintf("reps: %v", err))
	}
	scatterChannels(t, dst, image, height, width, channels, 0, 0, height, width, r.Scale)
}

// scatterChannels applies t to the patch [top, top+ph) × [left, left+pw) of every channel of an
// HWC image and writes the (C, K, oh, ow) coefficients, divided by scale, to dst.
func scatterChannels(t *scattering.Transform, dst, image []float32, height, width, channels, top, left, ph, pw int, scale float64) {
	oh, ow := t.OutputSize()
	per := t.Channels() * oh * ow
	plane := make([]float64, ph*pw)
	out := make([]float64, per)
	for ch := range channels {
		for i := range ph {
			for j := range pw {
				plane[i*pw+j] = float64(image[((top+i)*width+left+j)*channels+ch])
			}
		}
		t.Apply(out, plane)
		for k, v := range out {
			dst[ch*per+k] = float32(v / scale)
		}
	}
}

// PatchScatNetRepresentation is the scattering transform of each patch of a Grid×Grid split of
// the image ("patch_scatnet"; the official 'patch_scatnet' with split_into_patches(im, 4, 4):
// non-overlapping patches of (H/Grid)×(W/Grid), the remainder dropped), concatenated in patch
// order (row-major) as the official (P, C, K, h, w) layout. The official code builds its
// Scattering2D for the full image size, which kymatio refuses for patches; here each patch gets
// a transform of its own size.
type PatchScatNetRepresentation struct {
	Grid int
	ScatNetRepresentation
}

// newPatchScatNet creates the "patch_scatnet" representation from its parameters.
func newPatchScatNet(name string, params Params) (Representation, error) {
	if err := params.Check(name, "J", "L", "grid"); err != nil {
		return nil, err
	}
	grid, err := params.Int(name, "grid", 4, 1, 64)
	if err != nil {
		return nil, err
	}
	scat, err := newScatNet(name, params)
	if err != nil {
		return nil, err
	}
	return PatchScatNetRepresentation{Grid: grid, ScatNetRepresentation: scat}, nil
}

// Name implements Representation.
func (PatchScatNetRepresentation) Name() string { return "patch_scatnet" }

// String identifies the representation with its parameters (the feature-cache key).
func (r PatchScatNetRepresentation) String() string {
	return fmt.Sprintf("patch_scatnet{Grid:%d J:%d L:%d}", r.Grid, r.J, r.L)
}

// Shape implements Representation: (Grid², C, K, h/2^J, w/2^J) for patches of h×w.
func (r PatchScatNetRepresentation) Shape(height, width, channels int) ([]int, error) {
	ph, pw := height/r.Grid, width/r.Grid
	if ph < 1 || pw < 1 {
		return nil, fmt.Errorf("patch_scatnet: a %dx%d grid does not fit %dx%d images", r.Grid, r.Grid, height, width)
	}
	inner, err := r.ScatNetRepresentation.Shape(ph, pw, channels)
	if err != nil {
		return nil, fmt.Errorf("patch_scatnet: patches of %dx%d: %w", ph, pw, err)
	}
	return append([]int{r.Grid * r.Grid}, inner...), nil
}

// Compute implements HostRepresentation.
func (r PatchScatNetRepresentation) Compute(dst, image []float32, height, width, channels int) {
	ph, pw := height/r.Grid, width/r.Grid
	t, err := r.transform(ph, pw)
	if err != nil {
		panic(fmt.Sprintf("reps: %v", err))
	}
	oh, ow := t.OutputSize()
	per := channels * t.Channels() * oh * ow
	for p := range r.Grid * r.Grid {
		top, left := (p/r.Grid)*ph, (p%r.Grid)*pw
		scatterChannels(t, dst[p*per:(p+1)*per], image, height, width, channels, top, left, ph, pw, r.Scale)
	}
}
