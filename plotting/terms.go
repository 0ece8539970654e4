package plotting

import (
	"hash/fnv"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// Term is how every figure draws one loss term or representation: its fixed colour and the
// human name its legend shows beside the logged name.
type Term struct {
	Color color.Color
	// Label is the human name ("variance hinge", "local std"); the legend shows "Label (name)".
	Label string
}

// Terms is the one table of the loss terms' colours and human names, keyed by the name the
// trainer logs (mvmr.TermMSE, ...) or, for the L3 terms, by the representation's name (the
// "hog" of "dcor/hog" and of the diagnostic "dcor_diag/hog"). Every figure colours a term from
// it, so `mse` is the same blue in every notebook, and the variance hinge `std` and the
// representation `std` (3×3 local standard deviation) never share a label. A name not in the
// table gets a colour from its name's hash among the light Tableau hues, and its own name.
var Terms = map[string]Term{
	// The terms of L1 and L2.
	"mse":     {color.RGBA{0x1f, 0x77, 0xb4, 0xff}, "invariance MSE"},
	"std":     {color.RGBA{0xff, 0x7f, 0x0e, 0xff}, "variance hinge"},
	"dcor_zz": {color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, "1 − dCor of the views"},
	"total":   {color.RGBA{0x30, 0x30, 0x30, 0xff}, "total"},
	// The representations of the L3 terms (history.DCorTermPrefix + name).
	"image":         {color.RGBA{0xd6, 0x27, 0x28, 0xff}, "image"},
	"augmented":     {color.RGBA{0xff, 0x98, 0x96, 0xff}, "augmented view"},
	"rep:std":       {color.RGBA{0x94, 0x67, 0xbd, 0xff}, "local std 3×3"},
	"aug_std":       {color.RGBA{0xc5, 0xb0, 0xd5, 0xff}, "local std of a view"},
	"hog":           {color.RGBA{0x8c, 0x56, 0x4b, 0xff}, "HOG"},
	"aug_hog":       {color.RGBA{0xc4, 0x9c, 0x94, 0xff}, "HOG of a view"},
	"dct":           {color.RGBA{0xe3, 0x77, 0xc2, 0xff}, "DCT"},
	"gabor":         {color.RGBA{0x17, 0xbe, 0xcf, 0xff}, "Gabor"},
	"lbp":           {color.RGBA{0xbc, 0xbd, 0x22, 0xff}, "LBP"},
	"colorhist":     {color.RGBA{0x7f, 0x7f, 0x7f, 0xff}, "colour histogram"},
	"scatnet":       {color.RGBA{0x39, 0x3b, 0x79, 0xff}, "scattering"},
	"aug_scatnet":   {color.RGBA{0x9c, 0x9e, 0xde, 0xff}, "scattering of a view"},
	"patch_scatnet": {color.RGBA{0x63, 0x79, 0x39, 0xff}, "patch scattering"},
	"teacher":       {color.RGBA{0x00, 0x00, 0x00, 0xff}, "teacher"},
}

// repKey is the Terms key of a representation: "rep:std" for the local-std representation,
// whose name the variance hinge's term also has.
func repKey(rep string) string {
	if rep == "std" {
		return "rep:std"
	}
	return rep
}

// termKey maps a logged name to its Terms key: an L3 term or a dCor diagnostic to its
// representation, a merged name ("variant: collapse/...") to its last part.
func termKey(name string) string {
	if rep, ok := strings.CutPrefix(name, history.DCorTermPrefix); ok {
		return repKey(rep)
	}
	if rep, ok := strings.CutPrefix(name, history.DCorDiagPrefix); ok {
		return repKey(rep)
	}
	return name
}

// TermColor returns the fixed colour of a logged name (a loss term, an L3 term or a dCor
// diagnostic) from Terms.
func TermColor(name string) color.Color {
	if t, ok := Terms[termKey(name)]; ok {
		return t.Color
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return ClassPalette[len(Palette)+int(h.Sum32()%uint32(len(ClassPalette)-len(Palette)))]
}

// TermLabel returns the legend text of a logged name: its human name from Terms with the
// logged name in parentheses ("variance hinge (std)", "local std 3×3 (dcor/std)"), or the
// logged name alone when Terms has none or it adds nothing.
func TermLabel(name string) string {
	t, ok := Terms[termKey(name)]
	rep, isDiag := strings.CutPrefix(name, history.DCorDiagPrefix)
	switch {
	case isDiag && ok:
		return t.Label // a dCor trace is named by its representation alone
	case isDiag:
		return rep
	case !ok || t.Label == name:
		return name
	}
	return t.Label + " (" + name + ")"
}

// stepTicks labels every major tick of a step axis, at 1, 2 or 5 × 10^k steps apart, about five
// of them (gonum's default ticks can fall at 0, 90, 180 or label only the ends).
type stepTicks struct{}

func (stepTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'f', -1, 64)}}
	}
	step := niceStep((hi - lo) / 5)
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
		for m := 1; m < 5; m++ { // minor ticks between the labelled ones
			if w := v + float64(m)*step/5; w <= hi {
				ticks = append(ticks, plot.Tick{Value: w})
			}
		}
	}
	return ticks
}

// niceStep rounds raw up to 1, 2 or 5 × 10^k (at least 1: steps are integers).
func niceStep(raw float64) float64 {
	if raw <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// logTicks labels a logarithmic axis at 1, 2 and 5 × 10^k when it spans at most three decades, at
// the powers of ten beyond that, with minor ticks at the other integers × 10^k.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return plot.LogTicks{Prec: -1}.Ticks(max(lo, 1e-12), max(hi, 2*max(lo, 1e-12)))
	}
	labelled := []float64{1, 2, 5}
	if math.Log10(hi/lo) > 3 {
		labelled = []float64{1}
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * p
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			for _, l := range labelled {
				if float64(m) == l {
					t.Label = strconv.FormatFloat(v, 'g', 3, 64)
				}
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
