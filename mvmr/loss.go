package mvmr

import (
	"fmt"

	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Names of the loss components. One name travels from the loss term to History, metrics and
// plot legends; representation terms are named history.DCorTerm(representation name), "dcor/<name>".
const (
	// TermMSE is MSE(z, z~), the mean over batch and dimensions of the squared difference.
	TermMSE = "mse"
	// TermStd is the variance hinge mean(relu(margin − std(z))) + mean(relu(margin − std(z~))).
	TermStd = "std"
	// TermDCorZZ is 1 − dCor(z, z~) (L2).
	TermDCorZZ = "dcor_zz"
	// TermTotal is the weighted sum of all terms, the loss that is minimised.
	TermTotal = "total"
)

// TermMode is how an L3 term turns dCor(z*_k, z~) into a loss.
type TermMode string

const (
	// ModeMaximize uses 1 − dCor: the loss rewards dependence between z~ and the representation,
	// as the paper describes L3.
	ModeMaximize TermMode = "maximize"
	// ModeOfficial uses +dCor, as the official self-supervised code adds it (loss += loss_dc),
	// which penalises dependence.
	ModeOfficial TermMode = "official"
)

// RepresentationTerm configures one L3 term: which representation, its parameters, weight and mode.
type RepresentationTerm struct {
	// Name is a registered representation (see Representations).
	Name string `json:"name"`
	// Params are the representation's parameters (nil for defaults).
	Params reps.Params `json:"params,omitempty"`
	// Weight multiplies the term in the total; 0 logs the term only (see LossConfig.MSEWeight).
	Weight float64 `json:"weight"`
	// Mode is ModeMaximize or ModeOfficial.
	Mode TermMode `json:"mode"`
}

// LossConfig holds the MV-MR loss settings. The zero value is not useful: start from
// DefaultLossConfig.
type LossConfig struct {
	// StdMargin is the margin of the variance hinge (official std_margin, 1).
	StdMargin float64 `json:"std_margin"`
	// StdEpsilon is added to the variance before its square root in the hinge. The official code
	// uses torch.std, that is 0; a positive value keeps the gradient finite for a dimension that
	// has collapsed to a constant (a deliberate deviation, off by default).
	StdEpsilon float64 `json:"std_epsilon"`
	// DCorScale divides z and z~ before every distance correlation, as the official code does
	// ("z / 32, trick for FP16 training"); it only matters through the 1e-4 distance clamp.
	DCorScale float64 `json:"dcor_scale"`
	// NormalizeZ L2-normalises z and z~ before the loss (official normalize_z, off).
	NormalizeZ bool `json:"normalize_z"`
	// MSEWeight, StdWeight and DCorZZWeight weight the L1 and L2 terms in the total (all 1 in
	// the official code). A zero weight removes the term from the total and its gradient; it is
	// still logged, and a NaN or Inf in it is recorded as it is without stopping training.
	MSEWeight    float64 `json:"mse_weight"`
	StdWeight    float64 `json:"std_weight"`
	DCorZZWeight float64 `json:"dcor_zz_weight"`
	// Representations are the L3 terms.
	Representations []RepresentationTerm `json:"representations"`
}

// DefaultLossConfig returns the official weights and scales with the two representations this
// kit ships first, the flattened image and the 3×3 local standard deviation, in ModeMaximize.
func DefaultLossConfig() LossConfig {
	return LossConfig{
		StdMargin:    1,
		DCorScale:    32,
		MSEWeight:    1,
		StdWeight:    1,
		DCorZZWeight: 1,
		Representations: []RepresentationTerm{
			{Name: "image", Weight: 1, Mode: ModeMaximize},
			{Name: "std", Weight: 1, Mode: ModeMaximize},
		},
	}
}

// Validate checks the settings and returns an error naming the bad field.
func (c LossConfig) Validate() error {
	_, err := c.build()
	return err
}

// build checks the settings and creates the representations of the L3 terms, in term order:
// Validate and NewLoss share it, so a loss builds its representations once.
func (c LossConfig) build() ([]*reps.Rep, error) {
	if c.StdMargin < 0 {
		return nil, fmt.Errorf("loss.std_margin = %g; expected >= 0", c.StdMargin)
	}
	if c.StdEpsilon < 0 {
		return nil, fmt.Errorf("loss.std_epsilon = %g; expected >= 0", c.StdEpsilon)
	}
	if !(c.DCorScale > 0) {
		return nil, fmt.Errorf("loss.dcor_scale = %g; expected > 0 (official: 32)", c.DCorScale)
	}
	for name, w := range map[string]float64{"mse_weight": c.MSEWeight, "std_weight": c.StdWeight, "dcor_zz_weight": c.DCorZZWeight} {
		if w < 0 {
			return nil, fmt.Errorf("loss.%s = %g; expected >= 0", name, w)
		}
	}
	known := Representations()
	seen := map[string]bool{}
	built := make([]*reps.Rep, 0, len(c.Representations))
	for i, term := range c.Representations {
		rep, err := known.New(term.Name, term.Params)
		if err != nil {
			return nil, fmt.Errorf("loss.representations[%d]: %w", i, err)
		}
		if seen[term.Name] {
			return nil, fmt.Errorf("loss.representations[%d]: %q appears twice", i, term.Name)
		}
		seen[term.Name] = true
		if term.Mode != ModeMaximize && term.Mode != ModeOfficial {
			return nil, fmt.Errorf("loss.representations[%d] (%s): mode = %q; expected %q or %q",
				i, term.Name, term.Mode, ModeMaximize, ModeOfficial)
		}
		built = append(built, rep)
	}
	return built, nil
}

// Loss computes the MV-MR loss and its named components.
type Loss struct {
	config          LossConfig
	representations []*reps.Rep
}

// NewLoss validates config and creates its representations.
func NewLoss(config LossConfig) (*Loss, error) {
	built, err := config.build()
	if err != nil {
		return nil, err
	}
	return &Loss{config: config, representations: built}, nil
}

// Config returns the loss settings.
func (l *Loss) Config() LossConfig { return l.config }

// UsesFreshView reports whether any representation term needs Views.Fresh.
func (l *Loss) UsesFreshView() bool {
	for _, rep := range l.representations {
		if rep.FreshView() {
			return true
		}
	}
	return false
}

// Representations returns the loss's representations, in term order.
func (l *Loss) Representations() []*reps.Rep {
	return append([]*reps.Rep(nil), l.representations...)
}

// Names returns the component names in the order Components returns them, TermTotal last.
func (l *Loss) Names() []string {
	names := []string{TermMSE, TermStd, TermDCorZZ}
	for _, rep := range l.representations {
		names = append(names, history.DCorTerm(rep.Name()))
	}
	return append(names, TermTotal)
}

// Components builds every loss term for a batch: zOrig = z (original view), zAug = z~
// (augmented view), both [batch, dim]. It returns the terms in Names order, the last being the
// total Σ weight·term over the terms of non-zero weight, that is minimised (0 when every weight
// is 0); the other entries are unweighted.
func (l *Loss) Components(views reps.Views, zOrig, zAug *Node) []*Node {
	c := l.config
	if c.NormalizeZ {
		zOrig, zAug = l2Normalize(zOrig), l2Normalize(zAug)
	}
	mse, std, dcorZZ := EmbeddingTerms(zOrig, zAug, c.StdMargin, c.StdEpsilon, c.DCorScale)
	components := []*Node{mse, std, dcorZZ}
	var total *Node
	total = addWeighted(total, mse, c.MSEWeight)
	total = addWeighted(total, std, c.StdWeight)
	total = addWeighted(total, dcorZZ, c.DCorZZWeight)
	zAugScaled := DivScalar(zAug, c.DCorScale)
	for i, rep := range l.representations {
		term := c.Representations[i]
		features := StopGradient(rep.BatchFeatures(views))
		if features.DType() != zAug.DType() {
			features = ConvertDType(features, zAug.DType())
		}
		// Argument order as the official _step_dc: self._loss_dc(feat, z).
		dcor := DistanceCorrelation(features, zAugScaled)
		value := dcor
		if term.Mode == ModeMaximize {
			value = OneMinus(dcor)
		}
		components = append(components, value)
		total = addWeighted(total, value, term.Weight)
	}
	if total == nil { // every weight is 0: nothing is minimised
		total = ZerosLike(mse)
	}
	return append(components, total)
}

// addWeighted returns total + weight·term (weight·term when total is nil), or total unchanged
// when weight is 0: a zero-weight term is left out of the total and of its gradient, so a NaN or
// Inf in a term that is only logged cannot reach the minimised loss (0·NaN would be NaN).
func addWeighted(total, term *Node, weight float64) *Node {
	if weight == 0 {
		return total
	}
	weighted := MulScalar(term, weight)
	if total == nil {
		return weighted
	}
	return Add(total, weighted)
}

// Weights returns, in Names order, the weight of each component in the total (TermTotal's own
// entry is 1). A component of weight 0 is logged only: it is not part of the total, nor of its
// gradient, nor of the trainer's finite check.
func (l *Loss) Weights() []float64 {
	c := l.config
	w := []float64{c.MSEWeight, c.StdWeight, c.DCorZZWeight}
	for _, term := range c.Representations {
		w = append(w, term.Weight)
	}
	return append(w, 1)
}

// FiniteInTotal builds the step's finite check from the components Components returned: true
// when every component of non-zero weight, and the total, is finite. A non-finite component of
// weight 0 is recorded as it is and does not stop the step.
func (l *Loss) FiniteInTotal(components []*Node) *Node {
	var checked []*Node
	for i, w := range l.Weights() {
		if w != 0 {
			checked = append(checked, components[i])
		}
	}
	return ReduceLogicalAnd(IsFinite(Stack(checked, 0)))
}

// EmbeddingTerms returns the L1 and L2 terms of the official step for z (zOrig) and z~ (zAug):
//
//	mse    = F.mse_loss(z_orig, z)
//	std    = mean(relu(margin − std(z~))) + mean(relu(margin − std(z)))   (std over the batch, n−1)
//	dcorZZ = 1 − dCor(z_orig / scale, z / scale)
//
// stdEpsilon is added to the variance before the square root (0 in the official code).
func EmbeddingTerms(zOrig, zAug *Node, margin, stdEpsilon, dcorScale float64) (mse, std, dcorZZ *Node) {
	if !zOrig.Shape().Equal(zAug.Shape()) || zOrig.Rank() != 2 {
		exceptions.Panicf("mvmr.EmbeddingTerms: z and z~ must both be [batch, dim], got %s and %s", zOrig.Shape(), zAug.Shape())
	}
	mse = ReduceAllMean(Square(Sub(zOrig, zAug)))
	std = Add(VarianceHinge(zAug, margin, stdEpsilon), VarianceHinge(zOrig, margin, stdEpsilon))
	dcorZZ = OneMinus(DistanceCorrelation(DivScalar(zOrig, dcorScale), DivScalar(zAug, dcorScale)))
	return
}

// VarianceHinge is mean(relu(margin − std(z))) with std per dimension over the batch, unbiased
// (n − 1) as torch.std, and epsilon added to the variance before the square root.
func VarianceHinge(z *Node, margin, epsilon float64) *Node {
	n := z.Shape().Dim(0)
	if n < 2 {
		exceptions.Panicf("mvmr.VarianceHinge: the unbiased std needs a batch of at least 2, got %s", z.Shape())
	}
	centred := Sub(z, ReduceAndKeep(z, ReduceMean, 0))
	variance := DivScalar(ReduceSum(Square(centred), 0), float64(n-1))
	if epsilon > 0 {
		variance = AddScalar(variance, epsilon)
	}
	std := Sqrt(variance)
	return ReduceAllMean(activation.Relu(AddScalar(Neg(std), margin)))
}

// l2Normalize is F.normalize(z, dim=1): z / max(|z|, 1e-12).
func l2Normalize(z *Node) *Node {
	norm := Sqrt(ReduceAndKeep(Square(z), ReduceSum, 1))
	return Div(z, MaxScalar(norm, 1e-12))
}
