#!/usr/bin/python3
"""One MV-MR training step in PyTorch, the same step `mvmr bench` and `go test -bench` time in Go.

Encoders: "cnn" (the quickstart encoder: 3x3 stride-2 convs 32-64-128 + BN + ReLU, flattened h,
projector 512-512) or torchvision's resnet18 / resnet50 (defined here, since Debian's python3-torch
has no torchvision; zero_init_residual, optional small_kernel stem), projector Linear(no bias)-BN-ReLU
... Linear(no bias). Loss: mse(z_orig, z) + std hinge on both + (1 - dCor(z_orig/32, z/32)), and with
--reps image,std the quickstart's representation terms (1 - dCor(image/32, z/32)) and
(1 - dCor(std3x3(image), z/32)) as in BenchmarkTrainStep; Adam, random inputs (timing only).
Prints the median seconds per step. --dcor instead times distance correlation forward + backward
(B=256, D=2048), as BenchmarkDistanceCorrelation.

Debian: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread
CPU:    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/torch_step.py --arch resnet18 --batch 128 --size 32 --channels 3
        ... bench/torch_step.py --reps image,std --steps 10      # BenchmarkTrainStep (quickstart, every loss term)
        ... bench/torch_step.py --dcor                           # BenchmarkDistanceCorrelation
GPU:    python3 bench/torch_step.py --device cuda --arch resnet50 --small-kernel --batch 256 --size 96 --channels 3
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def dcor(x, z):  # the official DistanceCorrelation.forward
    def pdist(a):
        r = torch.sum(a * a, 1).reshape(-1, 1)
        d = r - 2 * a @ a.t() + r.t()
        return torch.sqrt(torch.clamp(d, min=1e-4))
    n = x.shape[0]
    a, b = pdist(x), pdist(z)
    A = a - a.mean(1) - a.mean(0).unsqueeze(1) + a.mean()
    B = b - b.mean(1) - b.mean(0).unsqueeze(1) + b.mean()
    cov = torch.sqrt((A * B).mean() / n ** 2)
    vx = torch.sqrt((A * A).mean() / n ** 2)
    vy = torch.sqrt((B * B).mean() / n ** 2)
    return cov / torch.sqrt(vx * vy)


def std_filter(im):  # the official std_filter_torch with a 3x3 box and reflect borders
    p = F.pad(im, (1, 1, 1, 1), mode="reflect")
    mu = F.avg_pool2d(p, 3, 1)
    mu2 = F.avg_pool2d(p * p, 3, 1)
    return torch.sqrt(torch.clamp(mu2 - mu * mu + 1e-8, min=0))


def time_dcor(a):  # BenchmarkDistanceCorrelation: forward + backward w.r.t. both inputs
    x = torch.randn(256, 2048, device=a.device, requires_grad=True)
    y = torch.randn(256, 2048, device=a.device, requires_grad=True)
    times = []
    for i in range(a.warmup + a.steps):
        t = time.perf_counter()
        d = dcor(x, y)
        torch.autograd.grad(d, (x, y))
        if i >= a.warmup:
            times.append(time.perf_counter() - t)
    times.sort()
    print(f"pytorch {torch.__version__} {a.device} threads={torch.get_num_threads()}: dCor forward+backward (256x2048) "
          f"median {times[len(times) // 2] * 1000:.1f} ms (min {times[0] * 1000:.1f}, max {times[-1] * 1000:.1f}, {a.steps} runs)")


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        nn.init.zeros_(self.bn2.weight)
        self.down = None
        if stride != 1 or cin != planes:
            self.down = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.down is None else self.down(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, 4 * planes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(4 * planes)
        nn.init.zeros_(self.bn3.weight)
        self.down = None
        if stride != 1 or cin != 4 * planes:
            self.down = nn.Sequential(nn.Conv2d(cin, 4 * planes, 1, stride, bias=False), nn.BatchNorm2d(4 * planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (x if self.down is None else self.down(x)))


def resnet(arch, channels, small_kernel):
    block, blocks = {"resnet18": (BasicBlock, [2, 2, 2, 2]), "resnet50": (Bottleneck, [3, 4, 6, 3])}[arch]
    stem = nn.Conv2d(channels, 64, 3, 1, 1, bias=False) if small_kernel else nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
    layers = [stem, nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, (n, planes) in enumerate(zip(blocks, [64, 128, 256, 512])):
        for j in range(n):
            layers.append(block(cin, planes, 2 if (i > 0 and j == 0) else 1))
            cin = planes * block.expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), cin


def cnn(channels, size):
    layers, cin = [], channels
    for c in (32, 64, 128):
        layers += [nn.Conv2d(cin, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
        cin = c
        size = (size - 1) // 2 + 1
    return nn.Sequential(*layers, nn.Flatten()), 128 * size * size


class Encoder(nn.Module):
    def __init__(self, backbone, h_dim, projector):
        super().__init__()
        self.backbone = backbone
        sizes = [h_dim] + [int(w) for w in projector.split("-")]
        layers = []
        for i in range(len(sizes) - 2):
            layers += [nn.Linear(sizes[i], sizes[i + 1], bias=False), nn.BatchNorm1d(sizes[i + 1]), nn.ReLU(inplace=True)]
        layers.append(nn.Linear(sizes[-2], sizes[-1], bias=False))
        self.projector = nn.Sequential(*layers)

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", default="cnn", choices=["cnn", "resnet18", "resnet50"])
    p.add_argument("--small-kernel", action="store_true")
    p.add_argument("--projector", default="")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--size", type=int, default=28)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--amp", default="", choices=["", "bf16", "fp16"], help="autocast dtype (official configs: fp16)")
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--tf32", action="store_true", help="allow TF32 in matmuls and convolutions (XLA's default)")
    p.add_argument("--reps", default="", help="representation terms: empty, or image,std (the quickstart's)")
    p.add_argument("--dcor", action="store_true", help="time dCor forward + backward (B=256, D=2048) instead")
    a = p.parse_args()
    reps = [r for r in a.reps.split(",") if r]
    for r in reps:
        if r not in ("image", "std"):
            p.error(f"--reps {a.reps}: unknown representation {r!r}; expected image and/or std")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.dcor:
        time_dcor(a)
        return
    if a.device == "cuda":
        torch.backends.cudnn.benchmark = True  # as the official code sets
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    if a.arch == "cnn":
        backbone, h_dim = cnn(a.channels, a.size)
        projector = a.projector or "512-512"
    else:
        backbone, h_dim = resnet(a.arch, a.channels, a.small_kernel)
        projector = a.projector or "8192-8192-8192"
    enc = Encoder(backbone, h_dim, projector).to(a.device)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    enc = enc.to(memory_format=fmt)
    opt = torch.optim.Adam(enc.parameters(), lr=1e-3, weight_decay=1e-6)
    orig = torch.randn(a.batch, a.channels, a.size, a.size, device=a.device).to(memory_format=fmt)
    aug = torch.randn(a.batch, a.channels, a.size, a.size, device=a.device).to(memory_format=fmt)
    amp = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(a.amp)
    scaler = torch.amp.GradScaler(a.device) if a.amp == "fp16" else None

    def step():
        with torch.autocast(a.device, dtype=amp, enabled=amp is not None):
            _, z = enc(aug)
            _, z_orig = enc(orig)
            zs, zos = z / 32, z_orig / 32  # the official fp16 trick
            loss = F.mse_loss(z_orig, z)
            loss = loss + F.relu(1 - z.std(0)).mean() + F.relu(1 - z_orig.std(0)).mean()
            loss = loss + 1 - dcor(zos, zs)
            if "image" in reps:
                loss = loss + 1 - dcor(orig.flatten(1) / 32, zs)
            if "std" in reps:
                loss = loss + 1 - dcor(std_filter(orig).flatten(1), zs)
        opt.zero_grad(set_to_none=True)
        if scaler:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()
        return loss.item()  # waits for the device

    t0 = time.perf_counter()
    for _ in range(a.warmup):
        step()
    first = time.perf_counter() - t0
    times = []
    for _ in range(a.steps):
        t = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t)
    times.sort()
    med = times[len(times) // 2]
    print(f"pytorch {torch.__version__} {a.device} threads={torch.get_num_threads()} amp={a.amp or 'fp32'} tf32={a.tf32} "
          f"channels_last={a.channels_last} arch {a.arch} small_kernel={a.small_kernel} projector {projector} reps={a.reps or 'none'} "
          f"batch {a.batch} {a.size}x{a.size}x{a.channels}: warmup {first:.2f} s, median {med:.4f} s/step "
          f"(min {times[0]:.4f}, {a.steps} steps), {1 / med:.2f} steps/s, {a.batch / med:.1f} images/s, loss {loss:.4f}")


if __name__ == "__main__":
    main()
