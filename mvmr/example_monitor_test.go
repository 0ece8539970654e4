package mvmr_test

import (
	"fmt"
	"log"
	"math"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/nn"
)

// zNormMonitor records the mean Euclidean norm of z on a fixed held-out batch every Every steps,
// as the built-in monitors read their held-out images: through the step's view only.
type zNormMonitor struct {
	Every  int
	images []float32 // normalised held-out images, NHWC
	n      int
}

// Observe implements mvmr.Monitor.
func (m *zNormMonitor) Observe(v mvmr.StepView) (map[string]float64, error) {
	if (v.Step()+1)%int64(m.Every) != 0 {
		return nil, nil
	}
	z, dim, err := v.Embeddings(m.images, m.n)
	if err != nil {
		return nil, err
	}
	var sum float64
	for i := range m.n {
		var sq float64
		for _, x := range z[i*dim : (i+1)*dim] {
			sq += float64(x) * float64(x)
		}
		sum += math.Sqrt(sq)
	}
	return map[string]float64{"z_norm/mean": sum / float64(m.n)}, nil
}

// A custom monitor: the mean norm of z on 64 held-out digits after every second step, recorded in
// the trainer's History beside the loss terms.
func ExampleMonitor() {
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		log.Fatal(err)
	}
	config := mvmr.DefaultConfig(4)
	config.BatchSize = 32
	config.Optimizer.WarmupSteps = 2
	config.Encoder = nn.EncoderConfig{Channels: []int{4, 8}, Strides: []int{2, 2}, Head: nn.HeadFlatten, Projector: "32-16"}
	trainer, err := mvmr.NewTrainer(config, train.Subset(256))
	if err != nil {
		log.Fatal(err)
	}
	defer trainer.Close()

	heldOut := test.Subset(64)
	size := heldOut.ImageSize()
	images := make([]float32, heldOut.Len()*size)
	for i := range heldOut.Len() {
		heldOut.Normalize(images[i*size:(i+1)*size], i)
	}
	trainer.AddMonitor(&zNormMonitor{Every: 2, images: images, n: heldOut.Len()})
	if err := trainer.Train(4); err != nil {
		log.Fatal(err)
	}

	history := trainer.History()
	norms := history.Series("z_norm/mean")
	for i, step := range history.Steps() {
		if !math.IsNaN(norms[i]) && norms[i] > 0 {
			fmt.Printf("step %d: z_norm/mean recorded\n", step)
		}
	}
	// Output:
	// step 1: z_norm/mean recorded
	// step 3: z_norm/mean recorded
}
