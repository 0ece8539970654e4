#!/bin/bash
# GPU check for issue 7: load the jax CUDA PJRT plugin through GoMLX's XLA backend, time
# ResNet-50 (B=256, 96x96) MV-MR training steps, and PyTorch on the same machine.
cd "$(dirname "$0")"
exec > >(tee "$OUT/log.txt") 2>&1
set -x
date -u; nvidia-smi -L
SP=$(python3 -c "import site; print(site.getsitepackages()[0])")
PLUGIN=$(find "$SP/jax_plugins" -name 'xla_cuda_plugin.so' | head -1)
ls -la "$SP/jax_plugins" "$(dirname "$PLUGIN")"
readelf -d "$PLUGIN" | grep -iE 'rpath|runpath'
# The plugin's RPATH points at site-packages/nvidia; go-xla looks for ../nvidia next to a plugin
# named pjrt_c_api_cuda_plugin.so: give it that layout.
mkdir -p /tmp/pj/lib && ln -sf "$PLUGIN" /tmp/pj/lib/pjrt_c_api_cuda_plugin.so && ln -sfn "$SP/nvidia" /tmp/pj/nvidia
LIBDEV=$(find "$SP/nvidia" /usr/local/cuda* -name 'libdevice.10.bc' 2>/dev/null | head -1)
PTXAS=$(find "$SP/nvidia" /usr/local/cuda* -name ptxas -type f 2>/dev/null | head -1)
echo "libdevice $LIBDEV ptxas $PTXAS"
[ -n "$PTXAS" ] && export PATH="$(dirname "$PTXAS"):$PATH"
[ -n "$LIBDEV" ] && export XLA_FLAGS="--xla_gpu_cuda_data_dir=$(dirname "$(dirname "$(dirname "$LIBDEV")")")"
export LD_LIBRARY_PATH="$(find "$SP/nvidia" -maxdepth 3 -name lib -type d | tr '\n' ':')$LD_LIBRARY_PATH"
export PJRT_PLUGIN_LIBRARY_PATH=/tmp/pj/lib
B=xla:cuda
# 1. load + small step (quickstart CNN, 28x28, B=256)
GOMLX_BACKEND=$B timeout 60 ./mvmr-xla bench -arch cnn -batch 256 -steps 10 2>&1 | tee $OUT/go_cnn.txt
if ! grep -q steps/s $OUT/go_cnn.txt; then
  echo "=== retry with the plugin's absolute path"
  B="xla:$PLUGIN"
  GOMLX_BACKEND=$B timeout 60 ./mvmr-xla bench -arch cnn -batch 256 -steps 10 2>&1 | tee $OUT/go_cnn_abs.txt
fi
# 2. ResNet-50 small_kernel, B=256, 96x96x3, projector 8192-8192-8192 (native conv on XLA)
GOMLX_BACKEND=$B timeout 150 ./mvmr-xla bench -arch resnet50 -small-kernel -batch 256 -size 96 -channels 3 -warmup 2 -steps 8 2>&1 | tee $OUT/go_resnet50.txt
# 3. PyTorch, same step
timeout 50 python3 torch_step.py --device cuda --arch resnet50 --small-kernel --batch 256 --size 96 --channels 3 --warmup 3 --steps 10 2>&1 | tee $OUT/torch_resnet50.txt
timeout 40 python3 torch_step.py --device cuda --arch resnet50 --small-kernel --batch 256 --size 96 --channels 3 --warmup 3 --steps 10 --amp fp16 --channels-last 2>&1 | tee -a $OUT/torch_resnet50.txt
timeout 15 python3 torch_step.py --device cuda --arch cnn --batch 256 --warmup 3 --steps 10 2>&1 | tee -a $OUT/torch_cnn.txt
# 4. im2col on the GPU, if time is left
MVMR_CONV=im2col GOMLX_BACKEND=$B timeout 45 ./mvmr-xla bench -arch resnet50 -small-kernel -batch 256 -size 96 -channels 3 -warmup 1 -steps 3 2>&1 | tee $OUT/go_resnet50_im2col.txt
date -u
