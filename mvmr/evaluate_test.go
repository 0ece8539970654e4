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
