// Information under a known label model (docs/SCIENCE.md §3, §6). With labels drawn from
// p(y|x), a plug-in I(T;Y) on the one drawn label per row overstates what T says about Y, and can
// sit above the model's IB bound. Here a layer's binned partition T of the rows is combined with
// p(y=1|x) itself: p(y|t) = mean of p(y|x) over the rows in t, I(T;Y) = H(Y) - sum_t p(t) H(Y|t),
// which is what the bound of that p(x,y) limits. The same partition gives the IB self-consistency
// of the layer: the beta whose IB encoder p(t|x) ~ p(t) exp(-beta KL[p(y|x) || p(y|t)]) best
// explains the layer's own (deterministic) encoder, and the divergence that remains.
// Binning as the `bin` estimator's cells (assembly/entropy.ts): edges f32(linspace(lo, hi, bins)),
// digitize - 1, values below the first edge (and NaN) in the top cell; or floor(v / width).
// No Node imports.
import type { Binning } from '../config/config.js';

/** Cell ids 0..count-1 of every row, from one layer's f32 [unit][stride] activations. */
export function cellsOf(act: Float32Array, width: number, n: number, stride: number, b: Binning): { cells: Int32Array; count: number } {
  // the row's running code in base (bins + 1) while that stays exact in a double, else a string key
  const code = new Float64Array(n);
  const numeric = b.kind === 'edges' && (b.bins + 1) ** width < 2 ** 53;
  const keys: string[] | null = numeric ? null : new Array<string>(n).fill('');
  let edges: Float32Array | null = null, top = 0;
  if (b.kind === 'edges') {
    edges = new Float32Array(b.bins);
    const step = (b.hi - b.lo) / (b.bins - 1);
    for (let k = 0; k < b.bins; k++) edges[k] = k === b.bins - 1 ? b.hi : b.lo + k * step;
    top = b.bins - 1;
  }
  for (let u = 0; u < width; u++) {
    for (let i = 0; i < n; i++) {
      const v = act[u * stride + i];
      let c: number;
      if (edges) {
        if (!(v >= edges[0]) || v >= edges[top]) c = top;
        else { let a = 1, z = top; while (a < z) { const m = (a + z) >> 1; if (edges[m] <= v) a = m + 1; else z = m; } c = a - 1; }
      } else {
        c = Math.floor(v / (b as { width: number }).width);
        if (Number.isNaN(c)) c = -1e9;
      }
      if (keys) keys[i] += `${c},`;
      else code[i] = code[i] * (top + 2) + c;
    }
  }
  const ids = new Map<string | number, number>(), cells = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys ? keys[i] : code[i];
    let id = ids.get(k);
    if (id === undefined) { id = ids.size; ids.set(k, id); }
    cells[i] = id;
  }
  return { cells, count: ids.size };
}

const h2 = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));

/** H(T) and I(T;Y) in bits under p(y=1|x) = p1[row], rows equally likely (distinct inputs). */
export function modelInfo(cells: Int32Array, count: number, p1: Float64Array): { ixt: number; ity: number } {
  const n = cells.length, size = new Float64Array(count), ones = new Float64Array(count);
  let all = 0;
  for (let i = 0; i < n; i++) { size[cells[i]]++; ones[cells[i]] += p1[i]; all += p1[i]; }
  let hT = 0, hYgivenT = 0;
  for (let t = 0; t < count; t++) {
    const pt = size[t] / n;
    hT -= pt * Math.log2(pt);
    hYgivenT += pt * h2(ones[t] / size[t]);
  }
  return { ixt: hT, ity: h2(all / n) - hYgivenT };
}

/** Layers with more cells than this are skipped by the self-consistency fit (its cost is rows x cells per beta). */
export const SELF_CONSISTENCY_MAX_CELLS = 512;

export interface SelfConsistency {
  /** The beta that best explains the layer's encoder (NaN when skipped). */
  beta: number;
  /** Mean over rows of -log2 q_beta(t(x) | x): bits by which the layer's one-hot encoder departs
   *  from the IB encoder at that beta (0 = self-consistent). */
  divergence: number;
  /** Cells of the layer's partition. */
  cells: number;
}

