package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
	"github.com/mvmr-ssl/mvmr-go/runs"
)

// quickstartBaselineVersion is the code version of the quickstart's baselines (the linear probe,
// the kNN, the pixel features and the BatchNorm calibration of the random encoder): bump it when
// any of them changes what it returns, so that cached baselines are recomputed.
const quickstartBaselineVersion = 2 // 2: the whitened kNN rows (issue 18)

// baselineKey is everything that determines the quickstart's two baselines, the raw pixels and
// the random encoder, each probed linearly and with kNN: they are deterministic functions of it.
type baselineKey struct {
	Version int `json:"version"`
	// Seed is the trainer's (the random encoder's weights) and Probe.Seed the probe's.
	Seed               int64             `json:"seed"`
	Encoder            nn.EncoderConfig  `json:"encoder"`
	BatchSize          int               `json:"batch_size"` // the calibration batches' size
	CalibrationBatches int               `json:"calibration_batches"`
	Probe              mvmr.ProbeConfig  `json:"probe"`
	KNN                []mvmr.KNNConfig  `json:"knn"`
	Train              string            `json:"train"` // data fingerprints (dataFingerprint)
	Test               string            `json:"test"`
	Backend            string            `json:"backend"`
	Modules            map[string]string `json:"modules"` // GoMLX's versions: their float rounding is the results'
}

// newBaselineKey is the key of the quickstart's baselines for config, probe and the data.
func newBaselineKey(config mvmr.Config, probe mvmr.ProbeConfig, knn []mvmr.KNNConfig, train, test *datasets.Dataset) baselineKey {
	return baselineKey{
		Version: quickstartBaselineVersion, Seed: config.Seed, Encoder: config.Encoder, BatchSize: config.BatchSize,
		CalibrationBatches: mvmr.CalibrationBatches, Probe: probe, KNN: knn,
		Train: dataFingerprint(train), Test: dataFingerprint(test), Backend: mvmr.BackendConfig(), Modules: computeModules(),
	}
}

// hash is the key's file name: a SHA-256 of its JSON.
func (k baselineKey) hash() string {
	raw, err := json.Marshal(k)
	if err != nil {
		panic(fmt.Sprintf("quickstart: baseline key: %v", err)) // plain data: cannot fail
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// dataFingerprint is a SHA-256 of a data set's name, shape, normalisation, pixels and labels.
func dataFingerprint(d *datasets.Dataset) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %d %d %d %d %v %v %d\n", d.Name, d.Len(), d.Height, d.Width, d.Channels, d.Mean, d.Std, d.NumClasses)
	h.Write(d.Images)
	for _, l := range d.Labels {
		h.Write([]byte{byte(l), byte(l >> 8), byte(l >> 16), byte(l >> 24)})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// computeModules returns the versions of the GoMLX modules this binary was built with (empty in
// a test binary without module information).
func computeModules() map[string]string {
	out := map[string]string{}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	for _, dep := range info.Deps {
		if strings.HasPrefix(dep.Path, "github.com/gomlx/") {
			out[dep.Path] = dep.Version
		}
	}
	return out
}

// baselineCache stores the baselines' rows by key in Dir, one JSON file per key; Dir "" caches
// nothing.
type baselineCache struct{ Dir string }

// baselineFile is a cache file: the key it was computed for and the rows.
type baselineFile struct {
	Key  baselineKey `json:"key"`
	Rows []runs.Row  `json:"rows"`
}

func (c baselineCache) path(k baselineKey) string {
	return filepath.Join(c.Dir, "quickstart-baselines", k.hash()+".json")
}

// Load returns the cached rows of k; ok is false when there are none (no file, or a file that
// does not hold exactly k, which is then recomputed; notice says why).
func (c baselineCache) Load(k baselineKey) (rows []runs.Row, ok bool, notice string) {
	if c.Dir == "" {
		return nil, false, ""
	}
	raw, err := os.ReadFile(c.path(k))
	if err != nil {
		return nil, false, ""
	}
	var f baselineFile
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Rows) == 0 {
		return nil, false, fmt.Sprintf("baseline cache %s is unreadable (%v); recomputing", c.path(k), err)
	}
	if !reflect.DeepEqual(f.Key, k) {
		return nil, false, fmt.Sprintf("baseline cache %s was written for other settings; recomputing", c.path(k))
	}
	return f.Rows, true, ""
}

// Save writes the rows of k atomically.
func (c baselineCache) Save(k baselineKey, rows []runs.Row) error {
	if c.Dir == "" {
		return nil
	}
	raw, err := json.MarshalIndent(baselineFile{Key: k, Rows: rows}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(c.path(k), append(raw, '\n'))
}
