package orthonormal

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestRowsAreOrthonormalAndSpanTheSameSpace checks Q Qᵀ = I and that every input row is
// reproduced by its projection on the rows of Q (the same row space), with a dependent row
// becoming zero.
func TestRowsAreOrthonormalAndSpanTheSameSpace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := mat.NewDense(5, 40, nil)
	for i := range a.RawMatrix().Data {
		a.RawMatrix().Data[i] = rng.NormFloat64()
	}
	for k := 0; k < 40; k++ { // row 4 = row 0 + 2·row 1: dependent
		a.Set(4, k, a.At(0, k)+2*a.At(1, k))
	}
	q := mat.DenseCopyOf(a)
	Rows(q)
	var g mat.Dense
	g.Mul(q, q.T())
	for i := 0; i < 5; i++ {
		for j := 0; j < 5; j++ {
			want := 0.0
			if i == j && i < 4 {
				want = 1
			}
			if math.Abs(g.At(i, j)-want) > 1e-12 {
				t.Fatalf("Q Qᵀ[%d,%d] = %g; want %g", i, j, g.At(i, j), want)
			}
		}
	}
	var proj, back mat.Dense
	proj.Mul(a, q.T())
	back.Mul(&proj, q)
	if !mat.EqualApprox(&back, a, 1e-10) {
		t.Fatal("the rows of a are not in the row space of Q")
	}
}
