package notebooks

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// CloudStep is the cloud y at one step of FitByDCor: its n points (row-major x0 y0 x1 y1 ...)
// and dCor(x, y) before the step's update, as the loss graph computes it.
type CloudStep struct {
	Step int
	Y    []float64
	DCor float64
}

// DCorFitOptions configures FitByDCor. The zero value is not valid: Steps and LR must be set.
type DCorFitOptions struct {
	// Steps is the number of gradient steps on 1 − dCor(x, y).
	Steps int
	// LR is the first step's size, relative to the spread of y: a step moves y by the gradient
	// rescaled so that its root-mean-square is LR times y's (dCor does not change when y is
	// scaled, and neither does this rule). The size decays linearly to 0 at the last step, so
	// that the points settle instead of jittering around the optimum.
	LR float64
	// Keep lists the steps whose cloud is returned (0 is the start; Steps is the end, always kept).
	Keep []int
	// Seed draws the starting cloud (independent Gaussian points).
	Seed uint64
}

// FitByDCor moves the points of a 2-D cloud y, fixed x (n points, row-major [n, 2]) beside it,
// by gradient descent on the loss 1 − dCor(x, y): the graph is mvmr.DistanceCorrelation, the
// one the MV-MR loss uses, and GoMLX's autodiff gives its gradient with respect to y. y starts
// as n independent Gaussian points. It returns the clouds of opts.Keep and of the last step.
func FitByDCor(backend compute.Backend, x []float64, opts DCorFitOptions) ([]CloudStep, error) {
	n := len(x) / 2
	if len(x) != 2*n || n < 3 {
		return nil, fmt.Errorf("FitByDCor: %d x values; expected n·2 with n >= 3 points", len(x))
	}
	if opts.Steps < 1 || !(opts.LR > 0) {
		return nil, fmt.Errorf("FitByDCor: %d steps at LR %g; expected steps >= 1 and LR > 0", opts.Steps, opts.LR)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0xdc0f))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	keep := map[int]bool{opts.Steps: true}
	for _, s := range opts.Keep {
		keep[s] = true
	}
	var out []CloudStep
	err := exceptions.TryCatch[error](func() {
		exec := MustNewExec(backend, func(xn, yn *Node) (*Node, *Node) {
			d := mvmr.DistanceCorrelation(xn, yn)
			return d, Gradient(OneMinus(d), yn)[0]
		})
		xt := tensors.FromFlatDataAndDimensions(append([]float64(nil), x...), n, 2)
		for step := 0; ; step++ {
			res := exec.MustExec(xt, tensors.FromFlatDataAndDimensions(append([]float64(nil), y...), n, 2))
			d := tensors.ToScalar[float64](res[0])
			if keep[step] {
				out = append(out, CloudStep{Step: step, Y: append([]float64(nil), y...), DCor: d})
			}
			if step == opts.Steps {
				return
			}
			grad := tensors.MustCopyFlatData[float64](res[1])
			lr := opts.LR * (1 - float64(step)/float64(opts.Steps))
			scale := rms(centred2(y)) / max(rms(grad), 1e-300)
			for i := range y {
				y[i] -= lr * scale * grad[i]
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("FitByDCor: %w", err)
	}
	return out, nil
}

// centred2 returns a copy of the row-major [n, 2] points p with their mean subtracted.
func centred2(p []float64) []float64 {
	n := len(p) / 2
	var mx, my float64
	for i := range n {
		mx += p[2*i] / float64(n)
		my += p[2*i+1] / float64(n)
	}
	out := make([]float64, len(p))
	for i := range n {
		out[2*i], out[2*i+1] = p[2*i]-mx, p[2*i+1]-my
	}
	return out
}

// rms is the root mean square of v.
func rms(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s / float64(len(v)))
}

// ToyShape returns n points of an asymmetric 2-D shape, the letter F drawn with a little
// Gaussian jitter (row-major [n, 2]): any rotation, reflection or scaling of it is easy to see.
func ToyShape(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0xf))
	// The F's three strokes, from (x0, y0) to (x1, y1), with their share of the points.
	strokes := [][4]float64{{0, 0, 0, 2}, {0, 2, 1.2, 2}, {0, 1.1, 0.8, 1.1}}
	lengths := []float64{2, 1.2, 0.8}
	out := make([]float64, 0, 2*n)
	for range n {
		u := rng.Float64() * 4 // total length
		k := 0
		for u > lengths[k] && k < len(strokes)-1 {
			u -= lengths[k]
			k++
		}
		s := strokes[k]
		t := min(u/lengths[k], 1)
		out = append(out, s[0]+t*(s[2]-s[0])+0.03*rng.NormFloat64(), s[1]+t*(s[3]-s[1])+0.03*rng.NormFloat64())
	}
	return out
}

