"""Peer for `npm run bench`: numpy computing the same binned MI (reference semantics, np.unique over
rows) for every layer of one logged epoch.
Usage: python3 numpy_mi.py acts.npz y.npy seconds -> prints {"msPerLoggedEpoch": ...}"""
import json, sys, time
import numpy as np

acts = np.load(sys.argv[1])
layers = [acts[k] for k in sorted(acts.files, key=lambda k: int(k[1:]))]  # [rows][width] float32
y = np.load(sys.argv[2])
budget = float(sys.argv[3])
edges = np.linspace(-1, 1, 30).astype(np.float32)

def entropy(counts):
    p = counts / counts.sum()
    return -np.sum(p * np.log2(p))

def mi_layer(a):
    t = edges[np.digitize(a, edges) - 1]
    _, inv, cnt = np.unique(t, axis=0, return_inverse=True, return_counts=True)
    h = entropy(cnt)
    hty = 0.0
    for c in np.unique(y):
        m = y == c
        hty += m.mean() * entropy(np.unique(inv[m], return_counts=True)[1])
    return h, h - hty

def logged_epoch():
    return [mi_layer(a) for a in layers]

result = logged_epoch()
times = []
t_end = time.perf_counter() + budget
while time.perf_counter() < t_end or len(times) < 3:
    t0 = time.perf_counter(); logged_epoch(); times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"msPerLoggedEpoch": times[len(times) // 2] * 1e3, "numpy": np.__version__,
                  "ixt": [r[0] for r in result], "ity": [r[1] for r in result]}))
