"""Test of the Python loggers (run by test/python.test.ts): train a tiny PyTorch net with
InfoplaneLogger, check the dump it wrote with NumPy alone (layout, dtypes, shapes, that the hooks saw
the layers' real outputs), check DumpWriter's refusals, and write the binned MI of every layer and
logged epoch computed by NumPy (bench/peers/binned_mi.py) to OUT/expected.json for the test to
compare with infoplane.

Usage: python3 python/test_loggers.py OUT     (writes OUT/dump and OUT/expected.json)"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "bench", "peers"))
from binned_mi import binned_mi  # noqa: E402
from infoplane_dump import DumpWriter, log_epochs  # noqa: E402
from infoplane_torch import InfoplaneLogger  # noqa: E402

out = sys.argv[1]
dump = os.path.join(out, "dump")
EPOCHS, POINTS = 80, 12
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


# data: all 4096 patterns of 12 bits (distinct rows, so I(X;T) = H(T)), labels by a fixed rule
torch.manual_seed(3)
x = torch.tensor([[(i >> b) & 1 for b in range(12)] for i in range(4096)], dtype=torch.float32)
y = ((x @ torch.linspace(-1, 1, 12)) + 0.3 * x[:, 0] * x[:, 5] > 0).long()

net = torch.nn.Sequential(torch.nn.Linear(12, 8), torch.nn.Tanh(), torch.nn.Linear(8, 5), torch.nn.Tanh(),
                          torch.nn.Linear(5, 2))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
log = InfoplaneLogger(net, {"h1": net[1], "h2": net[3]}, x, y, dump, epochs=EPOCHS, points=POINTS)
direct = {}
loss = float("nan")
for epoch in range(EPOCHS):
    with torch.no_grad():
        acc = float((net(x).argmax(1) == y).float().mean())
    log(epoch, train_loss=loss if epoch else 0.7, train_acc=acc)
    if epoch == log_epochs(EPOCHS, POINTS)[-1]:
        with torch.no_grad():  # the layers computed by hand, to check what the hooks saw
            direct = {"h1": torch.tanh(net[0](x)).numpy(), "h2": torch.tanh(net[2](torch.tanh(net[0](x)))).numpy()}
    net.train()
    for s in range(0, 4096, 256):
        idx = torch.randperm(4096)[:256]
        opt.zero_grad()
        lo = torch.nn.functional.cross_entropy(net(x[idx]), y[idx])
        lo.backward()
        opt.step()
        loss = float(lo)
log.close()

# the layout, read back with NumPy only
meta = json.load(open(os.path.join(dump, "dump.json")))
schedule = log_epochs(EPOCHS, POINTS)
check(meta["format"] == "infoplane-dump/1", f"format {meta['format']}")
check(meta["layers"] == ["h1", "h2"], f"layers {meta['layers']}")
check(meta["epochs"] == schedule, f"epochs {meta['epochs']} != {schedule}")
check(schedule[0] == 0 and len(schedule) >= 8, f"schedule {schedule}")
check(meta["activations"] == "activations/e{epoch}_{layer}.npy", "activations pattern")
check(meta.get("inputs") == "inputs.npy" and meta.get("metrics") == "metrics.csv", "inputs/metrics keys")
check(meta.get("activationFunctions") == {"h1": "tanh", "h2": "tanh"}, f"activationFunctions {meta.get('activationFunctions')}")
labels = np.load(os.path.join(dump, meta["labels"]))
check(labels.dtype == np.int64 and labels.shape == (4096,) and np.array_equal(labels, y.numpy()), "labels.npy")
inputs = np.load(os.path.join(dump, meta["inputs"]))
check(inputs.dtype == np.float32 and np.array_equal(inputs, x.numpy()), "inputs.npy")
units = {"h1": 8, "h2": 5}
expected = {"layers": meta["layers"], "epochs": meta["epochs"], "ixt": [], "ity": [], "trainLoss": [], "trainAcc": []}
for e in meta["epochs"]:
    row_ixt, row_ity = [], []
    for name in meta["layers"]:
        a = np.load(os.path.join(dump, meta["activations"].format(epoch=e, layer=name)))
        check(a.dtype == np.float32 and a.shape == (4096, units[name]) and a.flags.c_contiguous, f"e{e}_{name}: {a.dtype} {a.shape}")
        check(np.all(np.abs(a) <= 1), f"e{e}_{name}: tanh outside [-1, 1]")
        if e == schedule[-1]:
            check(np.array_equal(a, direct[name]), f"e{e}_{name}: the hook's output differs from the layer computed by hand")
        ixt, ity, _ = binned_mi(a, labels, inputs)
        row_ixt.append(ixt)
        row_ity.append(ity)
    expected["ixt"].append(row_ixt)
    expected["ity"].append(row_ity)
first = np.load(os.path.join(dump, "activations", f"e0_h1.npy"))
last = np.load(os.path.join(dump, "activations", f"e{schedule[-1]}_h1.npy"))
check(not np.array_equal(first, last), "the layers did not change during training")
metrics = open(os.path.join(dump, "metrics.csv")).read().splitlines()
rows = {int(line.split(",")[0]): [float(v) for v in line.split(",")[1:]] for line in metrics[1:]}
expected["trainLoss"] = [rows[e][0] for e in meta["epochs"]]
expected["trainAcc"] = [rows[e][1] for e in meta["epochs"]]
check(metrics[0] == "epoch,train_loss,train_acc", f"metrics header {metrics[0]}")
check(len(metrics) == EPOCHS + 1 and metrics[1].startswith("0,0.7,"), f"metrics rows {len(metrics)}: {metrics[:2]}")
check(not any(f.endswith(".tmp") or ".tmp-" in f for _, _, fs in os.walk(dump) for f in fs), "temporary files left")

# DumpWriter refuses what infoplane could not read, with one clear message each
w = DumpWriter(os.path.join(out, "bad"), labels=[0, 1, 1])
for bad, pattern in [
    (lambda: w.write(0, {"a b": np.zeros((3, 2))}), "layer name"),
    (lambda: w.write(0, {"a": np.zeros((4, 2))}), "rows"),
    (lambda: (w.write(1, {"a": np.zeros((3, 2))}), w.write(1, {"a": np.zeros((3, 2))})), "increase"),
    (lambda: w.write(2, {"a": np.zeros((3, 3))}), "units"),
    (lambda: w.write(3, {"b": np.zeros((3, 2))}), "layers"),
    (lambda: w.metrics(0, loss=1.0), "unknown column"),
    (lambda: DumpWriter(os.path.join(out, "bad"), labels=[0]), "already holds"),
    (lambda: DumpWriter(os.path.join(out, "bad2"), labels=[0.5, 1]), "integer"),
    (lambda: DumpWriter(os.path.join(out, "bad3"), labels=[0, 1], activation_functions={"a": "swish"}), "swish"),
]:
    try:
        bad()
        failures.append(f"no error for {pattern}")
    except (ValueError, FileExistsError) as e:
        check(pattern in str(e), f"message {e!r} lacks {pattern!r}")

json.dump(expected, open(os.path.join(out, "expected.json"), "w"))
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(json.dumps({"ok": True, "epochs": len(meta["epochs"]), "torch": torch.__version__, "numpy": np.__version__}))
