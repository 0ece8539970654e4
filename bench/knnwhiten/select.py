"""Chooses the number of PCA-whitened components of the quickstart's kNN (mvmr.KNNWhitenDims) on a
validation split, never on the test set: MNIST's first 50 000 training images are the kNN's memory
and the last 10 000 its queries; features h exported by main.go. Weighted kNN as mvmr/knn.go
(cosine, votes exp(sim/T)), whitening as mvmr/whiten.go (exact float64 eigen-decomposition here).

    /usr/bin/python3 bench/knnwhiten/select.py /tmp/knnx/s1 [test]

With "test" it scores the test split with all 60 000 training images instead (to report, not to
choose). Result of 2026-12-03 (seed 1, 1500-step quickstart) in bench/recipe-search/README.md.
"""
import sys

import numpy as np


def load(folder, split):
    return np.load(f"{folder}/{split}/h.npy").astype(np.float32), np.load(f"{folder}/{split}/labels.npy")


def knn(tr, ytr, te, yte, k=20, temperature=0.07, block=1000):
    tr = tr / np.maximum(np.linalg.norm(tr, axis=1, keepdims=True), 1e-12)
    te = te / np.maximum(np.linalg.norm(te, axis=1, keepdims=True), 1e-12)
    hits = 0
    for lo in range(0, len(te), block):
        sims = te[lo:lo + block] @ tr.T
        idx = np.argpartition(-sims, k, axis=1)[:, :k]
        top = np.take_along_axis(sims, idx, 1)
        votes = np.zeros((len(idx), int(ytr.max()) + 1))
        for c in range(votes.shape[1]):
            votes[:, c] = (np.exp(top / temperature) * (ytr[idx] == c)).sum(1)
        hits += (votes.argmax(1) == yte[lo:lo + block]).sum()
    return 100 * hits / len(te)


def whiten(tr, te, dims, eps=1e-6):
    mean = tr.mean(0, dtype=np.float64)
    xc = tr - mean
    values, vectors = np.linalg.eigh(xc.T.astype(np.float64) @ xc.astype(np.float64) / (len(tr) - 1))
    values, vectors = values[::-1][:dims], vectors[:, ::-1][:, :dims]
    proj = (vectors / np.sqrt(np.maximum(values, 0) + eps * values[0])).astype(np.float32)
    return xc @ proj, (te - mean).astype(np.float32) @ proj


def main():
    folder = sys.argv[1]
    tr, ytr = load(folder, "train")
    if len(sys.argv) > 2 and sys.argv[2] == "test":
        te, yte = load(folder, "test")
    else:
        tr, ytr, te, yte = tr[:50000], ytr[:50000], tr[50000:], ytr[50000:]
    print(f"raw: kNN k=20 {knn(tr, ytr, te, yte):.2f} %")
    for dims in (64, 128, 256, 384, 512, 1024):
        a, b = whiten(tr, te, dims)
        print(f"whitened to {dims}: kNN k=20 {knn(a, ytr, b, yte):.2f} %", flush=True)


if __name__ == "__main__":
    main()
