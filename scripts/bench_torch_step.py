#!/usr/bin/python3
"""The quickstart training step and dCor in PyTorch, to time beside `go test -bench . ./mvmr`.

Same model and loss as mvmr.QuickstartConfig: 3x3 stride-2 convolutions 32-64-128 with BatchNorm
and ReLU on 28x28x1, h = the flattened 4x4x128 map, projector 2048-512(BN, ReLU)-512 without bias,
loss mse + std hinge + (1 - dCor(z/32, z~/32)) + (1 - dCor(image/32, z~/32)) + (1 - dCor(std3x3, z~/32)),
Adam. Random inputs (timing only).

Debian: apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread
Run:    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 scripts/bench_torch_step.py
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


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


def std_filter(im):  # std_filter_torch with a 3x3 box and reflect borders
    p = F.pad(im, (1, 1, 1, 1), mode="reflect")
    mu = F.avg_pool2d(p, 3, 1)
    mu2 = F.avg_pool2d(p * p, 3, 1)
    return torch.sqrt(torch.clamp(mu2 - mu * mu + 1e-8, min=0))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 1
        for c in (32, 64, 128):
            layers += [nn.Conv2d(cin, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
            cin = c
        self.backbone = nn.Sequential(*layers, nn.Flatten())
        self.projector = nn.Sequential(nn.Linear(2048, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(inplace=True),
                                       nn.Linear(512, 512, bias=False))

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def main():
    enc = Encoder()
    opt = torch.optim.Adam(enc.parameters(), lr=1e-3, weight_decay=1e-6)
    orig = torch.randn(256, 1, 28, 28)
    aug = torch.randn(256, 1, 28, 28)

    def step():
        _, z = enc(aug)
        _, z_orig = enc(orig)
        zs, zos = z / 32, z_orig / 32
        loss = F.mse_loss(z_orig, z)
        loss = loss + F.relu(1 - z.std(0)).mean() + F.relu(1 - z_orig.std(0)).mean()
        loss = loss + 1 - dcor(zos, zs)
        loss = loss + 1 - dcor(orig.flatten(1) / 32, zs)
        loss = loss + 1 - dcor(std_filter(orig).flatten(1), zs)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(10):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"pytorch {torch.__version__} threads={torch.get_num_threads()}: train step median {times[5]:.3f} s "
          f"(min {times[0]:.3f}, max {times[-1]:.3f})")

    # Distance correlation forward + backward, B=256, D=2048 (BenchmarkDistanceCorrelation).
    x = torch.randn(256, 2048, requires_grad=True)
    y = torch.randn(256, 2048, requires_grad=True)
    times = []
    for i in range(13):
        t = time.perf_counter()
        d = dcor(x, y)
        gx, gy = torch.autograd.grad(d, (x, y))
        if i >= 3:
            times.append(time.perf_counter() - t)
    times.sort()
    print(f"pytorch {torch.__version__} threads={torch.get_num_threads()}: dCor fwd+bwd (256x2048) median {times[5]*1000:.1f} ms "
          f"(min {times[0]*1000:.1f}, max {times[-1]*1000:.1f})")


if __name__ == "__main__":
    main()
