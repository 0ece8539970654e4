package mvmr

import (
	"errors"
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/distributed"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/core/tensors/dtensor"
	"github.com/gomlx/gomlx/ml/model"
)

// ParallelConfig is how a training step spreads its batch: over several devices (data
// parallel), and over how many groups the loss is computed.
//
// Two multi-GPU semantics exist, and they give different losses because the distance
// correlation, the variance hinge and BatchNorm are not means over samples:
//
//   - Global batch (Devices > 1, LossGroups ≤ 1): every device encodes its shard, and the loss
//     is the single-device loss of the whole batch: z is all-gathered before the distance
//     matrices and BatchNorm uses the statistics of the whole batch (SyncBatchNorm). This is
//     what this kit's data parallel computes, and a run on N devices is the run on one device
//     with the same batch_size.
//   - Per device, as the official code trains (PyTorch Lightning strategy='ddp', gpus=-1, no
//     sync_batchnorm, no all-gather): its batch_size is per GPU, each GPU computes MSE, the
//     hinge, every dCor and BatchNorm on its own batch_size images, and DDP averages the
//     gradients. LossGroups = N reproduces that on any number of devices: the batch (N ×
//     the official batch_size) is cut into N groups, each group has its own BatchNorm
//     statistics and its own loss, and the step minimises their mean. The running statistics
//     are those of group 0, as DDP broadcasts rank 0's buffers.
type ParallelConfig struct {
	// Devices is the number of devices the batch is split over (data parallel through XLA
	// AutoSharding); 0 or 1: one device. It needs a backend with that many devices (XLA with
	// several GPUs, see README "Several GPUs") and a batch_size divisible by it.
	Devices int `json:"devices,omitempty"`
	// LossGroups cuts the batch into that many equal groups with their own BatchNorm statistics
	// and loss, averaged: the official multi-GPU (DDP) loss with LossGroups GPUs of
	// batch_size/LossGroups images each. 0 or 1: one loss on the whole batch.
	LossGroups int `json:"loss_groups,omitempty"`
}

// Validate checks the settings against the batch size and returns an error naming the field.
func (c ParallelConfig) Validate(batchSize int) error {
	if c.Devices < 0 {
		return fmt.Errorf("parallel.devices = %d: expected an integer >= 0 (0 or 1: one device)", c.Devices)
	}
	if c.LossGroups < 0 {
		return fmt.Errorf("parallel.loss_groups = %d: expected an integer >= 0 (0 or 1: one loss on the whole batch)", c.LossGroups)
	}
	if d := c.Devices; d > 1 && batchSize%d != 0 {
		return fmt.Errorf("parallel.devices = %d: batch_size = %d must be a multiple of it (each device takes batch_size/devices images)", d, batchSize)
	}
	if k := c.groups(); k > 1 {
		if batchSize%k != 0 {
			return fmt.Errorf("parallel.loss_groups = %d: batch_size = %d must be a multiple of it", k, batchSize)
		}
		if batchSize/k < 2 {
			return fmt.Errorf("parallel.loss_groups = %d: each group needs at least 2 images (the std term and dCor), got batch_size/loss_groups = %d", k, batchSize/k)
		}
	}
	return nil
}

// groups is the number of loss groups (at least 1).
func (c ParallelConfig) groups() int { return max(1, c.LossGroups) }

// DataParallelAxis is the name of the device-mesh axis the batch is split along.
const DataParallelAxis = "data"

// ErrTooFewDevices is wrapped by the error of a trainer asked for more devices than its
// backend has.
var ErrTooFewDevices = errors.New("the backend has too few devices")

// dataParallel runs the training step on several devices with XLA AutoSharding: the step graph
// is the single-device one, every batch input is split along DataParallelAxis, the variables
// (weights, optimizer and BatchNorm state) are replicated, and Shardy inserts the collectives
// (the all-gather of z for dCor, the all-reduce of the gradients, the global BatchNorm
// statistics), so every op keeps its single-device meaning.
type dataParallel struct {
	mesh       *distributed.DeviceMesh
	batch      *distributed.ShardingSpec
	replicated *distributed.ShardingSpec
}

// newDataParallel checks that backend has devices devices and builds the mesh and the specs.
func newDataParallel(backend compute.Backend, devices int) (*dataParallel, error) {
	if have := backend.NumDevices(); have < devices {
		return nil, fmt.Errorf("parallel.devices = %d: backend %q has %d device(s): %w; data parallel needs XLA "+
			"with that many accelerators (build with -tags xla, GOMLX_BACKEND=xla:cuda), see README \"Several GPUs\"",
			devices, backend.Name(), have, ErrTooFewDevices)
	}
	mesh, err := distributed.NewDeviceMesh([]int{devices}, []string{DataParallelAxis})
	if err != nil {
		return nil, fmt.Errorf("parallel.devices = %d: device mesh: %w", devices, err)
	}
	batch, err := distributed.BuildSpec(mesh).S(DataParallelAxis).Done()
	if err != nil {
		return nil, fmt.Errorf("parallel.devices = %d: batch sharding: %w", devices, err)
	}
	return &dataParallel{mesh: mesh, batch: batch, replicated: distributed.NewReplicatedShardingSpec(mesh)}, nil
}

// configure makes exec run with AutoSharding: numInputs batch inputs split along the data axis
// and one replicated output.
func (p *dataParallel) configure(exec *model.Exec, numInputs int) error {
	specs := make([]*distributed.ShardingSpec, numInputs)
	for i := range specs {
		specs[i] = p.batch
	}
	exec.AutoSharding(p.mesh).WithInputShardingSpecs(specs...).WithOutputShardingSpecs(p.replicated)
	if err := exec.SetDefaultShardingSpec(p.replicated); err != nil {
		return fmt.Errorf("replicated variables: %w", err)
	}
	return nil
}

// run splits every input along its batch axis, one shard per device, executes exec and
// returns its (replicated) first output.
func (p *dataParallel) run(exec *model.Exec, inputs []*tensors.Tensor) (*tensors.Tensor, error) {
	args := make([]any, len(inputs))
	for i, x := range inputs {
		d, err := dtensor.ShardTensor(p.batch, x)
		if err != nil {
			return nil, fmt.Errorf("splitting step input %d (%s) over %d devices: %w", i, x.Shape(), p.mesh.NumDevices(), err)
		}
		args[i] = d
	}
	outputs, err := exec.DistributedExec(args...)
	if err != nil {
		return nil, err
	}
	return outputs[0].Merge()
}
