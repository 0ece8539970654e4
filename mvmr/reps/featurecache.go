package reps

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

// FeatureCacheEnvVar names the folder of the on-disk feature cache; "off" disables it. When it
// is unset the cache lives in the user cache folder (os.UserCacheDir()/mvmr-go/features). It is
// read by DefaultFeatureCacheDir, which programs call once, at their edge (mvmr.NewTrainer does).
// The same folder's mnist/ subfolder holds the decoded MNIST splits (datasets.MNISTCacheDir).
const FeatureCacheEnvVar = datasets.CacheDirEnvVar

// featureCacheVersion is part of every cache key: bump it when a host representation's output
// changes, so stale files are recomputed.
const featureCacheVersion = 1

// FeatureCache keeps the host representations of whole data sets: representations of the
// original images depend only on the images, so they are computed once, on all cores, and
// training only gathers rows. Entries live in memory and, when Dir is set, on disk, keyed by a
// fingerprint of the data set's pixels and the representation's parameters; files carry a
// SHA-256 of their data and are written atomically. A damaged or stale file is recomputed.
type FeatureCache struct {
	// Dir is the on-disk cache folder; "" keeps the cache in memory only.
	Dir string

	mu           sync.Mutex
	memory       map[string][]float32
	fingerprints map[*datasets.Dataset]string
}

// NewFeatureCache returns a cache in dir ("" for memory only).
func NewFeatureCache(dir string) *FeatureCache {
	return &FeatureCache{Dir: dir, memory: map[string][]float32{}, fingerprints: map[*datasets.Dataset]string{}}
}

// DefaultFeatureCacheDir returns the folder named by $MVMR_CACHE_DIR, "" when it is "off", or
// os.UserCacheDir()/mvmr-go/features ("" when there is no user cache folder).
func DefaultFeatureCacheDir() string {
	if dir := os.Getenv(FeatureCacheEnvVar); dir != "" {
		if dir == "off" {
			return ""
		}
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "mvmr-go", "features")
}

// fingerprint returns a SHA-256 of the data set's shape, normalisation and pixels.
func (c *FeatureCache) fingerprint(data *datasets.Dataset) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.fingerprints[data]; ok {
		return f
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d %d %d %d %v %v\n", data.Len(), data.Height, data.Width, data.Channels, data.Mean, data.Std)
	if data.Images == nil && data.Stream != nil {
		for i := range data.Len() { // a streamed data set: read its pixels once
			h.Write(data.Image(i))
		}
	} else {
		h.Write(data.Images)
	}
	f := hex.EncodeToString(h.Sum(nil))
	c.fingerprints[data] = f
	return f
}

// Features returns rep computed for every image of data, [data.Len(), dim] row-major, from the
// cache when it holds them.
func (c *FeatureCache) Features(rep HostRepresentation, data *datasets.Dataset) ([]float32, error) {
	return c.cached(key(rep.Name(), rep), rep, data, true, func() ([]float32, error) { return DataFeatures(rep, data) })
}

// RepresentationFeatures returns the features of data's original images for any representation
// computed outside the graph: a HostRepresentation (Features) or a DatasetRepresentation (a
// teacher), from the cache when it holds them.
func (c *FeatureCache) RepresentationFeatures(backend compute.Backend, rep *Rep, data *datasets.Dataset) ([]float32, error) {
	return c.RepresentationFeaturesProgress(backend, rep, data, nil, 0)
}

// RepresentationFeaturesProgress is RepresentationFeatures writing a progress line to progress
// (when not nil) every interval while host features are computed: images done, images/s and
// time left. Hours of work for a large data set (scatnet on STL-10's 105 000 images) then
// show where they stand.
func (c *FeatureCache) RepresentationFeaturesProgress(backend compute.Backend, rep *Rep, data *datasets.Dataset,
	progress io.Writer, interval time.Duration) ([]float32, error) {
	if d, ok := rep.Dataset(); ok {
		return c.cached(rep.Key(), d, data, d.DiskCached(), func() ([]float32, error) { return d.DatasetFeatures(backend, data) })
	}
	host, ok := rep.Host()
	if !ok {
		return nil, fmt.Errorf("reps: representation %q is computed in the graph, not on the host", rep.Name())
	}
	return c.cached(rep.Key(), host, data, true, func() ([]float32, error) {
		return DataFeaturesProgress(host, data, featureProgress(progress, interval, rep.Name(), data.Len()))
	})
}

