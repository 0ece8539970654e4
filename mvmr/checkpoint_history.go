package mvmr

import "github.com/mvmr-ssl/mvmr-go/mvmr/history"

// ReadCheckpointHistory returns the History and step a checkpoint holds (its loss components
// per step, as the resumed trainer's History would be) without building a trainer, loading data
// or restoring weights: for plotting a run that is still going on.
func ReadCheckpointHistory(path string) (*history.History, int64, error) {
	header, _, err := readCheckpoint(path)
	if err != nil {
		return nil, 0, err
	}
	header.History.Truncate(header.Step - 1)
	return header.History, header.Step, nil
}
