package mvmr

import (
	"container/heap"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// kNN protocol defaults (InstDisc, Wu et al. 2018; solo-learn's WeightedKNNClassifier).
const (
	// KNNTemperature is the temperature T of the vote weights exp(sim/T).
	KNNTemperature = 0.07
	// KNNQueryBlock is the number of test rows whose similarities to every training row are
	// computed in one matrix product.
	KNNQueryBlock = 256
)

// KNNDefaultKs are the neighbourhood sizes reported by default: k = 20 and k = 200.
var KNNDefaultKs = []int{20, 200}

// KNNConfig configures the weighted k-nearest-neighbour classifier.
type KNNConfig struct {
	// Ks are the neighbourhood sizes to evaluate (one pass computes them all).
	Ks []int `json:"ks"`
	// Temperature is T in the vote weight exp(cos/T) of each neighbour.
	Temperature float64 `json:"temperature"`
	// Temperatures, when not empty, replace Temperature by a grid: one result per (k, T), as
	// solo-learn's offline kNN (main_knn.py) sweeps k and T over the same neighbours.
	Temperatures []float64 `json:"temperatures,omitempty"`
	// QueryBlock is the number of test rows per similarity block.
	QueryBlock int `json:"query_block"`
	// Whiten, when positive, PCA-whitens the features before the cosine similarity: the
	// training features' Whiten leading principal components (all of them when there are
	// fewer), each scaled to unit variance, fitted on the training features without labels
	// (FitPCAWhitening); the test features get the same map. 0: raw features (the InstDisc
	// protocol, DefaultKNNConfig). The quickstart uses KNNWhitenDims.
	Whiten int `json:"whiten,omitempty"`
}

// DefaultKNNConfig returns k = 20 and 200, T = 0.07, blocks of 256 test rows.
func DefaultKNNConfig() KNNConfig {
	return KNNConfig{Ks: append([]int(nil), KNNDefaultKs...), Temperature: KNNTemperature, QueryBlock: KNNQueryBlock}
}

// temperatures returns the temperatures to evaluate: Temperatures, or Temperature alone.
func (c KNNConfig) temperatures() []float64 {
	if len(c.Temperatures) > 0 {
		return c.Temperatures
	}
	return []float64{c.Temperature}
}

// KNNResult is the accuracy of the kNN classifier for one k and temperature, in [0, 1].
type KNNResult struct {
	K           int     `json:"k"`
	Temperature float64 `json:"temperature"`
	Top1        float64 `json:"top1"`
	Top5        float64 `json:"top5"`
	// Dim is the number of feature dimensions compared: the features' own, or the whitened
	// components (KNNConfig.Whiten, at most the features' own).
	Dim int `json:"dim"`
	// Whitened says whether the features were PCA-whitened (KNNConfig.Whiten > 0).
	Whitened bool `json:"whitened,omitempty"`
}

// KNN classifies each test row by a temperature-weighted vote of its nearest training rows under
// cosine similarity, the standard SSL kNN protocol (InstDisc; solo-learn's WeightedKNNClassifier
// with distance_fx "cosine"): rows are PCA-whitened when config.Whiten asks, L2-normalised, the similarities of a block of test rows to
// every training row are one matrix product on backend, the k most similar training rows vote
// for their class with weight exp(sim/T), and the classes are ranked by total vote (ties broken
// by the lower class index). It returns one result per k in config.Ks and temperature (k-major
// order: every temperature of the first k, then the next k); progress (when not nil) receives a
// line every few seconds.
func KNN(backend compute.Backend, train, test Features, config KNNConfig, progress io.Writer) ([]KNNResult, error) {
	if err := train.Validate("train"); err != nil {
		return nil, fmt.Errorf("mvmr: kNN: %w", err)
	}
	if err := test.Validate("test"); err != nil {
		return nil, fmt.Errorf("mvmr: kNN: %w", err)
	}
	if train.Dim != test.Dim || train.NumClasses != test.NumClasses {
		return nil, fmt.Errorf("mvmr: kNN: train has %d features and %d classes, test %d and %d",
			train.Dim, train.NumClasses, test.Dim, test.NumClasses)
	}
	temps := config.temperatures()
	if len(config.Ks) == 0 || config.QueryBlock < 1 {
		return nil, fmt.Errorf("mvmr: kNN: ks = %v, query_block = %d; expected at least one k and a positive query block",
			config.Ks, config.QueryBlock)
	}
	for i, temp := range temps {
		if !(temp > 0) || math.IsInf(temp, 1) {
			return nil, fmt.Errorf("mvmr: kNN: temperature %d of %v is %g; expected a finite positive temperature", i+1, temps, temp)
		}
	}
	if config.Whiten < 0 {
		return nil, fmt.Errorf("mvmr: kNN: whiten = %d; expected 0 (raw features) or a number of principal components", config.Whiten)
	}
	kMax := 0
	for i, k := range config.Ks {
		if k < 1 || k > train.N {
			return nil, fmt.Errorf("mvmr: kNN: ks[%d] = %d; expected 1..%d (the training rows)", i, k, train.N)
		}
		kMax = max(kMax, k)
	}
	if config.Whiten > 0 {
		fitStart := time.Now()
		w, err := FitPCAWhitening(backend, train, config.Whiten)
		if err != nil {
			return nil, fmt.Errorf("mvmr: kNN: %w", err)
		}
		if train, err = w.Apply(backend, train); err != nil {
			return nil, fmt.Errorf("mvmr: kNN: %w", err)
		}
		if test, err = w.Apply(backend, test); err != nil {
			return nil, fmt.Errorf("mvmr: kNN: %w", err)
		}
		if progress != nil {
			fmt.Fprintf(progress, "kNN: whitened %d × %d features to %d components in %s\n", train.N, w.Dim, w.Dims,
				time.Since(fitStart).Round(100*time.Millisecond))
		}
	}
	start := time.Now() // the rate below is the similarity and vote's, not the whitening's
	trainT := tensors.FromFlatDataAndDimensions(l2Normalised(train), train.N, train.Dim)
	queries := l2Normalised(test)
	var exec *Exec
	err := exceptions.TryCatch[error](func() {
		exec = MustNewExec(backend, func(q, t *Node) *Node {
			return Dot(q, t).General([]int{1}, nil, []int{1}, nil) // [block, N] = q tᵀ
		})
	})
	if err != nil {
		return nil, fmt.Errorf("mvmr: kNN: %w", err)
	}
	classes := train.NumClasses
	grid := len(config.Ks) * len(temps) // (k, T) pairs, k-major
	hits1 := make([][]bool, grid)
	hits5 := make([][]bool, grid)
	for i := range grid {
		hits1[i] = make([]bool, test.N)
		hits5[i] = make([]bool, test.N)
	}
	lastReport := start
	for lo := 0; lo < test.N; lo += config.QueryBlock {
		rows := min(config.QueryBlock, test.N-lo)
		q := tensors.FromFlatDataAndDimensions(append([]float32(nil), queries[lo*test.Dim:(lo+rows)*test.Dim]...), rows, test.Dim)
		vote := func(sims []float32) {
			parallel.For(rows, func(r int) {
				neighbours := topKIndices(sims[r*train.N:(r+1)*train.N], kMax)
				votes := make([]float64, classes)
				label := int(test.Labels[lo+r])
				for ki, k := range config.Ks {
					for ti, temp := range temps {
						clear(votes)
						for _, nb := range neighbours[:k] {
							votes[train.Labels[nb.index]] += math.Exp(float64(nb.sim) / temp)
						}
						rank := voteRank(votes, label)
						hits1[ki*len(temps)+ti][lo+r] = rank < 1
						hits5[ki*len(temps)+ti][lo+r] = rank < 5
					}
				}
			})
		}
		if err := exceptions.TryCatch[error](func() {
			out := exec.MustExec(q, trainT)
			tensors.MustConstFlatData(out[0], vote) // read in place: no copy of the [block, N] similarities
			out[0].MustFinalizeAll()
		}); err != nil {
			return nil, fmt.Errorf("mvmr: kNN similarities of test rows %d..%d: %w", lo, lo+rows, err)
		}
		if progress != nil && (time.Since(lastReport) >= 5*time.Second || lo+rows == test.N) {
			lastReport = time.Now()
			done := lo + rows
			rate := float64(done) / time.Since(start).Seconds()
			fmt.Fprintf(progress, "kNN: %d/%d test rows | %.0f rows/s | %s left\n", done, test.N, rate,
				(time.Duration(float64(test.N-done)/rate) * time.Second).Round(time.Second))
		}
	}
	results := make([]KNNResult, 0, grid)
	for ki, k := range config.Ks {
		for ti, temp := range temps {
			i := ki*len(temps) + ti
			results = append(results, KNNResult{K: k, Temperature: temp, Top1: fraction(hits1[i]), Top5: fraction(hits5[i]),
				Dim: train.Dim, Whitened: config.Whiten > 0})
		}
	}
	return results, nil
}

// Variant names the result as a results row's variant: "k=20", with " T=0.07" when several
// temperatures were evaluated (withTemperature) and " whitened-256" for PCA-whitened features.
func (r KNNResult) Variant(withTemperature bool) string {
	v := fmt.Sprintf("k=%d", r.K)
	if withTemperature {
		v += fmt.Sprintf(" T=%g", r.Temperature)
	}
	if r.Whitened {
		v += fmt.Sprintf(" whitened-%d", r.Dim)
	}
	return v
}

// voteRank returns the rank (0 = first) of class label when classes are sorted by decreasing
// vote, ties broken by the lower class index.
func voteRank(votes []float64, label int) int {
	rank := 0
	for c, v := range votes {
		if v > votes[label] || (v == votes[label] && c < label) {
			rank++
		}
	}
	return rank
}

func fraction(hits []bool) float64 {
	n := 0
	for _, h := range hits {
		if h {
			n++
		}
	}
	return float64(n) / float64(len(hits))
}

// l2Normalised returns the rows of f scaled to unit Euclidean norm (a zero row stays zero).
func l2Normalised(f Features) []float32 {
	out := make([]float32, len(f.Data))
	parallel.For(f.N, func(i int) {
		row := f.Data[i*f.Dim : (i+1)*f.Dim]
		var sum float64
		for _, v := range row {
			sum += float64(v) * float64(v)
		}
		if sum == 0 {
			return
		}
		inv := float32(1 / math.Sqrt(sum))
		for j, v := range row {
			out[i*f.Dim+j] = v * inv
		}
	})
	return out
}

// neighbour is a training row and its similarity to a query.
type neighbour struct {
	index int
	sim   float32
}

// neighbourHeap is a min-heap on similarity (ties: the larger index is "smaller", so that among
// equal similarities the lower indices are kept).
type neighbourHeap []neighbour

func (h neighbourHeap) Len() int { return len(h) }
func (h neighbourHeap) Less(i, j int) bool {
	return h[i].sim < h[j].sim || (h[i].sim == h[j].sim && h[i].index > h[j].index)
}
func (h neighbourHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *neighbourHeap) Push(x any)   { *h = append(*h, x.(neighbour)) }
func (h *neighbourHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// topKIndices returns the k largest entries of sims, most similar first (ties: lower index first).
func topKIndices(sims []float32, k int) []neighbour {
	h := make(neighbourHeap, 0, k)
	for i, s := range sims {
		if len(h) < k {
			heap.Push(&h, neighbour{i, s})
			continue
		}
		if s > h[0].sim { // equal similarity: the earlier (lower) index already kept wins
			h[0] = neighbour{i, s}
			heap.Fix(&h, 0)
		}
	}
	out := make([]neighbour, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(neighbour)
	}
	return out
}
