package mvmr

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/finite"
	"github.com/mvmr-ssl/mvmr-go/mvmr/npy"
)

// npyTeacher is a precomputed embedding table: a (N, D) float32 or float64 .npy file whose row
// i is the embedding of image i of the data set (for instance CLIP or DINO embeddings computed
// in Python and saved with numpy.save). Each step gathers the rows of its images by their data
// set indices.
type npyTeacher struct {
	teacherCommon

	once  sync.Once
	table *npyTable
	err   error
}

type npyTable struct {
	rows, dim int
	data      []float32 // rows×dim, divided by Scale
	sha       string
}

// load reads and checks the file once.
func (t *npyTeacher) load() (*npyTable, error) {
	t.once.Do(func() {
		sha, err := fileSHA256(t.Path)
		if err != nil {
			t.err = err
			return
		}
		a, err := npy.ReadArrayFile(t.Path)
		if err != nil {
			t.err = fmt.Errorf("teacher %s: %w", TeacherNPY, err)
			return
		}
		if len(a.Shape) != 2 {
			t.err = fmt.Errorf("teacher %s %s: shape %v; expected (N, D): one row of D features per image of the data set", TeacherNPY, t.Path, a.Shape)
			return
		}
		rows, dim := a.Shape[0], a.Shape[1]
		if dim == 0 {
			t.err = fmt.Errorf("teacher %s %s: shape (%d, %d): D = 0; expected at least one feature per row", TeacherNPY, t.Path, rows, dim)
			return
		}
		if err := finite.Check(fmt.Sprintf("teacher %s %s (row, column)", TeacherNPY, t.Path), a.Shape, a.Data); err != nil {
			t.err = err
			return
		}
		data := make([]float32, len(a.Data))
		for i, v := range a.Data {
			data[i] = float32(v)
		}
		t.table = &npyTable{rows: rows, dim: dim, data: scaled(data, t.Scale), sha: sha}
	})
	return t.table, t.err
}

// String identifies the teacher with its file's content (the feature-cache key).
func (t *npyTeacher) String() string {
	sha := "unread"
	if table, err := t.load(); err == nil {
		sha = table.sha
	}
	return fmt.Sprintf("teacher{kind:%s sha256:%s scale:%g}", t.Kind, sha, t.Scale)
}

// Shape implements Representation: (D), whatever the image size.
func (t *npyTeacher) Shape(height, width, channels int) ([]int, error) {
	table, err := t.load()
	if err != nil {
		return nil, err
	}
	return []int{table.dim}, nil
}

// DiskCached implements DatasetRepresentation: the table is already a file.
func (t *npyTeacher) DiskCached() bool { return false }

// DatasetFeatures implements DatasetRepresentation: the table, once its row count is checked
// against the data set.
func (t *npyTeacher) DatasetFeatures(_ compute.Backend, data *datasets.Dataset) ([]float32, error) {
	table, err := t.load()
	if err != nil {
		return nil, err
	}
	if table.rows != data.Len() {
		return nil, fmt.Errorf("teacher %s %s: shape (%d, %d): N = %d rows; expected N = %d, one row per image of %s in data set order",
			TeacherNPY, t.Path, table.rows, table.dim, table.rows, data.Len(), data.Name)
	}
	return table.data, nil
}
