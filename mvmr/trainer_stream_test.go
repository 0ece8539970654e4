package mvmr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mvmr-ssl/mvmr-go/datasets"

	"github.com/mvmr-ssl/mvmr-go/internal/testutil"
)

// brokenStream serves the images of an in-memory data set and fails for every index >= failFrom,
// as a streamed file that was truncated after it was opened.
type brokenStream struct {
	data     *datasets.Dataset
	failFrom int
	mu       sync.Mutex
	err      error
}

func (s *brokenStream) ReadImage(dst []uint8, i int) error {
	if i >= s.failFrom {
		err := fmt.Errorf("broken.bin: record %d: %w", i, errors.New("unexpected EOF"))
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
		clear(dst)
		return err
	}
	copy(dst, s.data.Image(i))
	return nil
}

func (s *brokenStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func TestTrainerStopsOnStreamReadError(t *testing.T) {
	train, _ := testutil.MNIST(t, 64, 1)
	streamed := *train
	streamed.Name = "broken"
	streamed.Images = nil
	streamed.Stream = &brokenStream{data: train, failFrom: 60}
	tr := newTestTrainer(t, tinyConfig(8), &streamed)
	err := tr.Train(4) // 4 batches of 32 from 64 images: every image is read, 60..63 fail
	if err == nil {
		t.Fatal("training on a stream that fails to read went on with blank images")
	}
	for _, want := range []string{"reading the images of broken", "broken.bin: record 6", "unexpected EOF"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
