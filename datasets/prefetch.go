package datasets

import (
	"fmt"
	"sync"
	"time"

	"github.com/mvmr-ssl/mvmr-go/internal/parallel"
)

// Prefetcher builds the batches of consecutive steps ahead of the trainer, in the background,
// so that the trainer only waits when data loading is slower than a training step.
type Prefetcher struct {
	source *TwoViewSource
	depth  int
	fresh  []ImageFeatures // computed on each batch's fresh views
	dims   []int

	mu      sync.Mutex
	next    int64 // the step the consumer will ask for next
	ready   chan *TwoViewBatch
	stop    chan struct{}
	done    chan struct{}
	waiting time.Duration
}

// NewPrefetcher returns a prefetcher that keeps up to depth batches ready. Call Close when done.
func NewPrefetcher(source *TwoViewSource, depth int) *Prefetcher {
	return &Prefetcher{source: source, depth: max(depth, 1), next: -1}
}

// ImageFeatures computes the features of one normalised image (HWC) into dst, and says how
// many there are (the product of Shape); Compute must be safe to call from several goroutines
// at once. A reps.HostRepresentation has these methods.
type ImageFeatures interface {
	Name() string
	Shape(height, width, channels int) ([]int, error)
	Compute(dst, image []float32, height, width, channels int)
}

// ComputeOnFreshViews makes the prefetcher compute features of every batch's fresh views, on all
// cores in its background goroutine, into TwoViewBatch.FreshFeatures by name: the work overlaps
// with training. Call it before the first Batch. It returns an error when the source draws no
// fresh view (SetFreshView) or its images do not suit one of features.
func (p *Prefetcher) ComputeOnFreshViews(features ...ImageFeatures) error {
	if len(features) > 0 && !p.source.fresh {
		return fmt.Errorf("datasets: features of the fresh view, but the source draws none (SetFreshView)")
	}
	d := p.source.data
	dims := make([]int, len(features))
	for i, f := range features {
		shape, err := f.Shape(d.Height, d.Width, d.Channels)
		if err != nil {
			return fmt.Errorf("datasets: %s of the fresh view: %w", f.Name(), err)
		}
		dims[i] = 1
		for _, s := range shape {
			dims[i] *= s
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fresh, p.dims = features, dims
	return nil
}

// computeFresh fills b.FreshFeatures.
func computeFresh(b *TwoViewBatch, features []ImageFeatures, dims []int) {
	b.FreshFeatures = make(Features, len(features))
	size := b.Height * b.Width * b.Channels
	for i, f := range features {
		out := make([]float32, b.Size*dims[i])
		parallel.For(b.Size, func(j int) {
			f.Compute(out[j*dims[i]:(j+1)*dims[i]], b.Fresh[j*size:(j+1)*size], b.Height, b.Width, b.Channels)
		})
		b.FreshFeatures[f.Name()] = out
	}
}

// Batch returns batch step, from the prefetched queue when the caller asks for consecutive
// steps, and (re)starts prefetching from step+1.
func (p *Prefetcher) Batch(step int64) *TwoViewBatch {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready == nil || step != p.next {
		p.restartLocked(step)
	}
	start := time.Now()
	b := <-p.ready
	p.waiting += time.Since(start)
	p.next = step + 1
	return b
}

// WaitTime returns the total time Batch spent waiting for data.
func (p *Prefetcher) WaitTime() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting
}

// Close stops the background goroutine.
func (p *Prefetcher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
}

func (p *Prefetcher) stopLocked() {
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop, p.done, p.ready = nil, nil, nil
	}
}

func (p *Prefetcher) restartLocked(from int64) {
	p.stopLocked()
	ready := make(chan *TwoViewBatch, p.depth)
	stop := make(chan struct{})
	done := make(chan struct{})
	p.ready, p.stop, p.done = ready, stop, done
	fresh, dims := p.fresh, p.dims
	go func() {
		defer close(done)
		for step := from; ; step++ {
			b := p.source.Batch(step)
			if len(fresh) > 0 {
				computeFresh(b, fresh, dims)
			}
			select {
			case ready <- b:
			case <-stop:
				return
			}
		}
	}()
}
