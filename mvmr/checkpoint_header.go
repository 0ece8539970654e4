package mvmr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// decodeCheckpointHeader decodes a checkpoint's JSON header strictly: an unknown key anywhere in
// it (a damaged key name), a missing required key (checkpointRequiredKeys) or bytes after the
// JSON object are errors naming the key. version is the file's format version; every version
// read so far has the same required keys, the fields added since version 1 being omitempty.
func decodeCheckpointHeader(raw []byte, version int) (*checkpointHeader, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if err := requireKeys("", keys, reflect.TypeFor[checkpointHeader]()); err != nil {
		return nil, err
	}
	for _, nested := range []struct {
		key string
		typ reflect.Type
	}{{"data", reflect.TypeFor[checkpointData]()}} {
		var sub map[string]json.RawMessage
		if err := json.Unmarshal(keys[nested.key], &sub); err != nil {
			return nil, fmt.Errorf("%s: expected a JSON object: %w", nested.key, err)
		}
		if err := requireKeys(nested.key+".", sub, nested.typ); err != nil {
			return nil, err
		}
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(keys["variables"], &entries); err != nil {
		return nil, fmt.Errorf("variables: expected a list of objects: %w", err)
	}
	for i, e := range entries {
		if err := requireKeys(fmt.Sprintf("variables[%d].", i), e, reflect.TypeFor[checkpointVariable]()); err != nil {
			return nil, err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var h checkpointHeader
	if err := dec.Decode(&h); err != nil {
		return nil, namedKeyError(err)
	}
	if dec.More() {
		return nil, errors.New("bytes after the header's JSON object")
	}
	if h.Version != version {
		return nil, fmt.Errorf("format_version %d but the file's prefix says version %d", h.Version, version)
	}
	return &h, nil
}

// namedKeyError rewords encoding/json's unknown-field error as the damage it means here.
func namedKeyError(err error) error {
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("unknown key %s (a damaged or foreign header)", name)
	}
	return err
}

// requireKeys checks that every required key of struct type t (checkpointRequiredKeys) is in
// keys; prefix names the object in the error.
func requireKeys(prefix string, keys map[string]json.RawMessage, t reflect.Type) error {
	var missing []string
	for _, k := range checkpointRequiredKeys(t) {
		if _, ok := keys[k]; !ok {
			missing = append(missing, prefix+k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing key %s (a damaged header)", strings.Join(missing, ", "))
	}
	return nil
}

// checkpointRequiredKeys are the JSON keys of struct type t whose fields are not omitempty, read
// from the struct tags (a field without a json tag is keyed by its name), so that a field added
// to the header is covered without a list to keep.
func checkpointRequiredKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || slices.Contains(strings.Split(opts, ","), "omitempty") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys = append(keys, name)
	}
	return keys
}
