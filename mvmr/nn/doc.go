// Package nn implements the layers of the MV-MR encoder on GoMLX, with the hand-written
// gradients that make them fast on the pure-Go backend. See details and examples in
// EncoderConfig (the backbone and projector a training Config describes) and Conv.
//
// Where to look:
//
//   - encoder.go: EncoderConfig, its Validate, Backbone (images → h) and Encode (h and z).
//   - resnet.go: torchvision's ResNet-18/50 and the CIFAR ResNet-8x4 (BasicBlock,
//     BottleneckBlock, the stem max pool), scopes named as torchvision's modules.
//   - conv.go, convgrad.go, col2im.go, convmode.go: the im2col convolution, its gradients, and
//     ParamConvMode (im2col or GoMLX's native Convolve).
//   - batchnorm.go, batchnorm_grad.go, batchnorm_groups.go: PyTorch's BatchNorm (momentum,
//     epsilon, running statistics), its fused backward with ReLU, and per-group statistics
//     (SetBatchNormGroups, the official multi-GPU training without SyncBatchNorm).
//   - linear.go, projector.go: nn.Linear as PyTorch initialises it, and the MLP projector.
//   - customgrad.go: withGradient (hand-written gradients from identities) and Relu.
//   - state.go: DeferStateUpdates and CommitStateUpdates, so that a training step whose loss is
//     not finite leaves the BatchNorm statistics as they were.
//   - precision.go, init.go: bfloat16 mixed precision and PyTorch's initialisations.
//   - onnx.go: EncoderConfig.ONNXGraph, the encoder in evaluation mode as a standard ONNX graph
//     (NCHW input, outputs h and z) built from trained weights.
//
// Variable names and scopes ("backbone/block_0/conv/weights", "layer1/0/bn1/running_mean", ...)
// are part of the checkpoint format: they must not change.
package nn
