#!/usr/bin/python3
"""The kit's MV-MR quickstart recipe in PyTorch, for time-to-accuracy side by side on the same CPU.

The recipe is the kit's `mvmr quickstart` (mvmr.QuickstartConfig), read from the Go code:

- encoder (mvmr/nn DefaultEncoderConfig): three 3x3 stride-2 pad-1 convolutions without bias, 32-64-128
  channels, each BatchNorm (momentum 0.1, eps 1e-5) + ReLU; h is the last 4x4x128 map flattened in the
  kit's height-width-channel order (2048-d); projector Linear(2048, 512, no bias)-BN-ReLU-Linear(512, 512,
  no bias). Convolutions kaiming_normal_(fan_out, relu), linears PyTorch's default (uniform 1/sqrt(in)).
- loss (mvmr/loss.go, dcor.go; the official formulas): mse(z_orig, z~) + std hinge (margin 1, unbiased std)
  on both + (1 - dCor(z_orig/32, z~/32)) + (1 - dCor(image/32, z~/32)) + (1 - dCor(std3x3(image), z~/32)),
  every weight 1, image = the normalised original view; the augmented view goes through the encoder first.
- augmentation of the second view (datasets/augment.go DefaultDigitAugment): a random resized crop (scale
  0.5-1, ratio 3/4-4/3, torchvision's get_params), rotation +-15 deg and translation +-10 %, composed into
  one affine map and sampled once bilinearly with black outside (as the kit; torchvision would resample
  twice); with p = 0.8 brightness then contrast jitter 0.4 (clamped to [0, 1]); always a 3x3 Gaussian blur
  with sigma in [0.1, 2] and reflect borders; then (x - 0.1307) / 0.3081. The first view is the original.
  Done on whole batches with affine_grid/grid_sample-style sampling (fast on 2 cores).
- optimizer (mvmr/optimizer.go): Adam lr 6e-3, weight decay 1e-6 (L2, every parameter), betas 0.9/0.999,
  eps 1e-8; linear warmup over min(50, steps/10) steps then a half cosine to 0 at `steps`.
- probes (mvmr/probe.go, knn.go): h in eval mode on the normalised original images. Linear: features
  standardised with the training rows' mean and population std (std <= 1e-6: column zeroed), zero-initialised
  logistic regression, AdamW lr 2e-3 weight decay 1e-4, batch 1000, 20 epochs, cosine over every step.
  kNN: cosine similarity, the k most similar training rows vote with exp(sim / 0.07), k = 20 and 200.
- before training the BatchNorm statistics are set by 30 training-mode passes over batches of original
  images (mvmr.CalibrateBatchNorm), as the quickstart does before probing the random encoder.

Modes:
  --check DIR   recompute one kit step (`go run ./bench/torchcmp step -out DIR`): the loss terms with the
                kit's weights and batch, compared within 1e-4, and their gradient (the fixture's update is plain
                SGD, so the kit's gradient is (before - after) / lr), within 2e-2 in relative L2 norm per tensor.
                Not tighter: a ReLU input within ~1e-5 of 0 can land on either side in two float32
                implementations, and one such flip moves every gradient below it by up to ~1 % of the
                tensor's largest element. Both float32 gradients are also compared with PyTorch in float64.
                Measured 2026-12-03, relative L2 distance to float64, largest over the tensors: seed 1,
                batch 64: PyTorch float32 4.8e-5, kit 2.1e-3 (one flip: block 2, y = -1.4e-5 in float64);
                seed 2, batch 256: PyTorch float32 3.9e-3, kit 5.7e-3.
  (default)     train for at most --steps steps or --budget seconds of training wall clock, evaluating at 0
                and every --every seconds of it (evaluation time not counted), writing --out CSV.

Data: `mvmr data export mnist -out DIR` (the kit's embedded MNIST as .npy). Debian's python3-torch 1.13,
python3-torchvision 0.14 (not needed here) and numpy; torch.set_num_threads(--threads, default 2).
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_step import dcor  # the official DistanceCorrelation.forward (clamp 1e-4), written once in bench/

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
DCOR_SCALE = 32
CALIBRATION_BATCHES = 30


# ---- loss: the official formulas (mvmr/dcor.go, loss.go) ----

def std_filter(im):
    """The official std_filter_torch: 3x3 box, reflect borders, sqrt(E[x^2] - E[x]^2 + 1e-8)."""
    p = F.pad(im, (1, 1, 1, 1), mode="reflect")
    mu = F.avg_pool2d(p, 3, 1)
    mu2 = F.avg_pool2d(p * p, 3, 1)
    return torch.sqrt(torch.clamp(mu2 - mu * mu + 1e-8, min=0))


def variance_hinge(z, margin=1.0):
    return F.relu(margin - z.std(0)).mean()


def loss_terms(model, orig, aug):
    """The kit's named loss terms (mvmr.Loss.Names order) for NCHW normalised views."""
    _, z_aug = model(aug)  # the augmented view first, as the official step and the kit
    _, z_orig = model(orig)
    zs = z_aug / DCOR_SCALE
    terms = {
        "mse": F.mse_loss(z_orig, z_aug),
        "std": variance_hinge(z_aug) + variance_hinge(z_orig),
        "dcor_zz": 1 - dcor(z_orig / DCOR_SCALE, zs),
    }
    with torch.no_grad():
        image = orig.flatten(1) / DCOR_SCALE
        std = std_filter(orig).flatten(1)
    terms["dcor/image"] = 1 - dcor(image, zs)
    terms["dcor/std"] = 1 - dcor(std, zs)
    terms["total"] = sum(terms.values())
    return terms


