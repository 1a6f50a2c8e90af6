"""Write an activation dump that `infoplane plane --dump DIR` reads. NumPy only: usable from any
framework (Keras, JAX, plain NumPy); the PyTorch helper (infoplane_torch.py) writes through it.

    from infoplane_dump import DumpWriter, log_epochs
    dump = DumpWriter("dump", labels=y_eval, inputs=x_eval, source="my Keras run")
    for epoch in range(n_epochs):
        if epoch in log_epochs(n_epochs):          # before training the epoch: epoch 0 = initial weights
            dump.write(epoch, {"dense1": a1, "dense2": a2})   # each [rows][units] on the fixed eval set
        ...train one epoch...
        dump.metrics(epoch, train_loss=loss, test_acc=acc)  # any subset of the four columns

Layout (DIR):
    dump.json                         {"format": "infoplane-dump/1", "layers": [...], "epochs": [...],
                                       "activations": "activations/e{epoch}_{layer}.npy", "labels": ...}
    activations/e{epoch}_{layer}.npy  float32 [rows][units], C order
    labels.npy                        int64 [rows]; inputs.npy float32 [rows][inputs] (optional)
    metrics.csv                       epoch,train_loss,train_acc,test_loss,test_acc (the columns given)

Every file is written under a temporary name and renamed, and dump.json is rewritten after each
epoch, so an interrupted run leaves a readable dump of the epochs written so far.
"""
import json
import math
import os
import re

import numpy as np

FORMAT = "infoplane-dump/1"
METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "softsign", "softplus", "softmax", "unknown")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def log_epochs(epochs, points=30):
    """Log-spaced epochs in [0, epochs): unique(floor(2 ** linspace(0, log2(epochs), points))) - 1,
    the schedule of `infoplane run --mi-schedule log:POINTS` (epoch 0 = the initial weights)."""
    if epochs < 1 or points < 1:
        raise ValueError(f"log_epochs: epochs ({epochs}) and points ({points}) must be >= 1")
    top, out = math.log2(epochs), []
    for i in range(points):
        e = math.floor(2 ** (0 if points == 1 else top * i / (points - 1))) - 1
        if e < epochs and (not out or out[-1] != e):
            out.append(e)
    return out


def _save_npy(path, array):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        np.save(f, array)
    os.replace(tmp, path)


def _save_text(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class DumpWriter:
    """Writes one run's dump into `out` (created; refuses a folder that already holds a dump).

    labels: integer class per row of the evaluation set [rows]; inputs: [rows][inputs] (optional,
    lets infoplane treat duplicate input rows as `run` does); layers: the layer names in order (else
    the keys of the first write, in their order); source: free text saying who wrote the dump;
    activation_functions: {layer: one of ACTIVATIONS} where known (adaptive binning's lowest edge
    depends on whether a layer is bounded below)."""

    def __init__(self, out, labels, inputs=None, layers=None, source="infoplane_dump.py", activation_functions=None):
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(f"labels: need one class per row, got shape {labels.shape}")
        if not np.issubdtype(labels.dtype, np.integer):
            if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
                raise ValueError("labels: need integer classes")
        if np.any(labels < 0):
            raise ValueError(f"labels: classes must be >= 0 (found {labels.min()})")
        if os.path.exists(os.path.join(out, "dump.json")):
            raise FileExistsError(f"{out}: already holds a dump; choose another folder")
        self.out, self.rows, self.source = out, labels.shape[0], str(source)
        self.layers = None if layers is None else [self._check_name(n) for n in layers]
        self.units = {}
        self.activation_functions = {self._check_name(k): str(v) for k, v in (activation_functions or {}).items()}
        bad = [f"{k}: {v}" for k, v in self.activation_functions.items() if v not in ACTIVATIONS]
        if bad:
            raise ValueError(f"activation_functions: {', '.join(bad)} (known: {', '.join(ACTIVATIONS)})")
        self.epochs = []
        self.metric_rows, self.metric_cols = [], None
        os.makedirs(os.path.join(out, "activations"), exist_ok=True)
        _save_npy(os.path.join(out, "labels.npy"), labels.astype(np.int64))
        self.has_inputs = inputs is not None
        if self.has_inputs:
            inputs = np.asarray(inputs, dtype=np.float32).reshape(self.rows, -1)
            _save_npy(os.path.join(out, "inputs.npy"), np.ascontiguousarray(inputs))
        self._write_json()

    @staticmethod
    def _check_name(name):
        name = str(name)
        if not _NAME.match(name):
            raise ValueError(f"layer name {name!r}: use letters, digits, '_', '.', '-' (it becomes part of a file name)")
        return name

    def write(self, epoch, activations):
        """activations: {layer name: array [rows][...]} of one epoch, every layer each time."""
        epoch = int(epoch)
        if self.epochs and epoch <= self.epochs[-1]:
            raise ValueError(f"epoch {epoch}: epochs must increase (last written: {self.epochs[-1]})")
        if epoch < 0:
            raise ValueError(f"epoch {epoch}: must be >= 0")
        names = [self._check_name(n) for n in activations]
        if self.layers is None:
            self.layers = names
        if sorted(names) != sorted(self.layers):
            raise ValueError(f"epoch {epoch}: layers {names}, expected {self.layers}")
        for name in self.layers:
            a = np.asarray(activations[name], dtype=np.float32)
            if a.ndim == 0 or a.shape[0] != self.rows:
                raise ValueError(f"epoch {epoch}, layer {name}: {a.shape[0] if a.ndim else 0} rows, the labels have {self.rows}")
            a = np.ascontiguousarray(a.reshape(self.rows, -1))
            if self.units.setdefault(name, a.shape[1]) != a.shape[1]:
                raise ValueError(f"epoch {epoch}, layer {name}: {a.shape[1]} units, earlier epochs had {self.units[name]}")
            _save_npy(os.path.join(self.out, "activations", f"e{epoch}_{name}.npy"), a)
        self.epochs.append(epoch)
        self._write_json()

    def metrics(self, epoch, **values):
        """One row of metrics.csv: any of train_loss, train_acc, test_loss, test_acc (the same ones each call)."""
        bad = [k for k in values if k not in METRICS]
        if bad:
            raise ValueError(f"metrics: unknown column(s) {bad}; use {list(METRICS)}")
        cols = [k for k in METRICS if k in values]
        if self.metric_cols is None:
            self.metric_cols = cols
        elif cols != self.metric_cols:
            raise ValueError(f"metrics at epoch {epoch}: columns {cols}, earlier rows had {self.metric_cols}")
        self.metric_rows.append([int(epoch)] + [float(values[k]) for k in cols])
        lines = [",".join(["epoch"] + cols)] + [",".join([str(r[0])] + [repr(v) for v in r[1:]]) for r in self.metric_rows]
        _save_text(os.path.join(self.out, "metrics.csv"), "\n".join(lines) + "\n")
        self._write_json()

    def _write_json(self):
        meta = {
            "format": FORMAT,
            "layers": self.layers or [],
            "epochs": self.epochs,
            "activations": "activations/e{epoch}_{layer}.npy",
            "labels": "labels.npy",
            "source": self.source,
        }
        if self.has_inputs:
            meta["inputs"] = "inputs.npy"
        if self.metric_cols is not None:
            meta["metrics"] = "metrics.csv"
        if self.activation_functions:
            meta["activationFunctions"] = self.activation_functions
        _save_text(os.path.join(self.out, "dump.json"), json.dumps(meta, indent=1) + "\n")

    def close(self):
        """Nothing is buffered (every call writes its files); kept for `with` and symmetry."""
        self._write_json()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
