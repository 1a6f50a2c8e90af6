"""Binned mutual information by the reference code's rules (ravidziv/IDNNs), in plain NumPy: the
independent computation infoplane's tests compare against (the oracle fixture, the Python loggers).

Edges: linspace(lo, hi, nbins) computed in float64 and rounded to float32; a float32 value v goes to
cell digitize(v, edges) - 1, so v >= edges[-1] has its own top cell nbins - 1, and -1 (v < edges[0])
wraps to that top cell as the reference's Python indexing does (NaN lands there too). A row's
pattern is its tuple of cells. I(X;T) = H(T) - H(T|X) (= H(T) when the input rows are distinct),
I(T;Y) = H(T) - sum_y p(y) H(T|Y=y), in bits."""
import numpy as np


def edges(lo=-1.0, hi=1.0, nbins=30):
    return np.linspace(lo, hi, nbins).astype(np.float32)


def cells(a, e):
    """a: [rows][units]; cell index per value (int64)."""
    c = np.digitize(np.asarray(a, dtype=np.float32), e) - 1
    c[c < 0] = len(e) - 1
    return c


def entropy_of_groups(ids):
    """Entropy in bits of the empirical distribution of the integer ids."""
    _, counts = np.unique(ids, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))


def conditional_entropy(t, groups):
    """H(T | G) = sum_g p(g) H(T | G = g) for pattern ids t and group ids per row."""
    h = 0.0
    for g in np.unique(groups):
        m = groups == g
        h += m.mean() * entropy_of_groups(t[m])
    return h


def binned_mi(a, y, x=None, lo=-1.0, hi=1.0, nbins=30):
    """(I(X;T), I(T;Y), H(T)) of layer activations a [rows][units] with labels y [rows] and, if
    given, inputs x [rows][inputs] (rows with equal inputs are one x)."""
    c = cells(a, edges(lo, hi, nbins))
    _, t = np.unique(c, axis=0, return_inverse=True)
    t = t.reshape(-1)
    h = entropy_of_groups(t)
    if x is None:
        hx = 0.0
    else:
        _, xs = np.unique(np.asarray(x), axis=0, return_inverse=True)
        hx = conditional_entropy(t, xs.reshape(-1))
    return h - hx, h - conditional_entropy(t, np.asarray(y).reshape(-1)), h
