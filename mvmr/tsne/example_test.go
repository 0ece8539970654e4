package tsne_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/mvmr-ssl/mvmr-go/mvmr/tsne"
)

// Embed 300 points from three well-separated segments in 20 dimensions and check how well the picture keeps
// each point's neighbours.
func ExampleEmbed() {
	const n, d = 300, 20
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*d)
	for i := 0; i < n; i++ {
		c, t := i%3, rng.Float64()
		for a := 0; a < d; a++ {
			x[i*d+a] = 0.05 * rng.NormFloat64()
		}
		x[i*d+c] += 20       // cluster c sits 20 units along axis c ...
		x[i*d+3+c] += 10 * t // ... and spreads along axis 3+c
	}
	opt := tsne.DefaultOptions()
	opt.Iterations = 500
	res, err := tsne.Embed(x, n, d, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := tsne.Trustworthiness(x, d, res.Y, opt.Dims, n, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d points in %d dims, trustworthiness above 0.95: %v\n", res.N, res.Dims, t > 0.95)
	// Output:
	// 300 points in 2 dims, trustworthiness above 0.95: true
}
