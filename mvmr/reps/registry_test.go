package reps

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeysUnchanged: the feature-cache keys of the built-in representations are those the kit
// wrote before representations moved into this package (printed by the code at 26a6be5), so
// cache files written then are still hits.
func TestKeysUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params Params
		want   string
	}{
		{"image", nil, "image {}"},
		{"augmented", nil, "augmented {}"},
		{"std", nil, "std {Size:3}"},
		{"aug_std", nil, "aug_std {Size:3}"},
		{"hog", nil, "hog {Bins:24 Pool:8 Mode:official}"},
		{"aug_hog", Params{"nbins": 9.0}, "aug_hog {Bins:9 Pool:8 Mode:official}"},
		{"dct", nil, "dct {Norm:ortho}"},
		{"gabor", nil, "gabor gabor{Scales:2 Orientations:8 Grid:4 MinWavelength:3}"},
		{"lbp", nil, "lbp {Grid:4}"},
		{"colorhist", nil, "colorhist {Bins:16 Grid:2}"},
		{"scatnet", nil, "scatnet scatnet{J:2 L:8 Scale:32}"},
		{"aug_scatnet", nil, "aug_scatnet scatnet{J:2 L:8 Scale:1}"},
		{"patch_scatnet", nil, "patch_scatnet patch_scatnet{Grid:4 J:2 L:8}"},
		{"scatnet", Params{"project": 64.0}, "scatnet scatnet scatnet{J:2 L:8 Scale:32}→JL{D:64 seed:1}"},
		{"aug_hog", Params{"project": 16.0, "project_seed": 3.0}, "aug_hog hog {Bins:24 Pool:8 Mode:official}→JL{D:16 seed:3}"},
	} {
		if got := newRep(t, tc.name, tc.params).Key(); got != tc.want {
			t.Errorf("%s %v: key %q; want %q", tc.name, tc.params, got, tc.want)
		}
	}
}

// Every name of the Known table is a valid registry name and creates a representation of that
// name with its default parameters.
func TestKnownTable(t *testing.T) {
	for _, name := range Known.Names() {
		rep := newRep(t, name, nil)
		if rep.Name() != name {
			t.Errorf("%s creates a representation named %q", name, rep.Name())
		}
		if fresh := rep.FreshView(); fresh != Known[name].FreshView {
			t.Errorf("%s: FreshView() = %v, table says %v", name, fresh, Known[name].FreshView)
		}
	}
	if _, err := Known.New("nope", nil); err == nil {
		t.Error("Known.New(nope) succeeded")
	}
}

func TestKnownList(t *testing.T) {
	byName := map[string]Summary{}
	for _, s := range Known.List(28, 28, 1) {
		byName[s.Name] = s
	}
	for name, want := range map[string]int{"image": 784, "augmented": 784, "std": 784, "aug_std": 784, "dct": 784, "hog": 24 * 3 * 3, "aug_hog": 24 * 3 * 3} {
		if s := byName[name]; s.Dim != want || s.Err != nil {
			t.Errorf("%s on 28x28x1: %d features (%v), want %d", name, s.Dim, s.Err, want)
		}
	}
	if !byName["aug_hog"].FreshView || byName["hog"].FreshView {
		t.Error("aug_hog must use the fresh view and hog the original")
	}
	// An entry that Needs something is listed with what it needs, without building it.
	r := Registry{"image": Known["image"], "needy": {New: func(string, Params) (Representation, error) {
		return nil, fmt.Errorf("needy: kind is required")
	}, Needs: "a model: give one with -model"}}
	var table strings.Builder
	if err := r.WriteTable(&table, 28, 28, 1); err != nil {
		t.Fatal(err)
	}
	if got := table.String(); !strings.Contains(got, "needy") || !strings.Contains(got, "a model: give one with -model") || strings.Contains(got, "n/a") || strings.Contains(got, "required") {
		t.Errorf("WriteTable with an entry that needs a model:\n%s", got)
	}
	for _, s := range Known.List(6, 6, 1) {
		if s.Name == "hog" && s.Err == nil {
			t.Error("hog with pool 8 should not fit 6x6 images")
		}
	}
}
