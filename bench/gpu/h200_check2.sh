#!/bin/bash
# GPU check 2 for issue 7: bfloat16 mixed precision and TF32-matched fp32, ResNet-50 B=256 96x96.
cd "$(dirname "$0")"
exec > >(tee "$OUT/log2.txt") 2>&1
date -u; nvidia-smi -L
SP=$(python3 -c "import site; print(site.getsitepackages()[0])")
PLUGIN=$(find "$SP/jax_plugins" -name 'xla_cuda_plugin.so' | head -1)
mkdir -p /tmp/pj/lib && ln -sf "$PLUGIN" /tmp/pj/lib/pjrt_c_api_cuda_plugin.so && ln -sfn "$SP/nvidia" /tmp/pj/nvidia
export PATH="/usr/local/cuda/bin:$PATH" XLA_FLAGS="--xla_gpu_cuda_data_dir=/usr/local/cuda"
export LD_LIBRARY_PATH="$(find "$SP/nvidia" -maxdepth 3 -name lib -type d | tr '\n' ':')$LD_LIBRARY_PATH"
export PJRT_PLUGIN_LIBRARY_PATH=/tmp/pj/lib
R="-arch resnet50 -small-kernel -batch 256 -size 96 -channels 3"
T="--arch resnet50 --small-kernel --batch 256 --size 96 --channels 3 --warmup 3 --steps 10"
GOMLX_BACKEND=xla:cuda timeout 110 ./mvmr-xla bench $R -precision bfloat16 -warmup 2 -steps 8 2>&1 | tee $OUT/go_bf16.txt
timeout 40 python3 torch_step.py $T --amp bf16 --channels-last 2>&1 | tee $OUT/torch2.txt
timeout 40 python3 torch_step.py $T --tf32 2>&1 | tee -a $OUT/torch2.txt
GOMLX_BACKEND=xla:cuda,tf32=false timeout 110 ./mvmr-xla bench $R -warmup 2 -steps 8 2>&1 | tee $OUT/go_fp32_notf32.txt
timeout 30 python3 torch_step.py $T --amp bf16 2>&1 | tee -a $OUT/torch2.txt
date -u
