package mvmr

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// checkpointTeacher is an encoder trained by this kit (a Trainer.Save file), run frozen with
// BatchNorm in evaluation mode on the original images, resized bilinearly to the size it was
// trained on. Output "h" is the backbone's representation (what its linear probe reads), "z"
// the projector's embedding.
type checkpointTeacher struct {
	teacherCommon
	Output string
	Norm   teacherNormalisation

	once   sync.Once
	header *checkpointHeader
	weight []byte
	err    error
}

func (t *checkpointTeacher) load() (*checkpointHeader, error) {
	t.once.Do(func() {
		header, payload, err := readCheckpoint(t.Path)
		if err != nil {
			t.err = fmt.Errorf("teacher %s: %w", TeacherCheckpoint, err)
			return
		}
		t.header, t.weight = header, payload
	})
	return t.header, t.err
}

// String identifies the teacher with its weights' checksum (the feature-cache key).
func (t *checkpointTeacher) String() string {
	sha := "unread"
	if h, err := t.load(); err == nil {
		sha = h.DataSHA
	}
	return fmt.Sprintf("teacher{kind:%s weights_sha256:%s output:%s scale:%g norm:%v}", t.Kind, sha, t.Output, t.Scale, t.Norm)
}

// Shape implements Representation: (HDim) or (ZDim) of the teacher's encoder at its training
// size, whatever the data set's image size.
func (t *checkpointTeacher) Shape(height, width, channels int) ([]int, error) {
	h, err := t.load()
	if err != nil {
		return nil, err
	}
	if err := checkTeacherChannels(t.Path, h.Data.Channels, channels); err != nil {
		return nil, err
	}
	if t.Output == "z" {
		return []int{h.Config.Encoder.ZDim()}, nil
	}
	return []int{h.Config.Encoder.HDim(h.Data.Height, h.Data.Width)}, nil
}

// DiskCached implements DatasetRepresentation.
func (t *checkpointTeacher) DiskCached() bool { return true }

// DatasetFeatures implements DatasetRepresentation: the frozen encoder over every image of data.
func (t *checkpointTeacher) DatasetFeatures(backend compute.Backend, data *datasets.Dataset) ([]float32, error) {
	h, err := t.load()
	if err != nil {
		return nil, err
	}
	if _, err := t.Shape(data.Height, data.Width, data.Channels); err != nil {
		return nil, err
	}
	fill, err := t.Norm.fill(data)
	if err != nil {
		return nil, err
	}
	store, err := newEncoderStore()
	if err != nil {
		return nil, err
	}
	if err := restoreVariables(store, t.Path, h, t.weight); err != nil {
		return nil, err
	}
	encoder := h.Config.Encoder
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) *Node {
		x := teacherImages(images, h.Data.Height, h.Data.Width, h.Data.Channels)
		if t.Output == "z" {
			_, z := encoder.Encode(scope.In(encoderScope), x)
			return z
		}
		return encoder.Backbone(scope.In(encoderScope), x)
	})
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: %w", TeacherCheckpoint, t.Path, err)
	}
	features, _, err := encodeImages(exec, data, fill)
	if err != nil {
		return nil, fmt.Errorf("teacher %s %s: %w", TeacherCheckpoint, t.Path, err)
	}
	if err := finiteTeacherFeatures(TeacherCheckpoint, t.Path, features, data.Len()); err != nil {
		return nil, err
	}
	return scaled(features, t.Scale), nil
}
