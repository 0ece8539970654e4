package mvmr

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fixtureCheckpoint returns the header JSON and data bytes of the format-version-1 fixture
// written by today's code before version 2 (testdata/v1).
func fixtureCheckpoint(t testing.TB) (headerJSON, payload []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "v1", "small.mvmr"))
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(raw[12:])
	return raw[20 : 20+n], raw[20+n:]
}

// encodeCheckpointVersion writes a checkpoint file's bytes in format version 1 (no header
// checksum) or 2 (this code's writeCheckpoint).
func encodeCheckpointVersion(t testing.TB, version int, headerJSON, payload []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if version == 1 {
		b.WriteString(checkpointMagic)
		binary.Write(&b, binary.LittleEndian, uint32(1))
		binary.Write(&b, binary.LittleEndian, uint64(len(headerJSON)))
		b.Write(headerJSON)
		b.Write(payload)
		return b.Bytes()
	}
	if err := writeCheckpoint(&b, headerJSON, payload); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixtureAsVersion returns the fixture's header JSON re-encoded with format_version version.
func fixtureAsVersion(t testing.TB, version int) (headerJSON, payload []byte) {
	t.Helper()
	headerJSON, payload = fixtureCheckpoint(t)
	if version == 1 {
		return headerJSON, payload
	}
	h, err := decodeCheckpointHeader(headerJSON, 1)
	if err != nil {
		t.Fatal(err)
	}
	h.Version = version
	out, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return out, payload
}

// TestCheckpointDamagedHeaderIsRefused overwrites ten bytes of the header (issue 20's example:
// the key std_epsilon becomes xxxxxxxxxxn), removes a required key and changes a value: every
// damage is refused, naming it, in both format versions; version 2 also refuses a changed value
// through its header checksum.
func TestCheckpointDamagedHeaderIsRefused(t *testing.T) {
	for _, version := range []int{1, checkpointVersion} {
		headerJSON, payload := fixtureAsVersion(t, version)
		if _, _, err := decodeCheckpoint("ok.mvmr", encodeCheckpointVersion(t, version, headerJSON, payload)); err != nil {
			t.Fatalf("version %d: the undamaged fixture: %v", version, err)
		}
		damage := func(name, old, new string, want ...string) {
			t.Helper()
			if !bytes.Contains(headerJSON, []byte(old)) {
				t.Fatalf("version %d: header lacks %q", version, old)
			}
			file := encodeCheckpointVersion(t, version, headerJSON, payload)
			// Damage the file's bytes in place, as a disk or an editor would (same length for a
			// key rename, so the header length still matches).
			i := bytes.Index(file, []byte(old))
			damaged := slices.Concat(file[:i], []byte(new), file[i+len(old):])
			if len(new) != len(old) {
				damaged = encodeCheckpointVersion(t, version, bytes.Replace(headerJSON, []byte(old), []byte(new), 1), payload)
			}
			_, _, err := decodeCheckpoint("damaged.mvmr", damaged)
			if err == nil {
				t.Errorf("version %d, %s: the damaged checkpoint loads", version, name)
				return
			}
			for _, w := range append(want, "damaged.mvmr", "corrupt header") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("version %d, %s: error %q does not say %q", version, name, err, w)
				}
			}
		}
		damage("renamed key", `"std_epsilon"`, `"xxxxxxxxxxn"`, `unknown key "xxxxxxxxxxn"`)
		damage("missing key", `"step":3,`, ``, "missing key step")
		damage("missing nested key", `"Channels":1}`, `"Channelz":1}`, "missing key data.Channels")
		if version >= 2 {
			damage("changed value", `"dcor_scale":32`, `"dcor_scale":92`, "SHA-256", "changed after it was written")
		}
	}
}

// TestCheckpointRequiredKeysFollowTheStruct checks that the required keys are read from the
// header struct's tags: the fields added after version 1 (omitempty) stay optional.
func TestCheckpointRequiredKeysFollowTheStruct(t *testing.T) {
	got := checkpointRequiredKeys(reflect.TypeFor[checkpointHeader]())
	for _, k := range []string{"format_version", "step", "config", "data", "history", "variables", "data_sha256"} {
		if !slices.Contains(got, k) {
			t.Errorf("required keys %v lack %q", got, k)
		}
	}
	for _, k := range []string{"monitors", "train_seconds"} {
		if slices.Contains(got, k) {
			t.Errorf("required keys %v hold the optional %q", got, k)
		}
	}
	// A field added to the header after version 1 must be optional (omitempty): the checkpoints
	// written before it lack it and must still load.
	version1 := []string{"format_version", "step", "config", "data", "history", "variables", "data_sha256"}
	for _, k := range got {
		if !slices.Contains(version1, k) {
			t.Errorf("header key %q is required (its field has no omitempty) but checkpoints of version 1 lack it: make it omitempty", k)
		}
	}
	if got := checkpointRequiredKeys(reflect.TypeFor[checkpointData]()); !slices.Equal(got, []string{"name", "len", "Height", "Width", "Channels"}) {
		t.Errorf("data keys %v", got)
	}
}

// TestCheckpointVariableSizesAreCheckedFirst gives variables whose dims claim 10¹² elements, a
// negative dimension or bytes past the end: each is refused before anything is allocated.
func TestCheckpointVariableSizesAreCheckedFirst(t *testing.T) {
	const n = 64
	for _, tc := range []struct {
		cv   checkpointVariable
		want string
	}{
		{checkpointVariable{DType: "Float32", Dims: []int{1_000_000, 1_000_000}, Length: 4e12}, "expected them within the 64 data bytes"},
		{checkpointVariable{DType: "Float32", Dims: []int{1_000_000, 1_000_000}, Length: 16}, "need more than the 64 data bytes"},
		{checkpointVariable{DType: "Float32", Dims: []int{-4, -1}, Length: 16}, "negative dimension"},
		{checkpointVariable{DType: "Float32", Dims: []int{4}, Offset: 1 << 62, Length: 1 << 62}, "within the 64 data bytes"},
		{checkpointVariable{DType: "Float32", Dims: []int{4}, Offset: 8, Length: 8}, "expected 16 bytes for Float32[4]"},
		{checkpointVariable{DType: "InvalidDType", Dims: []int{4}, Length: 16}, "expected a float, integer or bool dtype"},
	} {
		header := &checkpointHeader{Variables: []checkpointVariable{tc.cv}}
		err := restoreVariables(nil, "big.mvmr", header, make([]byte, n))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "big.mvmr") {
			t.Errorf("%+v: error %v; want one naming the file and saying %q", tc.cv, err, tc.want)
		}
	}
}
