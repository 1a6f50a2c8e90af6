"""Peer for `npm run bench`: PyTorch (CPU) training Saxe et al.'s MNIST net 784-1024-20-20-20-10
(tanh, softmax output, cross-entropy), batch 128, plain SGD lr 1e-3, on the same rows as infoplane.
The thread count comes from the environment the caller sets (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS),
read before torch loads its BLAS. Reports which BLAS the process really loaded (Debian's PyTorch
links the generic libblas.so.3, which the alternatives system points at OpenBLAS or the reference
BLAS) next to what torch was built with.
Usage: python3 torch_mnist.py X.npy y.npy seconds -> prints {"samplesPerSecond": ..., "blas": ...}"""
import json
import os
import re
import sys
import time

import numpy as np
import torch

threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
torch.set_num_threads(threads)
X = torch.from_numpy(np.load(sys.argv[1]).astype(np.float32))
y = torch.from_numpy(np.load(sys.argv[2]).astype(np.int64))
budget = float(sys.argv[3])
torch.manual_seed(0)
widths = [784, 1024, 20, 20, 20]
layers = []
for a, b in zip(widths, widths[1:]):
    layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
net = torch.nn.Sequential(*layers, torch.nn.Linear(20, 10))
opt = torch.optim.SGD(net.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
n = X.shape[0]


def batches():
    """Mini-batches of shuffled epochs, forever (the timing below stops between batches, so a slow
    or oversubscribed run still ends within its time budget)."""
    while True:
        perm = torch.randperm(n)
        for s in range(0, n, 128):
            yield perm[s:s + 128]


def step(idx):
    opt.zero_grad()
    loss_fn(net(X[idx]), y[idx]).backward()
    opt.step()
    return len(idx)


stream = batches()
for _ in range(20):
    step(next(stream))
rates = []
for _ in range(5):
    t0, rows = time.perf_counter(), 0
    while time.perf_counter() - t0 < budget / 5:
        rows += step(next(stream))
    rates.append(rows / (time.perf_counter() - t0))


def loaded_blas():
    """The BLAS / LAPACK shared objects mapped into this process (after the training above)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if re.search(r"blas|lapack|mkl", os.path.basename(path)):
                libs.add(os.path.realpath(path))
    return sorted(libs)


built = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
libs = loaded_blas()
name = "OpenBLAS" if any("openblas" in p for p in libs) else "MKL" if any("mkl" in p for p in libs) \
    else "reference BLAS" if libs else "none found"
print(json.dumps({"samplesPerSecond": sorted(rates)[2], "threads": torch.get_num_threads(), "torch": torch.__version__,
                  "blas": name, "blasBuild": built.group(1) if built else None, "blasLibs": libs}))