// featureProgress returns a DataFeaturesProgress callback that writes "representation NAME:
// done/total images, rate, time left" to w at most once per interval (nil when w is nil).
func featureProgress(w io.Writer, interval time.Duration, name string, total int) func(int) {
	if w == nil {
		return nil
	}
	start := time.Now()
	last := start
	return func(done int) {
		now := time.Now()
		if now.Sub(last) < interval || done >= total {
			return
		}
		last = now
		rate := float64(done) / now.Sub(start).Seconds()
		left := time.Duration(float64(total-done)/rate) * time.Second
		fmt.Fprintf(w, "representation %s: %d/%d images, %.1f images/s, %s left\n", name, done, total, rate, left.Round(time.Second))
	}
}

// cached returns the features of data of rep (identified by repKey) from memory, from disk
// (when disk and Dir are set) or from compute, and keeps them.
func (c *FeatureCache) cached(repKey string, rep Representation, data *datasets.Dataset, disk bool, compute func() ([]float32, error)) ([]float32, error) {
	dim, err := featureDim(rep, data.Height, data.Width, data.Channels)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("v%d %s | %s", featureCacheVersion, repKey, c.fingerprint(data))
	c.mu.Lock()
	if f, ok := c.memory[key]; ok {
		c.mu.Unlock()
		return f, nil
	}
	c.mu.Unlock()

	var path string
	if c.Dir != "" && disk {
		sum := sha256.Sum256([]byte(key))
		path = filepath.Join(c.Dir, hex.EncodeToString(sum[:16])+".feat")
	}
	features, err := readFeatureFile(path, key, data.Len(), dim)
	if err != nil || features == nil {
		if features, err = compute(); err != nil {
			return nil, err
		}
		if len(features) != data.Len()*dim {
			return nil, fmt.Errorf("reps: representation %s computed %d values for %d images of %d features", rep.Name(), len(features), data.Len(), dim)
		}
		if path != "" {
			if err := writeFeatureFile(path, key, features, data.Len(), dim); err != nil {
				return nil, fmt.Errorf("reps: feature cache: %w", err)
			}
		}
	}
	c.mu.Lock()
	c.memory[key] = features
	c.mu.Unlock()
	return features, nil
}

const featureFileMagic = "MVMRFEAT1\n"

type featureFileHeader struct {
	Key    string `json:"key"`
	Rows   int    `json:"rows"`
	Dim    int    `json:"dim"`
	SHA256 string `json:"sha256"`
}

// readFeatureFile returns the cached features at path, nil when there is no usable file (none,
// another key, damaged); errors are only for unexpected I/O failures.
func readFeatureFile(path, key string, rows, dim int) ([]float32, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte(featureFileMagic)) {
		return nil, nil
	}
	raw = raw[len(featureFileMagic):]
	line, payload, ok := bytes.Cut(raw, []byte("\n"))
	var h featureFileHeader
	if !ok || json.Unmarshal(line, &h) != nil || h.Key != key || h.Rows != rows || h.Dim != dim || len(payload) != 4*rows*dim {
		return nil, nil
	}
	if sum := sha256.Sum256(payload); hex.EncodeToString(sum[:]) != h.SHA256 {
		return nil, nil
	}
	out := make([]float32, rows*dim)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(payload[4*i:]))
	}
	return out, nil
}

func writeFeatureFile(path, key string, features []float32, rows, dim int) error {
	payload := make([]byte, 4*len(features))
	for i, v := range features {
		binary.LittleEndian.PutUint32(payload[4*i:], math.Float32bits(v))
	}
	sum := sha256.Sum256(payload)
	header, err := json.Marshal(featureFileHeader{Key: key, Rows: rows, Dim: dim, SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.WriteString(featureFileMagic)
		bw.Write(header)
		bw.WriteString("\n")
		bw.Write(payload)
		return bw.Flush()
	})
}
