package datasets

import (
	"fmt"
	"os"
	"sync"
)

// RecordReader reads the images of a data set on demand, so that a data set larger than
// memory (STL-10's 2.7 GB unlabeled split) can be trained on with bounded memory: only the
// images of the batches being built are held.
type RecordReader interface {
	// ReadImage writes image i (Height·Width·Channels values, HWC) into dst.
	ReadImage(dst []uint8, i int) error
	// Err returns the first error ReadImage met, or nil.
	Err() error
}

// fileSegment is a run of fixed-size records in one file.
type fileSegment struct {
	path   string
	file   *os.File
	count  int
	offset int64 // byte offset of the first record
}

// recordFile reads fixed-size records from one or more files with ReadAt (safe for concurrent
// use) and decodes each with decode. Memory held: one record buffer per call.
type recordFile struct {
	segments   []fileSegment
	recordSize int
	decode     func(dst, record []uint8)

	mu  sync.Mutex
	err error
}

// ReadImage implements RecordReader.
func (r *recordFile) ReadImage(dst []uint8, i int) error {
	idx := i
	for _, seg := range r.segments {
		if idx >= seg.count {
			idx -= seg.count
			continue
		}
		rec := make([]uint8, r.recordSize)
		if _, err := seg.file.ReadAt(rec, seg.offset+int64(idx)*int64(r.recordSize)); err != nil {
			err = fmt.Errorf("%s: record %d: %w", seg.path, idx, err)
			r.mu.Lock()
			if r.err == nil {
				r.err = err
			}
			r.mu.Unlock()
			clear(dst)
			return err
		}
		r.decode(dst, rec)
		return nil
	}
	return fmt.Errorf("datasets: image %d out of range", i)
}

// Err implements RecordReader.
func (r *recordFile) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close closes the files.
func (r *recordFile) Close() error {
	var first error
	for _, seg := range r.segments {
		if err := seg.file.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