# ---- encoder (mvmr/nn) ----

class Encoder(nn.Module):
    def __init__(self, channels=(32, 64, 128), projector=(512, 512), size=28):
        super().__init__()
        layers, cin = [], 1
        for c in channels:
            conv = nn.Conv2d(cin, c, 3, 2, 1, bias=False)
            nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
            layers += [conv, nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
            cin = c
            size = (size - 1) // 2 + 1
        self.backbone = nn.Sequential(*layers)
        widths = [cin * size * size] + list(projector)
        proj = []
        for i in range(len(widths) - 1):
            proj.append(nn.Linear(widths[i], widths[i + 1], bias=False))
            if i < len(widths) - 2:
                proj += [nn.BatchNorm1d(widths[i + 1]), nn.ReLU(inplace=True)]
        self.projector = nn.Sequential(*proj)

    def features(self, x):
        # The kit flattens its NHWC map: height, width, channel order.
        return self.backbone(x).permute(0, 2, 3, 1).flatten(1)

    def forward(self, x):
        h = self.features(x)
        return h, self.projector(h)


def kit_parameter_map(model):
    """Maps the kit's variable paths to (torch tensor, converter from the kit's layout)."""
    out = {}
    convs = [m for m in model.backbone if isinstance(m, nn.Conv2d)]
    bns = [m for m in model.backbone if isinstance(m, nn.BatchNorm2d)]
    for i, (conv, bn) in enumerate(zip(convs, bns)):
        k, cin, cout = conv.kernel_size[0], conv.in_channels, conv.out_channels
        # kit [k*k*Cin, Cout], rows (row, column, channel) -> torch [Cout, Cin, k, k]
        out[f"/encoder/backbone/block_{i}/conv/weights"] = (
            conv.weight, lambda w, k=k, cin=cin, cout=cout: w.reshape(k, k, cin, cout).permute(3, 2, 0, 1))
        add_bn(out, f"/encoder/backbone/block_{i}/bn", bn)
    linears = [m for m in model.projector if isinstance(m, nn.Linear)]
    pbns = [m for m in model.projector if isinstance(m, nn.BatchNorm1d)]
    for i, lin in enumerate(linears):
        out[f"/encoder/projector/layer_{i}/weights"] = (lin.weight, lambda w: w.t())  # kit [in, out]
        if i < len(pbns):
            add_bn(out, f"/encoder/projector/layer_{i}/bn", pbns[i])
    return out


def add_bn(out, prefix, bn):
    same = lambda w: w  # noqa: E731
    out[prefix + "/gamma"] = (bn.weight, same)
    out[prefix + "/beta"] = (bn.bias, same)
    out[prefix + "/running_mean"] = (bn.running_mean, same)
    out[prefix + "/running_var"] = (bn.running_var, same)


def load_kit_weights(model, folder):
    """Returns {path: kit array} of folder/weights.json and copies the encoder's into model."""
    with open(os.path.join(folder, "weights.json")) as f:
        listing = json.load(f)
    arrays = {v["path"]: np.load(os.path.join(folder, v["file"])) for v in listing}
    with torch.no_grad():
        for path, (param, convert) in kit_parameter_map(model).items():
            if path not in arrays:
                sys.exit(f"{folder}: the kit's weights lack {path}")
            param.copy_(convert(torch.from_numpy(arrays[path])))
    return arrays


# ---- augmentation (datasets/augment.go DefaultDigitAugment), on whole batches ----

class DigitAugment:
    def __init__(self, seed, crop_scale=(0.5, 1.0), crop_ratio=(3 / 4, 4 / 3), max_rotation=15.0,
                 max_translate=0.1, jitter_prob=0.8, brightness=0.4, contrast=0.4, blur_sigma=(0.1, 2.0)):
        self.rng = np.random.default_rng(seed)
        self.crop_scale, self.crop_ratio = crop_scale, crop_ratio
        self.max_rotation, self.max_translate = max_rotation, max_translate
        self.jitter_prob, self.brightness, self.contrast = jitter_prob, brightness, contrast
        self.blur_sigma = blur_sigma

    def crop_params(self, n, height, width):
        """torchvision's RandomResizedCrop.get_params per image (10 tries, else the whole image)."""
        p = np.zeros((n, 4))
        p[:] = (0, 0, height, width)
        area = height * width
        lo, hi = math.log(self.crop_ratio[0]), math.log(self.crop_ratio[1])
        for i in range(n):
            for _ in range(10):
                target = area * self.rng.uniform(*self.crop_scale)
                ratio = math.exp(self.rng.uniform(lo, hi))
                w = round(math.sqrt(target * ratio))
                h = round(math.sqrt(target / ratio))
                if 0 < w <= width and 0 < h <= height:
                    p[i] = (self.rng.integers(0, height - h + 1), self.rng.integers(0, width - w + 1), h, w)
                    break
        return p

    def __call__(self, x):
        """x: [B, 1, H, W] float in [0, 1] -> augmented and normalised."""
        n, _, height, width = x.shape
        crop = torch.from_numpy(self.crop_params(n, height, width)).float()
        top, left, ch, cw = (crop[:, i].view(n, 1, 1) for i in range(4))
        theta = torch.from_numpy(self.rng.uniform(-self.max_rotation, self.max_rotation, n)).float().view(n, 1, 1) * math.pi / 180
        tx = torch.from_numpy(self.rng.uniform(-self.max_translate, self.max_translate, n)).float().view(n, 1, 1) * width
        ty = torch.from_numpy(self.rng.uniform(-self.max_translate, self.max_translate, n)).float().view(n, 1, 1) * height
        v, u = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32), indexing="ij")
        cx, cy = (width - 1) / 2, (height - 1) / 2
        dx, dy = u - cx - tx, v - cy - ty  # undo translation and rotation (datasets.WarpAffine)
        cos, sin = torch.cos(theta), torch.sin(theta)
        qx, qy = cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy
        sx = left + (qx + 0.5) * cw / width - 0.5
        sy = top + (qy + 0.5) * ch / height - 0.5
        grid = torch.stack([(2 * sx + 1) / width - 1, (2 * sy + 1) / height - 1], dim=-1)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

        jitter = torch.from_numpy(self.rng.uniform(size=n) < self.jitter_prob).view(n, 1, 1, 1)
        b = torch.from_numpy(self.rng.uniform(1 - self.brightness, 1 + self.brightness, n)).float().view(n, 1, 1, 1)
        c = torch.from_numpy(self.rng.uniform(1 - self.contrast, 1 + self.contrast, n)).float().view(n, 1, 1, 1)
        y = torch.clamp(x * b, 0, 1)
        m = y.mean(dim=(1, 2, 3), keepdim=True)
        y = torch.clamp((y - m) * c + m, 0, 1)
        x = torch.where(jitter, y, x)

        sigma = torch.from_numpy(self.rng.uniform(*self.blur_sigma, n)).float().view(n, 1, 1, 1)
        w = torch.exp(-torch.tensor([1.0, 0.0, 1.0]).view(1, 3, 1, 1) / (2 * sigma * sigma))  # [n, 3, 1, 1]
        w = w / w.sum(1, keepdim=True)
        p = F.pad(x, (1, 1, 0, 0), mode="reflect")
        x = w[:, 0:1] * p[..., :-2] + w[:, 1:2] * p[..., 1:-1] + w[:, 2:3] * p[..., 2:]
        p = F.pad(x, (0, 0, 1, 1), mode="reflect")
        x = w[:, 0:1] * p[..., :-2, :] + w[:, 1:2] * p[..., 1:-1, :] + w[:, 2:3] * p[..., 2:, :]
        return (x - MNIST_MEAN) / MNIST_STD


