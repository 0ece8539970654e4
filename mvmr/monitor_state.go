package mvmr

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/gomlx/gomlx/ml/model"
)

// StatefulMonitor is a Monitor with state that must survive a checkpoint for its series to
// continue exactly (the online probe's head, its Adam moments and its running accuracy counts).
// The whole state lives in a model.Store: Trainer.Save writes its variables into the checkpoint
// beside the trainer's own, and a trainer loaded from that checkpoint sets them back into the
// store of the monitor with the same key, before the monitor's first Observe. A checkpoint without
// that key (written before monitor states were saved, or by a run without the monitor) leaves the
// monitor fresh, with a notice on the trainer's Progress (or standard error).
type StatefulMonitor interface {
	Monitor
	// StateKey names the state in checkpoints ("online_probe"). Monitors of the same key are
	// told apart by the order they were added in ("online_probe", "online_probe#2", ...).
	StateKey() string
	// StateStore returns the store that holds the whole state.
	StateStore() *model.Store
}

// savedMonitors is the monitor state of the checkpoint a trainer was loaded from.
type savedMonitors struct {
	path     string
	step     int64
	states   map[string][]checkpointVariable // by state key, offsets into payload
	payload  []byte                          // only the bytes of states
	resolved map[Monitor]bool                // monitors already restored or told they start fresh
}

// savedMonitorStates keeps a loaded checkpoint's monitor states (their bytes only) until the
// monitors are added.
func savedMonitorStates(path string, header *checkpointHeader, payload []byte) *savedMonitors {
	s := &savedMonitors{path: path, step: header.Step, states: map[string][]checkpointVariable{}, resolved: map[Monitor]bool{}}
	for _, key := range slices.Sorted(maps.Keys(header.Monitors)) {
		var vars []checkpointVariable
		for _, cv := range header.Monitors[key] {
			if cv.Offset < 0 || cv.Length < 0 || cv.Offset > int64(len(payload)) || cv.Length > int64(len(payload))-cv.Offset {
				vars = append(vars, cv) // restoreVariableList reports it
				continue
			}
			moved := cv
			moved.Offset = int64(len(s.payload))
			s.payload = append(s.payload, payload[cv.Offset:cv.Offset+cv.Length]...)
			vars = append(vars, moved)
		}
		s.states[key] = vars
	}
	return s
}

// keyedMonitor is a StatefulMonitor with its state key in one trainer.
type keyedMonitor struct {
	StatefulMonitor
	key string
}

// statefulMonitors returns the StatefulMonitors of t with their state keys, in the order added.
func (t *Trainer) statefulMonitors() []keyedMonitor {
	var out []keyedMonitor
	count := map[string]int{}
	for _, m := range t.monitors {
		sm, ok := m.(StatefulMonitor)
		if !ok {
			continue
		}
		key := sm.StateKey()
		count[key]++
		if count[key] > 1 {
			key = fmt.Sprintf("%s#%d", key, count[key])
		}
		out = append(out, keyedMonitor{sm, key})
	}
	return out
}

// saveMonitorStates appends the variables of every StatefulMonitor to payload and returns their
// entries by state key (nil when there is none). A state loaded from a checkpoint that its
// monitor has not taken yet (no step observed since the load) is saved as it was loaded.
func (t *Trainer) saveMonitorStates(payload *bytes.Buffer) (map[string][]checkpointVariable, error) {
	out := map[string][]checkpointVariable{}
	for _, m := range t.statefulMonitors() {
		if s := t.savedMonitors; s != nil && !s.resolved[m.StatefulMonitor] && t.Step() == s.step {
			if vars, ok := s.states[m.key]; ok {
				moved := slices.Clone(vars)
				for i, cv := range vars {
					moved[i].Offset = int64(payload.Len())
					payload.Write(s.payload[cv.Offset : cv.Offset+cv.Length])
				}
				out[m.key] = moved
				continue
			}
		}
		vars, err := appendVariables(payload, m.StateStore())
		if err != nil {
			return nil, fmt.Errorf("monitor %s: %w", m.key, err)
		}
		out[m.key] = vars
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// restoreMonitorStates sets, before their first Observe (of step, 0-based), the state of the
// StatefulMonitors of a trainer loaded from a checkpoint. A monitor whose state the checkpoint
// lacks starts fresh, with a notice; so does one first observing a later step than the
// checkpoint's (added after steps trained without it), whose saved state would be stale.
func (t *Trainer) restoreMonitorStates(step int64) error {
	s := t.savedMonitors
	if s == nil {
		return nil
	}
	for _, m := range t.statefulMonitors() {
		if s.resolved[m.StatefulMonitor] {
			continue
		}
		s.resolved[m.StatefulMonitor] = true
		vars, ok := s.states[m.key]
		if ok && step != s.step {
			fmt.Fprintf(t.warnWriter(), "note: monitor %s was added at step %d, after the step %d of %s: its saved state "+
				"is not used and it starts fresh\n", m.key, step, s.step, s.path)
			continue
		}
		if !ok {
			fmt.Fprintf(t.warnWriter(), "note: %s holds no state for monitor %s (a checkpoint written before monitor states "+
				"were saved, or by a run without that monitor): it starts fresh at step %d\n", s.path, m.key, s.step)
			continue
		}
		if err := restoreVariableList(m.StateStore(), s.path, "monitors."+m.key, vars, s.payload); err != nil {
			return err
		}
	}
	return nil
}