// WriteDCorFit prints, for each kept step of FitByDCor, dCor(x, y) from the loss graph, the
// exact float64 dCor (mvmr/dcorstat, no clamp) and the residual of the best similarity transform
// of x onto y (FitSimilarity), then a reading of the last step: whether y has become a
// similarity transform of x (residual below SimilarResidual), from the numbers.
func WriteDCorFit(w io.Writer, x []float64, steps []CloudStep) error {
	n := len(x) / 2
	var (
		last      CloudStep
		lastExact float64
		lastFit   Similarity
	)
	if _, err := fmt.Fprintf(w, "%6s  %14s  %14s  %s\n", "step", "dCor (loss)", "dCor (exact)", "similarity fit: residual, scale"); err != nil {
		return err
	}
	for _, s := range steps {
		exact, err := dcorstat.DCor(dcorstat.Sample{N: n, D: 2, Data: x}, dcorstat.Sample{N: n, D: 2, Data: s.Y})
		if err != nil {
			return fmt.Errorf("step %d: %w", s.Step, err)
		}
		fit, err := FitSimilarity(x, s.Y, 2)
		if err != nil {
			return fmt.Errorf("step %d: %w", s.Step, err)
		}
		if _, err := fmt.Fprintf(w, "%6d  %14.5f  %14.5f  %.4f, %.3f\n", s.Step, s.DCor, exact, fit.Residual, fit.Scale); err != nil {
			return err
		}
		last, lastExact, lastFit = s, exact, fit
	}
	if len(steps) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "reading: after %d steps dCor(x, y) = %.5f (exact) and %s\n", last.Step, lastExact, similarityReading(lastFit))
	return err
}

// SimilarResidual is the Procrustes residual below which WriteDCorFit reads y as a similarity
// transform of x (1 % of y's spread left unexplained).
const SimilarResidual = 0.01

// similarityReading says what the best similarity transform fit found, from its numbers.
func similarityReading(fit Similarity) string {
	if fit.Residual >= SimilarResidual {
		return fmt.Sprintf("y is not a similarity transform of x: the best one leaves %.1f %% of y's spread unexplained", 100*fit.Residual)
	}
	turn := "rotated"
	if len(fit.R) == 4 && fit.R[0]*fit.R[3]-fit.R[1]*fit.R[2] < 0 {
		turn = "rotated and mirrored"
	}
	return fmt.Sprintf("y is x %s, scaled by %.3f and shifted, up to a residual of %.2f %% of y's spread", turn, fit.Scale, 100*fit.Residual)
}

// DCorFitFigure draws x and the kept clouds of FitByDCor side by side (plotting.PointClouds),
// every point shaded by its height in x so that it can be followed from x to the end.
func DCorFitFigure(x []float64, steps []CloudStep, title string) (*plotting.Panels, error) {
	clouds := []plotting.Cloud{{Name: "x (fixed)", Caption: "the target shape", XY: x}}
	for _, s := range steps {
		clouds = append(clouds, plotting.Cloud{Name: fmt.Sprintf("y at step %d", s.Step), Caption: fmt.Sprintf("dCor = %.4f", s.DCor), XY: s.Y})
	}
	shade := make([]float64, len(x)/2)
	for i := range shade {
		shade[i] = x[2*i+1]
	}
	return plotting.PointClouds(clouds, plotting.PointCloudsOptions{Title: title, Shade: shade})
}
