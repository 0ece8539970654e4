package datasets

import (
	"sync"
	"time"
)

// Prefetcher builds the batches of consecutive steps ahead of the trainer, in the background,
// so that the trainer only waits when data loading is slower than a training step.
type Prefetcher struct {
	source *TwoViewSource
	depth  int
	hook   func(*TwoViewBatch)

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

// SetHook makes the prefetcher call hook on every batch it builds, in its background goroutine,
// before handing the batch out: work done there (such as computing representations of the
// fresh view on all cores) overlaps with training. Set it before the first Batch call.
func (p *Prefetcher) SetHook(hook func(*TwoViewBatch)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hook = hook
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
	hook := p.hook
	go func() {
		defer close(done)
		for step := from; ; step++ {
			b := p.source.Batch(step)
			if hook != nil {
				hook(b)
			}
			select {
			case ready <- b:
			case <-stop:
				return
			}
		}
	}()
}