# ---- schedule (mvmr.OptimizerConfig.LearningRate) ----

def learning_rate(t, peak, warmup, total, min_lr=0.0):
    if t < warmup:
        factor = t / warmup
    else:
        progress = min((t - warmup) / (total - warmup), 1.0) if total > warmup else 1.0
        factor = 0.5 * (1 + math.cos(math.pi * progress))
    return min_lr + (peak - min_lr) * factor


# ---- probes (mvmr/probe.go, knn.go) ----

def linear_probe(xtr, ytr, xte, yte, seed, epochs=20, batch=1000, lr=2e-3, wd=1e-4):
    xtr64 = xtr.double()
    mean = xtr64.mean(0)
    var = torch.clamp((xtr64 * xtr64).mean(0) - mean * mean, min=0)
    std = var.sqrt()
    inv = torch.where(std > 1e-6, 1 / std, torch.zeros_like(std))
    mean, inv = mean.float(), inv.float()
    xtr, xte = (xtr - mean) * inv, (xte - mean) * inv
    classes = int(ytr.max()) + 1
    W = torch.zeros(classes, xtr.shape[1], requires_grad=True)
    b = torch.zeros(classes, requires_grad=True)
    opt = torch.optim.AdamW([W, b], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    batch = min(batch, xtr.shape[0])
    per_epoch = xtr.shape[0] // batch
    total = per_epoch * epochs
    g = torch.Generator().manual_seed(seed)
    t = 0
    for _ in range(epochs):
        order = torch.randperm(xtr.shape[0], generator=g)
        for s in range(per_epoch):
            rows = order[s * batch:(s + 1) * batch]
            t += 1
            for group in opt.param_groups:
                group["lr"] = learning_rate(t, lr, 0, total)
            loss = F.cross_entropy(xtr[rows] @ W.t() + b, ytr[rows])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    with torch.no_grad():
        return (torch.argmax(xte @ W.t() + b, 1) == yte).float().mean().item()


def knn(xtr, ytr, xte, yte, ks=(20, 200), temperature=0.07, block=256):
    xtr, xte = F.normalize(xtr, dim=1), F.normalize(xte, dim=1)
    classes = int(ytr.max()) + 1
    hits = {k: 0 for k in ks}
    for lo in range(0, xte.shape[0], block):
        sims = xte[lo:lo + block] @ xtr.t()
        top, idx = sims.topk(max(ks), dim=1)
        labels = ytr[idx]
        for k in ks:
            votes = torch.zeros(sims.shape[0], classes)
            votes.scatter_add_(1, labels[:, :k], torch.exp(top[:, :k].double() / temperature).float())
            hits[k] += (votes.argmax(1) == yte[lo:lo + block]).sum().item()
    return [hits[k] / xte.shape[0] for k in ks]


KNN_WHITEN_DIMS = 256  # mvmr.KNNWhitenDims
WHITEN_EPSILON = 1e-6  # mvmr's whitenEpsilon


def whiten(xtr, xte, dims=KNN_WHITEN_DIMS, eps=WHITEN_EPSILON):
    """PCA whitening fitted on the training features (mvmr/whiten.go): the leading dims
    eigenvectors of their covariance, each scaled by 1/sqrt(variance + eps * largest variance).
    Exact float64 eigen-decomposition here; the kit uses a subspace iteration (same components
    to ~1e-6 in its test against an exact decomposition)."""
    x = xtr.double()
    mean = x.mean(0)
    xc = x - mean
    cov = xc.t() @ xc / (x.shape[0] - 1)
    values, vectors = torch.linalg.eigh(cov)
    values, vectors = values.flip(0)[:dims], vectors.flip(1)[:, :dims]
    proj = vectors / torch.sqrt(values.clamp(min=0) + eps * values[0])
    return (xc @ proj).float(), ((xte.double() - mean) @ proj).float()


@torch.no_grad()
def encode(model, images):
    model.eval()
    out = [model.features(images[i:i + 500]) for i in range(0, images.shape[0], 500)]
    model.train()
    return torch.cat(out)


# ---- data ----

def load_split(folder, split):
    images = np.load(os.path.join(folder, f"{split}_images.npy"))  # uint8 [N, H, W, C]
    labels = np.load(os.path.join(folder, f"{split}_labels.npy"))
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(labels).long()


def normalise(u8):
    return (u8.float() / 255 - MNIST_MEAN) / MNIST_STD


# ---- modes ----

def check(folder, tol, grad_tol):
    """Recomputes one kit step: the loss terms with the kit's weights and batch, and their gradient."""
    model = Encoder()
    load_kit_weights(model, os.path.join(folder, "before"))
    orig = torch.from_numpy(np.load(os.path.join(folder, "original.npy"))).permute(0, 3, 1, 2).contiguous()
    aug = torch.from_numpy(np.load(os.path.join(folder, "augmented.npy"))).permute(0, 3, 1, 2).contiguous()
    with open(os.path.join(folder, "loss.json")) as f:
        kit = json.load(f)
    model.train()
    terms = loss_terms(model, orig, aug)
    worst = 0.0
    for name, value in terms.items():
        diff = abs(value.item() - kit[name])
        worst = max(worst, diff)
        print(f"{name:11s} torch {value.item():.6f}  kit {kit[name]:.6f}  |diff| {diff:.2e}")
    model.zero_grad()
    terms["total"].backward()
    reference = Encoder()  # float64, the independent reference for both float32 gradients
    load_kit_weights(reference, os.path.join(folder, "before"))
    reference = reference.double().train()
    loss_terms(reference, orig.double(), aug.double())["total"].backward()
    ref_grads = {path: p.grad for path, (p, _) in kit_parameter_map(reference).items() if p.grad is not None}
    ref_torch, ref_kit = 0.0, 0.0
    # The fixture's step is plain SGD: the kit's gradient is (before - after) / lr.
    after = load_kit_weights(Encoder(), os.path.join(folder, "after"))
    before = load_kit_weights(Encoder(), os.path.join(folder, "before"))
    grad_diff, worst_max, stat_diff = 0.0, 0.0, 0.0
    for path, (param, convert) in kit_parameter_map(model).items():
        if "running" in path:  # the kit's running statistics after both views' passes
            stat_diff = max(stat_diff, (param - convert(torch.from_numpy(after[path]))).abs().max().item())
            continue
        kit_grad = convert(torch.from_numpy((before[path].astype(np.float64) - after[path]) / kit["lr"])).float()
        rel = (torch.linalg.norm(param.grad - kit_grad) / torch.linalg.norm(param.grad)).item()
        worst_max = max(worst_max, ((param.grad - kit_grad).abs().max() / param.grad.abs().max()).item())
        grad_diff = max(grad_diff, rel)
        ref = ref_grads[path]
        ref_torch = max(ref_torch, (torch.linalg.norm(param.grad.double() - ref) / torch.linalg.norm(ref)).item())
        ref_kit = max(ref_kit, (torch.linalg.norm(kit_grad.double() - ref) / torch.linalg.norm(ref)).item())
    grad_ok = grad_diff <= grad_tol
    print(f"against the float64 gradient (relative L2, largest over the tensors): PyTorch float32 {ref_torch:.1e}, kit {ref_kit:.1e}")
    print(f"gradient of the total: largest ||torch - kit|| / ||torch|| over the parameter tensors {grad_diff:.1e} "
          f"(within {grad_tol:g}: {'yes' if grad_ok else 'NO'}; largest elementwise |torch - kit| / max|torch| "
          f"{worst_max:.1e}); BatchNorm running statistics within {stat_diff:.1e}")
    ok = worst <= tol
    print(f"loss terms within {tol:g}: {'yes' if ok else 'NO'} (largest difference {worst:.2e})")
    return 0 if ok and grad_ok else 1


def train_curve(a):
    torch.manual_seed(a.seed)
    train_u8, train_y = load_split(a.data, "train")
    test_u8, test_y = load_split(a.data, "test")
    probe_train, probe_train_y = normalise(train_u8[:a.probe_train]), train_y[:a.probe_train]
    probe_test, probe_test_y = normalise(test_u8[:a.probe_test]), test_y[:a.probe_test]
    model = Encoder()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-6)
    warmup = min(50, a.steps // 10)
    augment = DigitAugment(a.seed)
    n = train_u8.shape[0]
    rows = []

    def evaluate(step, trained):
        start = time.perf_counter()
        htr, hte = encode(model, probe_train), encode(model, probe_test)
        lin = linear_probe(htr, probe_train_y, hte, probe_test_y, a.seed, epochs=a.probe_epochs)
        k20, k200 = knn(htr, probe_train_y, hte, probe_test_y)
        wtr, wte = whiten(htr, hte)
        k20w, = knn(wtr, probe_train_y, wte, probe_test_y, ks=(20,))
        row = ["pytorch", str(a.seed), str(step), f"{trained:.4f}", f"{lin:.4f}", f"{k20:.4f}", f"{k200:.4f}",
               f"{time.perf_counter() - start:.4f}", f"{k20w:.4f}"]
        rows.append(row)
        print(",".join(row), flush=True)

    with torch.no_grad():  # the quickstart's BatchNorm calibration before probing the random encoder
        for k in range(CALIBRATION_BATCHES):
            idx = torch.arange(k * a.batch, (k + 1) * a.batch) % n
            model(normalise(train_u8[idx]))
    evaluate(0, 0.0)
    g = torch.Generator().manual_seed(a.seed)
    per_epoch = n // a.batch
    order = None
    trained, next_eval, step = 0.0, a.every, 0
    while step < a.steps and trained < a.budget:
        start = time.perf_counter()
        if step % per_epoch == 0:
            order = torch.randperm(n, generator=g)
        idx = order[(step % per_epoch) * a.batch:(step % per_epoch + 1) * a.batch]
        u8 = train_u8[idx]
        orig = normalise(u8)
        aug = augment(u8.float() / 255)
        step += 1
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, a.lr, warmup, a.steps)
        terms = loss_terms(model, orig, aug)
        opt.zero_grad(set_to_none=True)
        terms["total"].backward()
        opt.step()
        terms["total"].item()
        trained += time.perf_counter() - start
        if trained >= next_eval or step == a.steps or trained >= a.budget:
            evaluate(step, trained)
            while next_eval <= trained:
                next_eval += a.every
    with open(a.out + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["framework", "seed", "step", "train_seconds", "linear_top1", "knn20_top1", "knn200_top1", "eval_seconds",
                    "knn20w_top1"])
        w.writerows(rows)
    os.replace(a.out + ".tmp", a.out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", default="", help="folder written by `go run ./bench/torchcmp step`")
    p.add_argument("--tol", type=float, default=1e-4, help="--check: largest accepted |torch - kit| of a loss term")
    p.add_argument("--grad-tol", type=float, default=2e-2,
                   help="--check: largest accepted ||torch - kit|| / ||torch|| of a parameter tensor's gradient")
    p.add_argument("--data", default="", help="folder written by `mvmr data export mnist`")
    p.add_argument("--out", default="", help="CSV file to write")
    p.add_argument("--steps", type=int, default=300, help="steps of the schedule (the quickstart's 300)")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=6e-3, help="peak learning rate (mvmr.QuickstartLR)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--budget", type=float, default=240, help="training wall clock budget in seconds")
    p.add_argument("--every", type=float, default=30, help="evaluate every this many seconds of training")
    p.add_argument("--probe-train", type=int, default=60000)
    p.add_argument("--probe-test", type=int, default=10000)
    p.add_argument("--probe-epochs", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.check:
        sys.exit(check(a.check, a.tol, a.grad_tol))
    if not a.data or not a.out:
        p.error("training needs --data (mvmr data export mnist -out DIR) and --out FILE.csv")
    train_curve(a)


if __name__ == "__main__":
    main()
