package mvmr

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// Checkpoint file format, version 2: the 8-byte magic "MVMRCKPT", a little-endian uint32 format
// version and uint64 header length, the 32-byte SHA-256 of the header, the JSON header
// (checkpointHeader), then the variables' raw little-endian bytes, back to back, whose SHA-256
// the header records. Version 1 (written until 2026-12-03, still read) has no header checksum.
// The header is decoded strictly (checkpoint_header.go): an unknown key, a missing required key
// or a header that does not match its checksum is a corruption error naming the damage. The
// header's optional "monitors" field lists the variables of the trainer's StatefulMonitors, by
// state key, in the same bytes; a checkpoint without it (written before monitor states were
// saved) still loads.
//
// GoMLX's ml/model/checkpoint package is not used because it writes its files in place (a kill
// during a save leaves a truncated checkpoint that is then picked as the latest); this format is
// one file written with atomicfile.Write, and it also carries the run's Config and History so a
// resumed run continues the same loss curve.
const (
	checkpointMagic   = "MVMRCKPT"
	checkpointVersion = 2
)

// checkpointHeader is the JSON header. Every field whose tag lacks omitempty is required (a header
// without it is corrupt); a field added later must be omitempty, so that the checkpoints written
// before it, which lack it, still load (TestLegacyCheckpointLoadsAndEvaluates).
type checkpointHeader struct {
	Version   int                  `json:"format_version"`
	Step      int64                `json:"step"`
	Config    Config               `json:"config"`
	Data      checkpointData       `json:"data"`
	History   *history.History     `json:"history"`
	Variables []checkpointVariable `json:"variables"`
	DataSHA   string               `json:"data_sha256"`
	// Monitors holds the state of the trainer's StatefulMonitors by state key, in the same data
	// bytes as Variables (absent from checkpoints written before monitor states were saved).
	Monitors map[string][]checkpointVariable `json:"monitors,omitempty"`
	// TrainSeconds is the run's training wall time up to this checkpoint (Trainer.TrainTime;
	// absent from checkpoints written before it was recorded, which then count from 0).
	TrainSeconds float64 `json:"train_seconds,omitempty"`
}

type checkpointData struct {
	Name                    string `json:"name"`
	Len                     int    `json:"len"`
	Height, Width, Channels int
}

