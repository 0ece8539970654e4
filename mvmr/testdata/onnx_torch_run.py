"""Runs an ONNX model written by `mvmr export` node by node with PyTorch operations in float64:
an independent reading of the ONNX operators' semantics (padding, BatchNormalization in
inference mode, Flatten order, MatMul) for TestExportONNXMatchesTorch, next to onnx-gomlx's.

usage: /usr/bin/python3 onnx_torch_run.py MODEL.onnx IMAGES.npy OUT_PREFIX
IMAGES.npy holds the (N, C, H, W) input; each graph output NAME is written to OUT_PREFIX + NAME.npy.
Needs Debian's python3-onnx and python3-torch.
"""
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

model_path, images_path, prefix = sys.argv[1:4]
graph = onnx.load(model_path).graph
values = {t.name: torch.from_numpy(numpy_helper.to_array(t).astype(np.float64)) for t in graph.initializer}
values[graph.input[0].name] = torch.from_numpy(np.load(images_path).astype(np.float64))


def symmetric(pads):
    begin, end = pads[: len(pads) // 2], pads[len(pads) // 2 :]
    assert list(begin) == list(end), f"asymmetric pads {pads}"
    return tuple(begin)


for node in graph.node:
    a = {attr.name: onnx.helper.get_attribute_value(attr) for attr in node.attribute}
    x = [values[name] for name in node.input]
    op = node.op_type
    if op == "Conv":
        y = F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, stride=tuple(a.get("strides", (1, 1))),
                     padding=symmetric(a.get("pads", (0, 0, 0, 0))))
    elif op == "BatchNormalization":
        y = F.batch_norm(x[0], x[3], x[4], weight=x[1], bias=x[2], training=False, eps=a.get("epsilon", 1e-5))
    elif op == "Relu":
        y = F.relu(x[0])
    elif op == "Add":
        y = x[0] + x[1]
    elif op == "MaxPool":
        y = F.max_pool2d(x[0], tuple(a["kernel_shape"]), tuple(a.get("strides", (1, 1))),
                         padding=symmetric(a.get("pads", (0, 0, 0, 0))))
    elif op == "GlobalAveragePool":
        y = x[0].mean(dim=(2, 3), keepdim=True)
    elif op == "Flatten":
        axis = a.get("axis", 1)
        y = x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
    elif op == "Transpose":
        y = x[0].permute(*a["perm"])
    elif op == "MatMul":
        y = x[0] @ x[1]
    else:
        raise SystemExit(f"{model_path}: operator {op} is not handled by this reference")
    values[node.output[0]] = y

for out in graph.output:
    np.save(prefix + out.name + ".npy", values[out.name].numpy())
