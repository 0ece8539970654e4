package mvmr

import (
	"maps"
	"slices"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// TestProtocolTableMatchesProtocols checks that every name in Protocols has a line in
// protocolRunners and that the table has no line Protocols does not list, and that each
// semi-supervised protocol has its label fraction.
func TestProtocolTableMatchesProtocols(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(protocolRunners)), slices.Sorted(slices.Values(Protocols)); !slices.Equal(got, want) {
		t.Errorf("protocolRunners has %v; Protocols lists %v", got, want)
	}
	if len(Protocols) != len(protocolRunners) {
		t.Errorf("Protocols %v lists a name twice", Protocols)
	}
	for name, fraction := range semiFractions {
		if _, ok := protocolRunners[name]; !ok || !(fraction > 0 && fraction < 1) {
			t.Errorf("semi-supervised protocol %q: fraction %g, in the table %v", name, fraction, ok)
		}
	}
}

// TestEvaluateRejectsUnknownProtocolAndFeatures checks Evaluate's two errors on a bad request,
// before it encodes anything.
func TestEvaluateRejectsUnknownProtocolAndFeatures(t *testing.T) {
	train, test := testutil.MNIST(t, 64, 32)
	tr := newTestTrainer(t, tinyConfig(4), train)
	for _, tc := range []struct {
		protocol, features, want string
	}{
		{"cluster", "h", `mvmr: protocol "cluster"; expected one of linear, linear_official, knn, semi1, semi10, tsne`},
		{"", "", `mvmr: protocol ""; expected one of linear, linear_official, knn, semi1, semi10, tsne`},
		{"cluster", "y", `mvmr: features "y"; expected "h" or "z"`},
	} {
		opts := DefaultEvalOptions()
		opts.Features = tc.features
		rs, emb, err := tr.Evaluate(tc.protocol, test, opts)
		if err == nil || err.Error() != tc.want || rs != nil || emb != nil {
			t.Errorf("Evaluate(%q, features %q) = %v, %v, %v; want error %q", tc.protocol, tc.features, rs, emb, err, tc.want)
		}
	}
}

// TestEvaluateKNNWhitenGivesOneRowSetPerWhitening checks that EvalOptions.KNNWhiten evaluates the
// kNN once per whitening, each set of rows equal to KNN on the same features with that whitening,
// and named apart ("k=5" raw, "k=5 whitened-8").
func TestEvaluateKNNWhitenGivesOneRowSetPerWhitening(t *testing.T) {
	train, test := testutil.MNIST(t, 128, 64)
	tr := newTestTrainer(t, tinyConfig(4), train)
	opts := DefaultEvalOptions()
	opts.KNN.Ks = []int{5}
	opts.KNNWhiten = []int{0, 8}
	rows, _, err := tr.Evaluate(ProtocolKNN, test, opts)
	if err != nil {
		t.Fatal(err)
	}
	f, dim, err := tr.Features(train)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := tr.Features(test)
	if err != nil {
		t.Fatal(err)
	}
	trainF := Features{Data: f, N: train.Len(), Dim: dim, Labels: train.Labels, NumClasses: train.NumClasses}
	testF := Features{Data: g, N: test.Len(), Dim: dim, Labels: test.Labels, NumClasses: test.NumClasses}
	if len(rows) != 2 {
		t.Fatalf("%d rows; want 2 (raw and whitened)", len(rows))
	}
	for i, whiten := range opts.KNNWhiten {
		config := opts.KNN
		config.Whiten = whiten
		want, err := KNN(tr.backend, trainF, testF, config, nil)
		if err != nil {
			t.Fatal(err)
		}
		if wantVariant := want[0].Variant(false); rows[i].Variant != wantVariant || rows[i].Top1 != want[0].Top1 || rows[i].Top5 != want[0].Top5 {
			t.Errorf("row %d: %q top-1 %g top-5 %g; want %q %g %g", i, rows[i].Variant, rows[i].Top1, rows[i].Top5, wantVariant, want[0].Top1, want[0].Top5)
		}
	}
	if rows[0].Variant != "k=5" || rows[1].Variant != "k=5 whitened-8" {
		t.Errorf("variants %q, %q; want \"k=5\", \"k=5 whitened-8\"", rows[0].Variant, rows[1].Variant)
	}
}
