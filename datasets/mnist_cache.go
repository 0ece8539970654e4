package datasets

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
)

// CacheDirEnvVar names the kit's cache folder ("off" disables every on-disk cache): the host
// representations' feature files (reps.FeatureCacheEnvVar is this name) and, in its mnist/
// subfolder, the decoded MNIST splits.
const CacheDirEnvVar = "MVMR_CACHE_DIR"

// mnistCacheMagic starts every decoded MNIST file; its last two characters are the layout's
// version: change them when the layout changes, so that older files are decoded again.
const mnistCacheMagic = "MVMRMN01"

// mnistCacheHeader is the size of a decoded file's header: the magic, the key (a SHA-256 of the
// split's two .gz files), the count, rows and columns and a CRC-32C of the payload (big-endian
// uint32s); the payload follows: the pixels, then one byte per label. (A CRC-32C, computed by the
// CPU's instruction, detects damage at a fraction of a SHA-256's cost, which was a third of the
// load; the key stays a SHA-256, of the 10 MB of .gz files.)
const mnistCacheHeader = len(mnistCacheMagic) + sha256.Size + 4*4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MNISTCacheDir returns the folder of the decoded MNIST splits LoadMNIST keeps: the mnist
// subfolder of $MVMR_CACHE_DIR, "" when it is "off", or os.UserCacheDir()/mvmr-go/mnist ("" when
// there is no user cache folder). LoadMNIST reads it at each call, at the program's edge.
func MNISTCacheDir() string {
	if dir := os.Getenv(CacheDirEnvVar); dir != "" {
		if dir == "off" {
			return ""
		}
		return filepath.Join(dir, "mnist")
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "mvmr-go", "mnist")
}

// LoadMNISTCached is LoadMNISTFrom through a decoded copy of the split kept in cacheDir ("" reads
// and decodes the .gz files every time). GoNB runs every notebook cell as a new program, so a
// cell that loads MNIST decoded the training images' gzip stream each time (about 0.2 s of
// the cell); the decoded copy is read in a tenth of that (BenchmarkLoadMNIST).
//
// The copy is keyed by a SHA-256 of both .gz files (which are still read at every call), carries
// a CRC-32C of its content and is written atomically; a damaged copy, or one of other .gz files,
// is decoded again and replaced. A copy that cannot be written is left out: the data set
// returned is the same either way.
func LoadMNISTCached(dir, split, cacheDir string) (*Dataset, error) {
	data, _, err := loadMNISTCached(dir, split, cacheDir)
	return data, err
}

// loadMNISTCached is LoadMNISTCached that also says whether the decoded copy was used.
func loadMNISTCached(dir, split, cacheDir string) (data *Dataset, hit bool, err error) {
	files, err := readMNISTFiles(dir, split)
	if err != nil {
		return nil, false, err
	}
	if cacheDir == "" {
		data, err = files.decode()
		return data, false, err
	}
	key := files.key()
	path := filepath.Join(cacheDir, fmt.Sprintf("mnist-%s-%s.bin", split, hex.EncodeToString(key[:8])))
	if data, err := readDecodedMNIST(path, split, key); err == nil {
		return data, true, nil
	}
	if data, err = files.decode(); err != nil {
		return nil, false, err
	}
	if writeDecodedMNIST(path, key, data) == nil {
		removeOtherDecodedMNIST(cacheDir, split, path)
	}
	return data, false, nil
}

// key is a SHA-256 of the layout's version, the split and both files' bytes.
func (f *mnistFiles) key() [sha256.Size]byte {
	h := sha256.New()
	images, labels := sha256.Sum256(f.images), sha256.Sum256(f.labels)
	fmt.Fprintf(h, "%s %s %x %x", mnistCacheMagic, f.split, images, labels)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// readDecodedMNIST reads the decoded copy at path; any difference from what writeDecodedMNIST
// wrote for key (a missing file included) is an error.
func readDecodedMNIST(path, split string, key [sha256.Size]byte) (*Dataset, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) < mnistCacheHeader || string(raw[:len(mnistCacheMagic)]) != mnistCacheMagic {
		return nil, fmt.Errorf("%s: not a decoded MNIST file", path)
	}
	h := raw[len(mnistCacheMagic):]
	if !bytes.Equal(h[:sha256.Size], key[:]) {
		return nil, fmt.Errorf("%s: decoded from other files", path)
	}
	h = h[sha256.Size:]
	n, rows, cols := int(binary.BigEndian.Uint32(h)), int(binary.BigEndian.Uint32(h[4:])), int(binary.BigEndian.Uint32(h[8:]))
	sum, payload := binary.BigEndian.Uint32(h[12:]), raw[mnistCacheHeader:]
	if len(payload) != n*rows*cols+n {
		return nil, fmt.Errorf("%s: %d bytes of data; expected %d", path, len(payload), n*rows*cols+n)
	}
	if crc32.Checksum(payload, castagnoli) != sum {
		return nil, fmt.Errorf("%s: checksum mismatch", path)
	}
	labels := make([]int32, n)
	for i, l := range payload[n*rows*cols:] {
		labels[i] = int32(l)
	}
	return newMNIST(split, path, payload[:n*rows*cols:n*rows*cols], labels, rows, cols)
}

// writeDecodedMNIST writes data's pixels and labels to path (atomically), under key.
func writeDecodedMNIST(path string, key [sha256.Size]byte, data *Dataset) error {
	labels := make([]byte, len(data.Labels))
	for i, l := range data.Labels {
		labels[i] = byte(l)
	}
	sum := crc32.Update(crc32.Checksum(data.Images, castagnoli), castagnoli, labels)
	header := make([]byte, 0, mnistCacheHeader)
	header = append(header, mnistCacheMagic...)
	header = append(header, key[:]...)
	header = binary.BigEndian.AppendUint32(header, uint32(data.Len()))
	header = binary.BigEndian.AppendUint32(header, uint32(data.Height))
	header = binary.BigEndian.AppendUint32(header, uint32(data.Width))
	header = binary.BigEndian.AppendUint32(header, sum)
	return atomicfile.Write(path, func(w io.Writer) error {
		for _, part := range [][]byte{header, data.Images, labels} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
		return nil
	})
}

// removeOtherDecodedMNIST removes the split's decoded copies other than keep (of earlier .gz
// files), so that the folder holds one copy per split.
func removeOtherDecodedMNIST(cacheDir, split, keep string) {
	others, _ := filepath.Glob(filepath.Join(cacheDir, "mnist-"+split+"-*.bin"))
	for _, path := range others {
		if path != keep {
			os.Remove(path)
		}
	}
}
