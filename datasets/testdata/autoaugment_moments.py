"""Writes autoaugment_moments.json: the per-value mean and mean square, over many draws, of
torchvision's RandAugment(num_ops=4, magnitude=10) and AutoAugment (ImageNet, CIFAR-10, SVHN)
applied to one small PIL image, as a reference for the policies' whole op mixture
(datasets/policy_moments_test.go).

    /usr/bin/python3 datasets/testdata/autoaugment_moments.py > datasets/testdata/autoaugment_moments.json
"""
import json
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.transforms import AutoAugment, AutoAugmentPolicy, RandAugment

DRAWS = 20000
torch.manual_seed(5)
y, x = np.mgrid[0:12, 0:12]
arr = np.stack([(x * 19 + y * 3 + 20) % 256, (y * 21 + x * 2 + 10) % 256, ((x - 6) ** 2 + (y - 6) ** 2) * 4 % 256], -1).astype(np.uint8)
img = Image.fromarray(arr, "RGB")
policies = {
    "randaugment": RandAugment(num_ops=4, magnitude=10),
    "imagenet": AutoAugment(AutoAugmentPolicy.IMAGENET),
    "cifar10": AutoAugment(AutoAugmentPolicy.CIFAR10),
    "svhn": AutoAugment(AutoAugmentPolicy.SVHN),
}
out = {"versions": {"torch": torch.__version__, "torchvision": torchvision.__version__},
       "draws": DRAWS, "height": 12, "width": 12, "channels": 3, "pix": arr.reshape(-1).tolist(), "moments": {}}
for name, t in policies.items():
    s1 = np.zeros(arr.size)
    s2 = np.zeros(arr.size)
    for _ in range(DRAWS):
        v = np.asarray(t(img), dtype=np.float64).reshape(-1)
        s1 += v
        s2 += v * v
    out["moments"][name] = {"mean": np.round(s1 / DRAWS, 4).tolist(), "meansq": np.round(s2 / DRAWS, 2).tolist()}
json.dump(out, sys.stdout, separators=(",", ":"))
