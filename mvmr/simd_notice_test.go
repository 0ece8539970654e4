package mvmr

import (
	"os"
	"strings"
	"testing"
)

func TestMissingSIMDNotice(t *testing.T) {
	for _, tc := range []struct {
		built        bool
		goarch       string
		avx2, avx512 bool
		want         string // "" for no notice, else a word it must contain
	}{
		{false, "amd64", true, true, "AVX-512"},
		{false, "amd64", true, false, "AVX2"},
		{false, "amd64", false, false, ""}, // nothing to lose
		{true, "amd64", true, true, ""},    // built with the kernels
		{false, "arm64", false, false, ""}, // the kernels are amd64-only
	} {
		got := missingSIMDNotice(tc.built, tc.goarch, tc.avx2, tc.avx512)
		if tc.want == "" {
			if got != "" {
				t.Errorf("%+v: notice %q, want none", tc, got)
			}
			continue
		}
		for _, word := range []string{tc.want, "GOEXPERIMENT=simd go install ./cmd/mvmr", "slower"} {
			if !strings.Contains(got, word) {
				t.Errorf("%+v: notice %q does not contain %q", tc, got, word)
			}
		}
	}
}

// TestSIMDBuildMatchesEnvironment checks the build-tag constant against the GOEXPERIMENT the
// go command compiled this test with (it passes its environment on to the test).
func TestSIMDBuildMatchesEnvironment(t *testing.T) {
	env, ok := os.LookupEnv("GOEXPERIMENT")
	if !ok {
		t.Skip("GOEXPERIMENT not set in the environment")
	}
	want := false
	for _, e := range strings.Split(env, ",") {
		want = want || strings.TrimSpace(e) == "simd"
	}
	if simdBuild != want {
		t.Errorf("GOEXPERIMENT=%q but simdBuild = %v", env, simdBuild)
	}
}
