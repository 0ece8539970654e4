"""Writes autoaugment_golden.json: torchvision's AutoAugment/RandAugment ops applied to small PIL
images, and the op-space magnitudes, as references for datasets/augops_golden_test.go.

Run with Debian's python3 (python3-torchvision 0.14.1, python3-pil 9.4.0):

    /usr/bin/python3 datasets/testdata/autoaugment_golden.py > datasets/testdata/autoaugment_golden.json
"""
import json

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms.autoaugment import AutoAugment, RandAugment, _apply_op

rng = np.random.default_rng(3)


def smooth_rgb(h, w):
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 23 + y * 5) % 256, (y * 31 + 40) % 256, (x * y * 7 + 90) % 256], axis=-1)
    return img.astype(np.uint8)


images = {
    "rgb_random": ("RGB", rng.integers(0, 256, size=(7, 9, 3), dtype=np.uint8)),
    "rgb_smooth": ("RGB", smooth_rgb(8, 6)),
    "grey_narrow": ("L", rng.integers(60, 140, size=(6, 7), dtype=np.uint8)),
}
# An image large enough for Equalize to have a non-zero step.
images["grey_equalize"] = ("L", rng.binomial(255, 0.4, size=(24, 24)).astype(np.uint8))
images["rgb_equalize"] = ("RGB", rng.binomial(255, 0.6, size=(20, 20, 3)).astype(np.uint8))

# Magnitudes of the real bins (float32, as torchvision hands them to _apply_op) and a few others.
shear31, shear10 = torch.linspace(0.0, 0.3, 31), torch.linspace(0.0, 0.3, 10)
rot10 = torch.linspace(0.0, 30.0, 10)
ops = {
    "Identity": [0.0],
    "ShearX": [0.1, -0.3, 0.7, float(shear31[10]), -float(shear31[9]), float(shear10[4]), -float(shear10[9])],
    "ShearY": [0.2, -0.25, -float(shear31[10]), float(shear10[5]), float(shear10[8])],
    "TranslateX": [2.9, -1.5, 4.0],
    "TranslateY": [1.0, -3.7],
    "Rotate": [10.0, -10.0, 23.0, 90.0, -135.0, float(rot10[3]), -float(rot10[8]), 180.0],
    "Brightness": [0.3, -0.6, 0.9],
    "Color": [0.5, -0.7],
    "Contrast": [0.4, -0.5],
    "Sharpness": [0.9, -0.9, 0.3],
    "Posterize": [4.0, 6.0, 7.0, 8.0],
    "Solarize": [170.0, 0.0, 255.0, 113.33333587646484],
    "AutoContrast": [0.0],
    "Equalize": [0.0],
    "Invert": [0.0],
}

cases = []
for name, (mode, arr) in images.items():
    for op, mags in ops.items():
        if "equalize" in name and op not in ("Equalize", "AutoContrast", "Sharpness"):
            continue
        for mag in mags:
            for fill in (None, [10.0, 200.0, 30.0] if mode == "RGB" else [77.0]):
                if fill is not None and op not in ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"):
                    continue
                img = Image.fromarray(arr, mode)
                out = np.asarray(_apply_op(img, op, mag, InterpolationMode.NEAREST, fill))
                cases.append({"image": name, "op": op, "magnitude": mag, "fill": fill, "output": out.reshape(-1).tolist()})

spaces = []
for bins in (31, 10, 9):
    for w, h in ((32, 24), (96, 96)):
        # torchvision >= 0.13 passes image_size as (height, width).
        space = RandAugment()._augmentation_space(bins, (h, w))
        space.update({k: v for k, v in AutoAugment()._augmentation_space(bins, (h, w)).items() if k == "Invert"})
        for op, (mags, signed) in space.items():
            values = [float(m) for m in mags.reshape(-1).tolist()] if mags.ndim > 0 else []
            spaces.append({"bins": bins, "width": w, "height": h, "op": op, "signed": bool(signed), "values": values})

pictures = {name: {"height": arr.shape[0], "width": arr.shape[1], "channels": 1 if mode == "L" else 3,
                   "pix": arr.reshape(-1).tolist()} for name, (mode, arr) in images.items()}
json.dump({"versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "PIL": PIL.__version__},
           "images": pictures, "cases": cases, "spaces": spaces}, __import__("sys").stdout, separators=(",", ":"))
