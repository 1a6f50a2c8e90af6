"""The outside oracle: writes test/fixtures/oracle.json from PyTorch and NumPy, which
test/oracle.test.ts compares infoplane's wasm core against (no Python at test time).

  - the paper net 12-10-7-5-4-3-2 (tanh, softmax output, mean cross-entropy in nats) with fixed
    float32 weights on 256 fixed rows: the loss and every gradient of the first mini-batch;
  - one epoch of plain SGD and one of Adam (PyTorch's, beta 0.9/0.999, eps 1e-8) over a fixed batch
    order (batches of 32 = consecutive slices of `order`): the weights after it, and the training
    loss and accuracy of all rows after it;
  - the binned MI (bench/peers/binned_mi.py, the reference code's rules) of the hidden layers of the
    trained net, and of two matrices (1 and 2 units) made of edge cases (values on the edges, +-1, beyond, -0).

Regenerate: /usr/bin/python3 bench/peers/oracle_fixture.py [OUT]   (Debian's python3-torch, python3-numpy)
The output depends only on the seeds here; rerunning gives the same file."""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from binned_mi import binned_mi  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "test", "fixtures", "oracle.json")
WIDTHS = [12, 10, 7, 5, 4, 3, 2]
ROWS, BATCH, SGD_LR, ADAM_LR = 256, 32, 0.5, 0.01

torch.set_num_threads(1)
rng = np.random.RandomState(20170315)
X = rng.randint(0, 2, size=(ROWS, 12)).astype(np.float32)
y = ((X @ np.linspace(-1, 1, 12) + 0.5 * X[:, 1] * X[:, 7] - 0.25) > 0).astype(np.int64)
order = rng.permutation(ROWS).astype(np.int64)
W0 = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32) for i, o in zip(WIDTHS, WIDTHS[1:])]
b0 = [(0.1 * rng.standard_normal(o)).astype(np.float32) for o in WIDTHS[1:]]


def net_from(W, b):
    layers = []
    for l, (w, c) in enumerate(zip(W, b)):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(c))
        layers.append(lin)
        if l < len(W) - 1:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def linears(net):
    return [m for m in net if isinstance(m, torch.nn.Linear)]


def params_of(net):
    return {"W": [m.weight.detach().numpy().ravel().tolist() for m in linears(net)],
            "b": [m.bias.detach().numpy().tolist() for m in linears(net)]}


Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

# loss and gradients of the first mini-batch at the fixed weights
net = net_from(W0, b0)
first = torch.from_numpy(order[:BATCH])
loss = torch.nn.functional.cross_entropy(net(Xt[first]), yt[first])
loss.backward()
grads = {"loss": float(loss), "dW": [m.weight.grad.numpy().ravel().tolist() for m in linears(net)],
         "db": [m.bias.grad.numpy().tolist() for m in linears(net)]}


def one_epoch(make_opt):
    net = net_from(W0, b0)
    opt = make_opt(net.parameters())
    for s in range(0, ROWS, BATCH):
        idx = torch.from_numpy(order[s:s + BATCH])
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(Xt[idx]), yt[idx]).backward()
        opt.step()
    with torch.no_grad():
        logits = net(Xt)
        after = {"loss": float(torch.nn.functional.cross_entropy(logits, yt)),
                 "acc": float((logits.argmax(1) == yt).double().mean())}
    return net, {**params_of(net), **after}


sgd_net, sgd = one_epoch(lambda p: torch.optim.SGD(p, lr=SGD_LR))
_, adam = one_epoch(lambda p: torch.optim.Adam(p, lr=ADAM_LR, betas=(0.9, 0.999), eps=1e-8))

# binned MI of the trained net's hidden layers (all rows), and of edge cases
hidden = []
with torch.no_grad():
    h = Xt
    for m in sgd_net:
        h = m(h)
        if isinstance(m, torch.nn.Tanh):
            hidden.append(h.numpy().copy())
edges = np.linspace(-1, 1, 30).astype(np.float32)
special = np.array([-1.5, -1.0, -0.0, 0.0, 1.0, 1.5, np.nextafter(np.float32(1), np.float32(0))], dtype=np.float32)
pool = np.concatenate([edges, np.nextafter(edges, np.float32(2)), np.nextafter(edges, np.float32(-2)), special])
edge_cases = [(f"edges{k}", pool[rng.randint(0, len(pool), size=(ROWS, k))].astype(np.float32)) for k in (1, 2)]
mi = []
for name, a in [(f"L{l + 1}", a) for l, a in enumerate(hidden)] + edge_cases:
    ixt, ity, _ = binned_mi(a, y)
    mi.append({"name": name, "units": a.shape[1], "values": a.ravel().tolist(), "ixt": ixt, "ity": ity})

fixture = {
    "about": "written by bench/peers/oracle_fixture.py from PyTorch and NumPy; read by test/oracle.test.ts",
    "torch": torch.__version__, "numpy": np.__version__,
    "widths": WIDTHS, "rows": ROWS, "batch": BATCH, "sgdLr": SGD_LR, "adamLr": ADAM_LR,
    "X": X.astype(int).ravel().tolist(), "y": y.tolist(), "order": order.tolist(),
    "W0": [w.ravel().tolist() for w in W0], "b0": [c.tolist() for c in b0],
    "firstBatch": grads, "sgdEpoch": sgd, "adamEpoch": adam, "mi": mi,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")
