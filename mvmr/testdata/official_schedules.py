"""Writes official_schedules.json: the learning rate of every optimizer update under the
official MV-MR schedulers (github.com/vkinakh/mv-mr at 7136f70,
src/model/self_supervised_module.py configure_optimizers), stepped as PyTorch Lightning steps
them: interval "step" once per optimizer update (every accumulate_grad_batches batches),
interval "epoch" at the end of each epoch.

Run with Debian's python3-torch (torch 1.13):
    /usr/bin/python3 mvmr/testdata/official_schedules.py /work/mvmr-official > mvmr/testdata/official_schedules.json
"""
import json
import sys

import torch

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/work/mvmr-official")
# The module file alone: src/model/__init__ imports modules that need pytorch_lightning.
import importlib.util
spec = importlib.util.spec_from_file_location(
    "sched", sys.path[0] + "/src/model/cosine_annealing_warmup_restarts_scheduler.py")
sched = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sched)


def run(case):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([p], lr=case["lr"])
    B, k, epochs = case["batches_per_epoch"], case["accumulate"], case["epochs"]
    if case["schedule"] == "warmup_cosine":
        # configure_optimizers: lengths in batches (len(train_dataloader)), min_lr 1e-6.
        s = sched.CosineAnnealingWarmupRestarts(opt, epochs * B, max_lr=case["lr"], min_lr=case["min_lr"],
                                                warmup_steps=case["warmup_epochs"] * B)
        interval = "step"
    elif case["schedule"] == "cosine":
        s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * B, eta_min=case["min_lr"])
        interval = "step"
    else:
        s = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=case["milestones"], gamma=case["gamma"])
        interval = "epoch"
    lrs = []
    for epoch in range(case["run_epochs"]):
        for batch in range(B):
            # Lightning steps the optimizer every k batches and on the epoch's last batch.
            if (batch + 1) % k == 0 or batch + 1 == B:
                lrs.append(opt.param_groups[0]["lr"])
                opt.step()
                if interval == "step":
                    s.step()
        if interval == "epoch":
            s.step()
    return dict(case, lrs=lrs)


cases = [
    dict(schedule="warmup_cosine", lr=1e-4, min_lr=1e-6, batches_per_epoch=5, accumulate=1, epochs=6,
         warmup_epochs=2, run_epochs=7),  # one epoch past the end: the restart
    dict(schedule="warmup_cosine", lr=2e-4, min_lr=1e-6, batches_per_epoch=6, accumulate=2, epochs=5,
         warmup_epochs=1, run_epochs=5),  # accumulation: the schedule counts updates
    dict(schedule="cosine", lr=1e-4, min_lr=1e-6, batches_per_epoch=5, accumulate=1, epochs=4, run_epochs=4),
    dict(schedule="cosine", lr=1e-4, min_lr=1e-6, batches_per_epoch=4, accumulate=4, epochs=3, run_epochs=3),
    dict(schedule="multistep", lr=0.1, batches_per_epoch=4, accumulate=2, epochs=6, milestones=[2, 4],
         gamma=0.1, run_epochs=6),
    dict(schedule="multistep", lr=1e-3, batches_per_epoch=3, accumulate=1, epochs=5, milestones=[1, 1, 3],
         gamma=0.5, run_epochs=5),
]
print(json.dumps({"torch": torch.__version__, "cases": [run(c) for c in cases]}, indent=1))
