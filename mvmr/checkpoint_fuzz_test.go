package mvmr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/mvmr-ssl/mvmr-go/internal/fuzzseed"
	"github.com/mvmr-ssl/mvmr-go/mvmr/history"
)

// smallCheckpoint is the header JSON and data bytes of a checkpoint of two variables and one
// monitor state, small enough to fuzz from.
func smallCheckpoint(t testing.TB, version int) (headerJSON, payload []byte) {
	payload = make([]byte, 16+8+4)
	for i := range payload {
		payload[i] = byte(i)
	}
	sum := sha256.Sum256(payload)
	h := checkpointHeader{
		Version: version, Step: 1, Config: QuickstartConfig(10), History: history.New(),
		Data: checkpointData{Name: "mnist", Len: 64, Height: 28, Width: 28, Channels: 1},
		Variables: []checkpointVariable{
			{Path: "/encoder/w", DType: "Float32", Dims: []int{2, 2}, Trainable: true, Offset: 0, Length: 16},
			{Path: "/optimizer/step", DType: "Int64", Dims: nil, Offset: 16, Length: 8},
		},
		Monitors:     map[string][]checkpointVariable{"online_probe": {{Path: "/probe/b", DType: "Float32", Dims: []int{1}, Offset: 24, Length: 4}}},
		DataSHA:      hex.EncodeToString(sum[:]),
		TrainSeconds: 1.5,
	}
	headerJSON, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return headerJSON, payload
}

// FuzzDecodeCheckpoint reads any header and data bytes as a checkpoint file of format version 1
// or 2, through the whole reader (checksums included), then decodes the header alone and checks
// its variables and monitor states against the data without the checksums (which a mutated
// input would rarely match): no panic, and no shape accepted that the data does not hold.
func FuzzDecodeCheckpoint(f *testing.F) {
	// The seeds are small (the config of all but the first left out, as a header may) so that the
	// fuzzer's minimisation of each new input stays short.
	var seeds []fuzzseed.Seed
	for _, v := range []int{1, 2} {
		header, payload := smallCheckpoint(f, v)
		name := "v" + string(rune('0'+v))
		if v == 1 {
			seeds = append(seeds,
				fuzzseed.Seed{Name: name + "_full_config", Values: []any{header, payload, uint8(v - 1)}},
				fuzzseed.Seed{Name: name + "_renamed_key", Values: []any{[]byte(strings.Replace(string(header), `"std_epsilon"`, `"xxxxxxxxxxn"`, 1)), payload, uint8(v - 1)}})
		}
		header = regexp.MustCompile(`"config":\{.*\},"data":`).ReplaceAll(header, []byte(`"config":{"seed":1},"data":`))
		seeds = append(seeds,
			fuzzseed.Seed{Name: name + "_small", Values: []any{header, payload, uint8(v - 1)}},
			fuzzseed.Seed{Name: name + "_huge_dims", Values: []any{[]byte(strings.Replace(string(header), `"dims":[2,2]`, `"dims":[1000000,1000000]`, 1)), payload, uint8(v - 1)}},
			fuzzseed.Seed{Name: name + "_truncated_data", Values: []any{header, payload[:10], uint8(v - 1)}},
		)
	}
	fuzzseed.Add(f, seeds...)
	f.Fuzz(func(t *testing.T, headerJSON, payload []byte, variant uint8) {
		version := 1 + int(variant%2)
		file := encodeCheckpointVersion(t, version, headerJSON, payload)
		if h, p, err := decodeCheckpoint("fuzz.mvmr", file); err != nil {
			if !strings.Contains(err.Error(), "fuzz.mvmr") {
				t.Fatalf("error %v does not name the file", err)
			}
		} else if h.History == nil || len(p) != len(payload) {
			t.Fatalf("decoded header without history or %d of %d data bytes", len(p), len(payload))
		}
		// A truncated file: never a panic.
		_, _, _ = decodeCheckpoint("fuzz.mvmr", file[:len(file)/2])
		h, err := decodeCheckpointHeader(headerJSON, version)
		if err != nil {
			return
		}
		if h.History == nil {
			h.History = history.New()
		}
		// The variables' shapes and bytes, as restoreVariableList checks them before it allocates
		// (the GoMLX store itself is left out: its finalizers make coverage vary from run to run,
		// which stalls the fuzzer's minimisation).
		check := func(field string, vars []checkpointVariable, data []byte) {
			for i, cv := range vars {
				shape, err := variableShape("fuzz.mvmr", field, i, cv, len(data))
				if err != nil {
					if !strings.Contains(err.Error(), "fuzz.mvmr") {
						t.Fatalf("error %v does not name the file", err)
					}
					continue
				}
				if shape.ByteSize() != cv.Length || cv.Offset+cv.Length > int64(len(data)) {
					t.Fatalf("%s[%d]: shape %s of %d bytes accepted for %d bytes at %d of %d", field, i, shape, shape.ByteSize(), cv.Length, cv.Offset, len(data))
				}
			}
		}
		check("variables", h.Variables, payload)
		saved := savedMonitorStates("fuzz.mvmr", h, payload)
		for _, key := range slices.Sorted(maps.Keys(saved.states)) {
			check("monitors."+key, saved.states[key], saved.payload)
		}
	})
}

// TestSmallCheckpointSeedDecodes checks that the fuzz seed is a valid checkpoint.
func TestSmallCheckpointSeedDecodes(t *testing.T) {
	for _, v := range []int{1, 2} {
		header, payload := smallCheckpoint(t, v)
		h, _, err := decodeCheckpoint("small.mvmr", encodeCheckpointVersion(t, v, header, payload))
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		if err := restoreVariables(model.NewStore(), "small.mvmr", h, payload); err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
	}
}