type checkpointVariable struct {
	Path      string `json:"path"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
	Offset    int64  `json:"offset"`
	Length    int64  `json:"length"`
}

// Save writes the trainer's full state (Config, step, History, weights, BatchNorm statistics,
// optimizer state and the state of its StatefulMonitors, such as the online probe) to path
// atomically: a kill during Save leaves the previous file intact.
func (t *Trainer) Save(path string) error { return t.SaveKeeping(path, "") }

// SaveKeeping is Save that keeps the checkpoint at path (if any) as keep once the new one is
// complete (atomicfile.WriteKeeping): a save that fails, a full disk say, leaves both files as
// they were. An empty keep is Save.
func (t *Trainer) SaveKeeping(path, keep string) error {
	header := checkpointHeader{
		Version: checkpointVersion, Step: t.Step(), Config: t.config, History: t.history, TrainSeconds: t.TrainTime().Seconds(),
		Data: checkpointData{Name: t.data.Name, Len: t.data.Len(), Height: t.data.Height, Width: t.data.Width, Channels: t.data.Channels},
	}
	var payload bytes.Buffer
	var err error
	if header.Variables, err = appendVariables(&payload, t.store); err != nil {
		return fmt.Errorf("mvmr: saving %s: %w", path, err)
	}
	if header.Monitors, err = t.saveMonitorStates(&payload); err != nil {
		return fmt.Errorf("mvmr: saving %s: %w", path, err)
	}
	sum := sha256.Sum256(payload.Bytes())
	header.DataSHA = hex.EncodeToString(sum[:])
	headerJSON, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("mvmr: saving %s: %w", path, err)
	}
	err = atomicfile.WriteKeeping(path, keep, func(w io.Writer) error { return writeCheckpoint(w, headerJSON, payload.Bytes()) })
	if err != nil {
		return fmt.Errorf("mvmr: saving checkpoint: %w", err)
	}
	return nil
}

// appendVariables writes the raw bytes of every variable of store that has a value to payload and
// returns their entries, offsets counted from the start of payload.
func appendVariables(payload *bytes.Buffer, store *model.Store) ([]checkpointVariable, error) {
	var out []checkpointVariable
	for v := range store.IterVariables() {
		if !v.HasValue() {
			continue
		}
		value := v.MustValue()
		var raw []byte
		if err := value.ConstBytes(func(b []byte) { raw = slices.Clone(b) }); err != nil {
			return nil, fmt.Errorf("reading variable %s: %w", v.Path(), err)
		}
		out = append(out, checkpointVariable{
			Path: v.Path(), DType: value.DType().String(), Dims: value.Shape().Dimensions,
			Trainable: v.Trainable, Offset: int64(payload.Len()), Length: int64(len(raw)),
		})
		payload.Write(raw)
	}
	return out, nil
}

// writeCheckpoint writes the file's bytes: magic, version, header length, header checksum,
// header and data.
func writeCheckpoint(w io.Writer, headerJSON, payload []byte) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(checkpointMagic)
	binary.Write(bw, binary.LittleEndian, uint32(checkpointVersion))
	binary.Write(bw, binary.LittleEndian, uint64(len(headerJSON)))
	sum := sha256.Sum256(headerJSON)
	bw.Write(sum[:])
	bw.Write(headerJSON)
	bw.Write(payload)
	return bw.Flush()
}

// readCheckpoint reads and verifies a checkpoint file.
func readCheckpoint(path string) (*checkpointHeader, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("mvmr: reading checkpoint: %w", err)
	}
	return decodeCheckpoint(path, raw)
}

// decodeCheckpoint reads and verifies the bytes of a checkpoint file (path names it in errors):
// the header's checksum (version 2), its strict decoding and the data's checksum.
func decodeCheckpoint(path string, raw []byte) (*checkpointHeader, []byte, error) {
	const prefix = len(checkpointMagic) + 4 + 8
	if len(raw) < prefix || string(raw[:len(checkpointMagic)]) != checkpointMagic {
		return nil, nil, fmt.Errorf("mvmr: %s is not an mvmr checkpoint (expected it to start with %q)", path, checkpointMagic)
	}
	version := binary.LittleEndian.Uint32(raw[8:])
	if version != 1 && version != checkpointVersion {
		return nil, nil, fmt.Errorf("mvmr: %s: checkpoint format_version %d; this program reads versions 1 and %d", path, version, checkpointVersion)
	}
	headerLen := binary.LittleEndian.Uint64(raw[12:])
	rest := raw[prefix:]
	var headerSum []byte
	if version >= 2 {
		if len(rest) < sha256.Size {
			return nil, nil, fmt.Errorf("mvmr: %s: truncated: %d bytes after the header length; expected a %d-byte header checksum", path, len(rest), sha256.Size)
		}
		headerSum, rest = rest[:sha256.Size], rest[sha256.Size:]
	}
	if headerLen > uint64(len(rest)) {
		return nil, nil, fmt.Errorf("mvmr: %s: truncated: header length %d but only %d bytes follow", path, headerLen, len(rest))
	}
	headerJSON, payload := rest[:headerLen], rest[headerLen:]
	header, err := decodeCheckpointHeader(headerJSON, int(version))
	if headerSum != nil {
		if sum := sha256.Sum256(headerJSON); !bytes.Equal(sum[:], headerSum) {
			if err != nil {
				return nil, nil, fmt.Errorf("mvmr: %s: corrupt header (its SHA-256 does not match the one recorded): %w", path, err)
			}
			return nil, nil, fmt.Errorf("mvmr: %s: corrupt header: its SHA-256 %x does not match the %x recorded before it: the header was changed after it was written",
				path, sum[:6], headerSum[:6])
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("mvmr: %s: corrupt header: %w", path, err)
	}
	sum := sha256.Sum256(payload)
	if got := hex.EncodeToString(sum[:]); got != header.DataSHA {
		return nil, nil, fmt.Errorf("mvmr: %s: data_sha256 mismatch (file holds %d data bytes, checksum %s, header says %s): truncated or corrupt",
			path, len(payload), got[:12], header.DataSHA[:min(12, len(header.DataSHA))])
	}
	if header.History == nil {
		header.History = history.New()
	}
	return header, payload, nil
}

// LoadTrainer restores a trainer saved with Save, on data (which must have the image shape the
// checkpoint was trained on) and the backend from NewBackend. Train then continues exactly where
// the saved run stopped. The backend is the process's (NewBackend's, created at the first call).
func LoadTrainer(path string, data *datasets.Dataset) (*Trainer, error) {
	backend, err := defaultBackend()
	if err != nil {
		return nil, err
	}
	return LoadTrainerWithBackend(backend, path, data)
}

// LoadTrainerWithBackend is LoadTrainer on a given backend.
func LoadTrainerWithBackend(backend compute.Backend, path string, data *datasets.Dataset) (*Trainer, error) {
	header, payload, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	d := header.Data
	if data.Height != d.Height || data.Width != d.Width || data.Channels != d.Channels {
		return nil, fmt.Errorf("mvmr: %s was trained on %s (%dx%dx%d images); %s has %dx%dx%d images",
			path, d.Name, d.Height, d.Width, d.Channels, data.Name, data.Height, data.Width, data.Channels)
	}
	t, err := NewTrainerWithBackend(backend, header.Config, data)
	if err != nil {
		return nil, fmt.Errorf("mvmr: %s: %w", path, err)
	}
	if err := restoreVariables(t.store, path, header, payload); err != nil {
		return nil, err
	}
	t.savedMonitors = savedMonitorStates(path, header, payload)
	if header.Step != t.Step() {
		return nil, fmt.Errorf("mvmr: %s: header step %d but the optimizer step variable holds %d", path, header.Step, t.Step())
	}
	t.history = header.History
	t.history.Truncate(header.Step - 1)
	t.trained = time.Duration(header.TrainSeconds * float64(time.Second))
	return t, nil
}

// variableShape returns the shape of variable cv (entry i of the header field named field),
// once its dtype is known and its bytes are checked against the n data bytes.
func variableShape(path, field string, i int, cv checkpointVariable, n int) (shapes.Shape, error) {
	dtype, err := dtypes.DTypeString(cv.DType)
	if err != nil {
		return shapes.Shape{}, fmt.Errorf("mvmr: %s: %s[%d] (%s): dtype %q: %w", path, field, i, cv.Path, cv.DType, err)
	}
	if err := checkVariableBytes(cv, dtype, n); err != nil {
		return shapes.Shape{}, fmt.Errorf("mvmr: %s: %s[%d] (%s): %w", path, field, i, cv.Path, err)
	}
	return shapes.Make(dtype, cv.Dims...), nil
}

// checkVariableBytes checks, before anything is allocated, that the dims of cv are
// non-negative, that dtype×dims is cv.Length bytes and that those bytes lie within the n data
// bytes: a header claiming 10¹² elements fails here.
func checkVariableBytes(cv checkpointVariable, dtype dtypes.DType, n int) error {
	if cv.Offset < 0 || cv.Length < 0 || cv.Offset > int64(n) || cv.Length > int64(n)-cv.Offset {
		return fmt.Errorf("%d bytes at offset %d; expected them within the %d data bytes", cv.Length, cv.Offset, n)
	}
	var size int64
	switch dtype {
	case dtypes.Float16, dtypes.BFloat16, dtypes.Float32, dtypes.Float64, dtypes.Bool,
		dtypes.Int8, dtypes.Int16, dtypes.Int32, dtypes.Int64, dtypes.Uint8, dtypes.Uint16, dtypes.Uint32, dtypes.Uint64:
		size = int64(dtype.Size())
	default:
		return fmt.Errorf("dtype %s; expected a float, integer or bool dtype", dtype)
	}
	count := int64(1)
	for _, d := range cv.Dims {
		if d < 0 {
			return fmt.Errorf("dims %v: negative dimension %d", cv.Dims, d)
		}
		if d > 0 && count > int64(n)/int64(d) {
			return fmt.Errorf("dims %v of %s need more than the %d data bytes", cv.Dims, dtype, n)
		}
		count *= int64(d)
	}
	if want := count * size; want != cv.Length {
		return fmt.Errorf("%d bytes at offset %d; expected %d bytes for %s%v", cv.Length, cv.Offset, want, dtype, cv.Dims)
	}
	return nil
}

// restoreVariables sets (or creates) in store every variable a checkpoint holds.
func restoreVariables(store *model.Store, path string, header *checkpointHeader, payload []byte) error {
	return restoreVariableList(store, path, "variables", header.Variables, payload)
}

// restoreVariableList sets (or creates) in store the variables listed (under the header field
// named field, for errors) with their bytes in payload.
func restoreVariableList(store *model.Store, path, field string, variables []checkpointVariable, payload []byte) error {
	for i, cv := range variables {
		shape, err := variableShape(path, field, i, cv, len(payload))
		if err != nil {
			return err
		}
		value := tensors.FromShape(shape)
		if err := value.MutableBytes(func(b []byte) { copy(b, payload[cv.Offset:cv.Offset+cv.Length]) }); err != nil {
			return fmt.Errorf("mvmr: %s: %s[%d] (%s): %w", path, field, i, cv.Path, err)
		}
		v := store.GetVariable(cv.Path) // the random-number state exists already
		if v != nil && v.Shape().Equal(shape) {
			err = v.SetValue(value)
		} else {
			v, err = store.CreateVariable(cv.Path, value)
		}
		if err != nil {
			return fmt.Errorf("mvmr: %s: %s[%d] (%s): %w", path, field, i, cv.Path, err)
		}
		v.SetTrainable(cv.Trainable)
	}
	return nil
}
