"""Peer for `npm run bench`: PyTorch (CPU, one thread) training the paper net on the same rows.
Usage: python3 torch_train.py X.npy y.npy nTrain batch seconds -> prints {"epochsPerSecond": ...}"""
import json, sys, time
import numpy as np
import torch

X = torch.from_numpy(np.load(sys.argv[1]).astype(np.float32))
y = torch.from_numpy(np.load(sys.argv[2]).astype(np.int64))
n_train, batch, budget = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
torch.set_num_threads(1)
torch.manual_seed(0)
widths = [12, 10, 7, 5, 4, 3]
layers = []
for a, b in zip(widths, widths[1:]):
    layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
net = torch.nn.Sequential(*layers, torch.nn.Linear(3, 2))
opt = torch.optim.Adam(net.parameters(), lr=4e-4)
loss_fn = torch.nn.CrossEntropyLoss()
Xt, yt = X[:n_train], y[:n_train]

def epoch():
    perm = torch.randperm(n_train)
    for s in range(0, n_train, batch):
        idx = perm[s:s + batch]
        opt.zero_grad()
        loss_fn(net(Xt[idx]), yt[idx]).backward()
        opt.step()

for _ in range(20):
    epoch()
rates = []
for _ in range(5):
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < budget / 5:
        epoch(); n += 1
    rates.append(n / (time.perf_counter() - t0))
print(json.dumps({"epochsPerSecond": sorted(rates)[2], "torch": torch.__version__}))
