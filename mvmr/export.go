package mvmr

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// Names of the files ExportEmbeddings writes.
const (
	ExportH       = "h.npy"
	ExportZ       = "z.npy"
	ExportLabels  = "labels.npy"
	ExportIndices = "indices.npy"
)

// ExportEmbeddings encodes every image of data and writes, in dir, h.npy (float32 [n, h_dim]),
// z.npy (float32 [n, z_dim]), labels.npy and indices.npy (int64 [n], the images' positions in
// data), each atomically, so that NumPy users can take the embeddings anywhere:
// np.load("h.npy"). It returns the paths written.
func (t *Trainer) ExportEmbeddings(data *datasets.Dataset, dir string) ([]string, error) {
	h, hDim, err := t.Features(data)
	if err != nil {
		return nil, err
	}
	z, zDim, err := t.Embeddings(data)
	if err != nil {
		return nil, err
	}
	return ExportArrays(dir, h, hDim, z, zDim, data.Labels)
}

// ExportArrays writes h, z, labels and indices 0..n−1 as ExportEmbeddings does.
func ExportArrays(dir string, h []float32, hDim int, z []float32, zDim int, labels []int32) ([]string, error) {
	n := len(labels)
	if hDim < 1 || zDim < 1 || len(h) != n*hDim || len(z) != n*zDim {
		return nil, fmt.Errorf("mvmr: export: %d h values of dim %d and %d z values of dim %d for %d labels",
			len(h), hDim, len(z), zDim, n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("mvmr: export: %w", err)
	}
	labels64 := make([]int64, n)
	indices := make([]int64, n)
	for i, l := range labels {
		labels64[i] = int64(l)
		indices[i] = int64(i)
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{ExportH, func(w io.Writer) error { return npy.WriteFloat32Array(w, h, []int{n, hDim}) }},
		{ExportZ, func(w io.Writer) error { return npy.WriteFloat32Array(w, z, []int{n, zDim}) }},
		{ExportLabels, func(w io.Writer) error { return npy.WriteInt64Array(w, labels64, []int{n}) }},
		{ExportIndices, func(w io.Writer) error { return npy.WriteInt64Array(w, indices, []int{n}) }},
	}
	var paths []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := atomicfile.Write(path, f.write); err != nil {
			return paths, fmt.Errorf("mvmr: export: writing %s: %w", path, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
