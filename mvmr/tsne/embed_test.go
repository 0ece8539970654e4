package tsne

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"
)

func TestEmbedSeparatesGaussianClusters(t *testing.T) {
	const n, d, c = 400, 60, 5
	x, labels := planarClusters(n, d, c, 3, 0.05, 17) // 60 dims > PCADims: PCA path exercised
	for _, theta := range []float64{0, 0.5} {
		opt := DefaultOptions()
		opt.Theta = theta
		opt.Perplexity = 20
		opt.Iterations = 400
		opt.ExaggerationIterations = 100
		res, err := Embed(x, n, d, opt)
		if err != nil {
			t.Fatal(err)
		}
		tw, err := Trustworthiness(x, d, res.Y, 2, n, 10)
		if err != nil {
			t.Fatal(err)
		}
		purity := knnPurity(res.Y, n, 2, 10, labels)
		t.Logf("θ=%g: KL %.4f, trustworthiness %.4f, 10-NN purity %.4f, %v", theta, res.KL, tw, purity, res.Elapsed)
		if tw < 0.98 {
			t.Errorf("θ=%g: trustworthiness %v < 0.98", theta, tw)
		}
		if purity < 0.99 {
			t.Errorf("θ=%g: 10-NN label purity in the embedding %v < 0.99", theta, purity)
		}
		// Optimisation made progress: KL fell after exaggeration ended and ended well below its start.
		first, last := res.KLTrace[0].KL, res.KLTrace[len(res.KLTrace)-1].KL
		if !(last < first) || math.Abs(res.KL-last) > 0.05*last {
			t.Errorf("θ=%g: KL trace %v, final %v", theta, res.KLTrace, res.KL)
		}
		// Clusters are separated: every point is closer to its own cluster's centroid than to any other.
		cent := make([]float64, c*2)
		for i := 0; i < n; i++ {
			cent[labels[i]*2] += res.Y[i*2] * c / n
			cent[labels[i]*2+1] += res.Y[i*2+1] * c / n
		}
		for i := 0; i < n; i++ {
			own := sqDist(res.Y[i*2:i*2+2], cent[labels[i]*2:labels[i]*2+2])
			for l := 0; l < c; l++ {
				if l != labels[i] && sqDist(res.Y[i*2:i*2+2], cent[l*2:l*2+2]) <= own {
					t.Fatalf("θ=%g: point %d (cluster %d) is nearer the centroid of cluster %d", theta, i, labels[i], l)
				}
			}
		}
	}
}

func TestEmbedDeterministic(t *testing.T) {
	const n, d = 300, 8
	x, _ := gaussianClusters(n, d, 3, 3, 23)
	for _, theta := range []float64{0, 0.5} {
		opt := DefaultOptions()
		opt.Theta = theta
		opt.Iterations = 120
		opt.ExaggerationIterations = 50
		opt.Seed = 4
		var logs bytes.Buffer
		opt.Progress = &logs
		a, err := Embed(x, n, d, opt)
		if err != nil {
			t.Fatal(err)
		}
		// Same seed on one goroutine: bit-identical.
		prev := runtime.GOMAXPROCS(1)
		opt.Progress = nil
		b, err := Embed(x, n, d, opt)
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Y {
			if a.Y[i] != b.Y[i] {
				t.Fatalf("θ=%g: Y[%d] differs between runs: %v vs %v", theta, i, a.Y[i], b.Y[i])
			}
		}
		if a.KL != b.KL {
			t.Errorf("θ=%g: KL differs: %v vs %v", theta, a.KL, b.KL)
		}
		out := logs.String()
		for _, want := range []string{"iter 50/120", "iter 100/120", "KL ", "it/s", "left", "done: KL"} {
			if !strings.Contains(out, want) {
				t.Errorf("θ=%g: progress output lacks %q:\n%s", theta, want, out)
			}
		}
	}
}

func TestEmbedRandomInitWhenPCACannot(t *testing.T) {
	// One input dimension cannot give a two-dimensional PCA initialisation: the seed decides.
	x := []float64{0, 0.1, 0.2, 5, 5.1, 5.2, 10, 10.1}
	opt := DefaultOptions()
	opt.Perplexity = 2
	opt.Iterations = 60
	a, err := Embed(x, 8, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Seed = 1
	b, err := Embed(x, 8, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Y[0] == b.Y[0] {
		t.Errorf("different seeds gave the same start")
	}
}

func TestEmbedErrors(t *testing.T) {
	good := make([]float64, 20*3)
	for i := range good {
		good[i] = float64(i % 7)
	}
	nan := append([]float64{}, good...)
	nan[3*3+2] = math.NaN()
	def := DefaultOptions()
	def.Perplexity = 5
	with := func(f func(*Options)) Options { o := def; f(&o); return o }
	for _, c := range []struct {
		name string
		x    []float64
		n, d int
		opt  Options
		want string
	}{
		{"one point", good[:3], 1, 3, def, "n = 1"},
		{"wrong length", good[:59], 20, 3, def, "len(x) = 59, expected n*d = 20*3 = 60"},
		{"NaN", nan, 20, 3, def, "x[3][2] = NaN"},
		{"perplexity >= n", good, 20, 3, with(func(o *Options) { o.Perplexity = 20 }), "Perplexity = 20 must be smaller than the number of points n = 20"},
		{"perplexity 0", good, 20, 3, with(func(o *Options) { o.Perplexity = 0 }), "Perplexity = 0"},
		{"zero options", good, 20, 3, Options{}, "Dims = 0"},
		{"BH in 4 dims", good, 20, 3, with(func(o *Options) { o.Dims = 4 }), "use Theta = 0"},
		{"exact too large", make([]float64, (ExactMaxPoints+1)*1), ExactMaxPoints + 1, 1, with(func(o *Options) { o.Theta = 0 }), "use Theta = 0.5"},
		{"negative theta", good, 20, 3, with(func(o *Options) { o.Theta = -1 }), "Theta = -1"},
		{"no iterations", good, 20, 3, with(func(o *Options) { o.Iterations = 0 }), "Iterations = 0"},
		{"negative rate", good, 20, 3, with(func(o *Options) { o.LearningRate = -1 }), "LearningRate = -1"},
		{"NaN exaggeration", good, 20, 3, with(func(o *Options) { o.EarlyExaggeration = math.NaN() }), "EarlyExaggeration = NaN"},
		{"negative PCA", good, 20, 3, with(func(o *Options) { o.PCADims = -2 }), "PCADims = -2"},
	} {
		_, err := Embed(c.x, c.n, c.d, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestAutoLearningRate(t *testing.T) {
	o := DefaultOptions()
	o.LearningRate = 0
	if got := o.learningRate(100); got != 50 {
		t.Errorf("auto rate for n=100: %v, want the floor 50", got)
	}
	if got := o.learningRate(24000); got != 500 {
		t.Errorf("auto rate for n=24000: %v, want 24000/12/4 = 500", got)
	}
}
