#!/usr/bin/env python3
"""Write the CLIP teacher table of an official CLIP config (configs/*_clip_self_supervised.yaml).

There is no CLIP in Go: `mvmr train` on a config with a clip section reads CLIP's embeddings of
the training images from an .npy table, (N, D) float32, row i the embedding of image i of the
kit's training split in the kit's order. This script computes it as the official
CLIPSelfSupervisedModule does (src/model/clip_self_supervised_module.py, step):

    im_orig = ValTransform(name, size)(image)              # ToTensor + Normalize (data set stats);
                                                           # ImageNet: Resize(256) + CenterCrop(224)
    im_orig = F.interpolate(im_orig, size=(224, 224), mode='bilinear', align_corners=False)
    clip_z  = open_clip.create_model(model_name, pretrained).visual(im_orig)

and saves clip_z unscaled (the kit divides by 32, as the official code does). The images are
read in the kit's order: STL-10 train+unlabeled is the 5 000 labelled training images then the
100 000 unlabelled ones (torchvision's order); CIFAR the training batches in file order; an image
folder its sorted class folders, each with its sorted file names (with a subset file: the file's
class order). --limit N keeps the first N images, as dataset.limit does.

Needs torch, torchvision and open_clip (pip install open_clip_torch). UNTESTED in the kit's
repository: open_clip is not installable there. Check a table against the kit with a few images
before a long run: `mvmr train` refuses a table whose row count differs from the split's.

Usage (the command `mvmr train` prints when the file is missing):
    python3 scripts/clip_teacher.py --model ViT-B-16 --pretrained laion400m_e32 \
        --dataset stl10 --split train+unlabeled --data-path ./data --out clip-...npy
"""

import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

IMAGENET_STATS = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
CIFAR_STATS = {"mean": [0.491, 0.482, 0.447], "std": [0.247, 0.243, 0.261]}
STATS = {"stl10": IMAGENET_STATS, "cifar10": CIFAR_STATS, "cifar20": CIFAR_STATS, "cifar100": CIFAR_STATS,
         "imagenet": IMAGENET_STATS, "folder": IMAGENET_STATS}


def val_transform(name):
    """The official ValTransform."""
    stats = STATS[name]
    steps = []
    if name in ("imagenet", "folder"):
        steps = [transforms.Resize(256), transforms.CenterCrop(224)]
    steps += [transforms.ToTensor(), transforms.Normalize(mean=stats["mean"], std=stats["std"])]
    return transforms.Compose(steps)


def open_split(name, split, path, subset_file):
    """The kit's training split, in the kit's order."""
    trans = val_transform(name)
    if name == "stl10":
        return datasets.STL10(path, split=split, download=False, transform=trans)
    if name in ("cifar10", "cifar100", "cifar20"):
        cls = datasets.CIFAR10 if name == "cifar10" else datasets.CIFAR100  # cifar20: CIFAR-100's images
        return cls(path, train=split == "train", download=False, transform=trans)
    if name in ("imagenet", "folder"):
        root = os.path.join(path, split) if os.path.isdir(os.path.join(path, split)) else path
        ds = datasets.ImageFolder(root, transform=trans)
        if subset_file:
            wanted = [line.split()[0] for line in open(subset_file) if line.strip()]
            order = {c: i for i, c in enumerate(wanted)}
            keep = [i for i, (p, _) in enumerate(ds.samples) if os.path.basename(os.path.dirname(p)) in order]
            keep.sort(key=lambda i: (order[os.path.basename(os.path.dirname(ds.samples[i][0]))], ds.samples[i][0]))
            return Subset(ds, keep)
        return ds
    raise SystemExit(f"clip_teacher.py: dataset {name!r}; expected one of {', '.join(STATS)}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="open_clip model name (the config's clip.model_name)")
    p.add_argument("--pretrained", required=True, help="open_clip pretrained tag (clip.pretrained)")
    p.add_argument("--dataset", required=True, help="dataset.name")
    p.add_argument("--split", default="train", help="dataset.train_split (STL-10 official: train+unlabeled)")
    p.add_argument("--data-path", default="./data", help="the data set's folder")
    p.add_argument("--subset-file", default="", help="class subset file of an ImageNet subset")
    p.add_argument("--limit", type=int, default=0, help="keep the first N images (dataset.limit); 0: all")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--out", required=True, help="the .npy file to write")
    args = p.parse_args()

    import open_clip  # imported here so that --help works without it

    device = "cuda" if torch.cuda.is_available() else "cpu"
    clip = open_clip.create_model(args.model, pretrained=args.pretrained, device=device, jit=False).visual
    clip.eval().requires_grad_(False)

    ds = open_split(args.dataset, args.split, args.data_path, args.subset_file)
    if args.limit > 0:
        ds = Subset(ds, range(min(args.limit, len(ds))))
    rows = []
    with torch.no_grad():
        for im, _ in DataLoader(ds, batch_size=args.batch_size, shuffle=False, num_workers=4):
            im = F.interpolate(im.to(device), size=(224, 224), mode="bilinear", align_corners=False)
            rows.append(clip(im).float().cpu().numpy())
    table = np.concatenate(rows).astype(np.float32)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        np.save(f, table)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {table.shape[0]} images x {table.shape[1]} CLIP features")


if __name__ == "__main__":
    main()
