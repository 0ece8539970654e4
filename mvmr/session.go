package mvmr

import (
	"errors"
	"io/fs"
	"os"

	"github.com/mvmr-ssl/mvmr-go/datasets"
)

// ResumeOrNew loads the trainer saved at path, or creates a new one from config when there is
// no file there yet. GoNB runs every notebook cell in a fresh process, so notebooks keep a run
// going from cell to cell by saving it at the end of a cell and resuming it in the next; the
// resumed run continues exactly (see Trainer.Save).
func ResumeOrNew(path string, config Config, data *datasets.Dataset) (*Trainer, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return NewTrainer(config, data)
	}
	return LoadTrainer(path, data)
}
