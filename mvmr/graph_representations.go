package mvmr

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute"

	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// Values of Config.GraphRepresentations.
const (
	// GraphRepsAuto (the default, also "") computes in the graph the host representations that
	// have an exact graph form when the backend is XLA (an accelerator, where the step should
	// not wait for the host), on the host otherwise: the pure-Go backend keeps the host path,
	// which is faster there (BenchmarkHOGHostVsGraph).
	GraphRepsAuto = "auto"
	// GraphRepsOn computes every image representation in the graph; a representation computed
	// image by image on the host without a graph form is a config error.
	GraphRepsOn = "on"
	// GraphRepsOff computes host representations on the host, whatever the backend.
	GraphRepsOff = "off"
)

// checkGraphRepresentations validates the graph_representations value.
func checkGraphRepresentations(value string) error {
	switch value {
	case "", GraphRepsAuto, GraphRepsOn, GraphRepsOff:
		return nil
	}
	return fmt.Errorf("graph_representations = %q; expected %q, %q or %q", value, GraphRepsAuto, GraphRepsOn, GraphRepsOff)
}

// moveRepresentationsToGraph applies graph_representations (value) on backend to the loss's
// representations: it makes those with an exact graph form run in the step's graph when asked,
// and returns their names; with "on", a host representation without a graph form is an error
// naming it.
func moveRepresentationsToGraph(value string, backend compute.Backend, representations []*reps.Rep) ([]string, error) {
	if err := checkGraphRepresentations(value); err != nil {
		return nil, err
	}
	switch value {
	case GraphRepsOff:
		return nil, nil
	case "", GraphRepsAuto:
		if backend.Name() != "xla" {
			return nil, nil
		}
	}
	var moved, hostOnly []string
	for _, rep := range representations {
		if _, host := rep.Host(); !host {
			continue // in the graph already, or a whole-data-set (teacher) representation
		}
		if rep.RunInGraph() {
			moved = append(moved, rep.Name())
		} else {
			hostOnly = append(hostOnly, rep.Name())
		}
	}
	if value == GraphRepsOn && len(hostOnly) > 0 {
		return nil, fmt.Errorf("graph_representations = %q, but %s can only be computed on the host; use %q or %q",
			value, strings.Join(hostOnly, ", "), GraphRepsAuto, GraphRepsOff)
	}
	return moved, nil
}