/**
 * Fit beta on a log grid (2^-3 .. 2^12 in steps of 2^0.25, then a golden-section refinement):
 * q_beta(t|x) = p(t) 2^(-beta KL_xt) / Z_x with KL_xt = KL[p(y|x) || p(y|t)] in bits.
 */
export function selfConsistency(cells: Int32Array, count: number, p1: Float64Array): SelfConsistency {
  if (count > SELF_CONSISTENCY_MAX_CELLS) return { beta: NaN, divergence: NaN, cells: count };
  const n = cells.length, size = new Float64Array(count), ones = new Float64Array(count);
  for (let i = 0; i < n; i++) { size[cells[i]]++; ones[cells[i]] += p1[i]; }
  const logPt = new Float64Array(count), q1 = new Float64Array(count);
  for (let t = 0; t < count; t++) { logPt[t] = Math.log2(size[t] / n); q1[t] = Math.min(1 - 1e-12, Math.max(1e-12, ones[t] / size[t])); }
  // distinct p(y|x) values: rows with equal p1 share the KL row (the 12-bit task has few distinct scores)
  const rowsOf = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const r = rowsOf.get(p1[i]); if (r) r.push(i); else rowsOf.set(p1[i], [i]); }
  const groups = [...rowsOf.entries()].map(([p, rows]) => {
    const kl = new Float64Array(count);
    const a = Math.min(1 - 1e-12, Math.max(1e-12, p));
    for (let t = 0; t < count; t++) kl[t] = a * Math.log2(a / q1[t]) + (1 - a) * Math.log2((1 - a) / (1 - q1[t]));
    return { rows, kl };
  });
  const loss = (beta: number) => {
    let total = 0;
    for (const g of groups) {
      let mx = -Infinity;
      for (let t = 0; t < count; t++) mx = Math.max(mx, logPt[t] - beta * g.kl[t]);
      let z = 0;
      for (let t = 0; t < count; t++) z += 2 ** (logPt[t] - beta * g.kl[t] - mx);
      const logZ = mx + Math.log2(z);
      for (const i of g.rows) total += -(logPt[cells[i]] - beta * g.kl[cells[i]] - logZ);
    }
    return total / n;
  };
  let best = 0, bestLoss = Infinity;
  for (let e = -3; e <= 12; e += 0.25) { const l = loss(2 ** e); if (l < bestLoss) { bestLoss = l; best = e; } }
  let a = best - 0.25, b = best + 0.25;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 20; it++) {
    const c = b - g * (b - a), d = a + g * (b - a);
    if (loss(2 ** c) < loss(2 ** d)) b = d; else a = c;
  }
  const beta = 2 ** ((a + b) / 2), divergence = Math.min(bestLoss, loss(beta));
  return { beta, divergence, cells: count };
}

/** The MI series name of the bin partition measured under the label model. */
export const MODEL_ESTIMATOR = 'bin-model';

/** The MI series names of the bin partition on the training rows and on the test rows alone. */
export const TRAIN_ESTIMATOR = 'bin-train';
export const TEST_ESTIMATOR = 'bin-test';

/** Plug-in H(T) and I(T;Y) in bits over a subset of the rows (with their own labels). */
export function subsetInfo(cells: Int32Array, count: number, rows: ArrayLike<number>, y: Int32Array, nClasses: number): { ixt: number; ity: number } {
  const n = rows.length, size = new Float64Array(count), joint = new Float64Array(count * nClasses), py = new Float64Array(nClasses);
  for (let j = 0; j < n; j++) { const i = rows[j], t = cells[i]; size[t]++; joint[t * nClasses + y[i]]++; py[y[i]]++; }
  let hT = 0, hTY = 0, hY = 0;
  for (let t = 0; t < count; t++) if (size[t]) hT -= (size[t] / n) * Math.log2(size[t] / n);
  for (const c of joint) if (c) hTY -= (c / n) * Math.log2(c / n);
  for (const c of py) if (c) hY -= (c / n) * Math.log2(c / n);
  return { ixt: hT, ity: hT + hY - hTY };
}
