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

export interface SelfConsistency {
  /** The beta that best explains the layer's encoder. */
  beta: number;
  /** Mean over rows of -log2 q_beta(t(x) | x): bits by which the layer's one-hot encoder departs
   *  from the IB encoder at that beta (0 = self-consistent). */
  divergence: number;
  /** Part of the divergence no beta removes: the mean over rows of log2(W / p(t(x))), W the summed
   *  p(t) of the cells sharing t(x)'s decoder p(y|t). The IB encoder sees a cell only through p(t)
   *  and p(y|t), so it spreads x over such cells in proportion to p(t): a layer that keeps cells
   *  with one decoder apart is redundant for Y, and this is the price. */
  sharedDecoderBits: number;
  /** Cells of the layer's partition, and their distinct decoders p(y|t). */
  cells: number;
  decoders: number;
}

const clampP = (p: number) => Math.min(1 - 1e-12, Math.max(1e-12, p));
/** KL[Bern(a) || Bern(q)] in bits. */
export const klBits = (a: number, q: number) => a * Math.log2(a / q) + (1 - a) * Math.log2((1 - a) / (1 - q));

/** log2 of the largest beta on fitBeta's grid: a fit at (or just above) 2^this prefers beta -> infinity. */
export const BETA_GRID_TOP = 12;

/**
 * Fit beta on a log grid (2^-3 .. 2^BETA_GRID_TOP in steps of 2^0.25, then a golden-section refinement) to a
 * loss(beta) = mean over rows of -log2 q_beta(t(x)|x); returns the beta and its loss.
 */
export function fitBeta(loss: (beta: number) => number): { beta: number; divergence: number } {
  let best = 0, bestLoss = Infinity;
  for (let e = -3; e <= BETA_GRID_TOP; e += 0.25) { const l = loss(2 ** e); if (l < bestLoss) { bestLoss = l; best = e; } }
  let a = best - 0.25, b = best + 0.25;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 20; it++) {
    const c = b - g * (b - a), d = a + g * (b - a);
    if (loss(2 ** c) < loss(2 ** d)) b = d; else a = c;
  }
  const beta = 2 ** ((a + b) / 2);
  return { beta, divergence: Math.min(bestLoss, loss(beta)) };
}

/**
 * The layer's IB self-consistency: the beta (fitBeta) and divergence of q_beta(t|x) = p(t) 2^(-beta KL_xt) / Z_x with
 * KL_xt = KL[p(y|x) || p(y|t)] in bits. selfConsistencyLoss sums the loss exactly in a
 * smaller form (src/reference/self-consistency.ts is the row-by-row twin):
 *   loss(beta) = (1/n) [ -sum_i log2 p(t_i) + beta sum_i KL_{x_i t_i} + sum_g n_g log2 Z_g(beta) ]
 * where the first two sums do not depend on beta, g runs over the distinct values of p(y|x)
 * (n_g rows each) and Z_g = sum_v w_v 2^(-beta KL[g || v]) over the distinct decoders
 * v = p(y=1|t), w_v = the summed p(t) of the cells with that decoder (a cell enters Z only
 * through p(t) and its decoder). Cost per beta: (distinct p(y|x)) x (distinct decoders), about
 * 56 x 500 on the noisy 12-bit task, instead of rows x cells.
 */
export function selfConsistency(cells: Int32Array, count: number, p1: Float64Array): SelfConsistency {
  const d = decodersOf(cells, count, p1), n = cells.length;
  let shared = 0;
  for (let i = 0; i < n; i++) { const t = cells[i]; shared += Math.log2(d.weight[d.decoder[t]] / (d.size[t] / n)); }
  return { ...fitBeta(selfConsistencyLoss(cells, count, p1)), sharedDecoderBits: shared / n, cells: count, decoders: d.weight.length };
}

/** Per cell: its size and clamped decoder p(y=1|t) and that decoder's index among the distinct
 *  ones; per distinct decoder: its value and the summed p(t) of its cells. */
function decodersOf(cells: Int32Array, count: number, p1: Float64Array) {
  const n = cells.length, size = new Float64Array(count), ones = new Float64Array(count);
  for (let i = 0; i < n; i++) { size[cells[i]]++; ones[cells[i]] += p1[i]; }
  const q1 = new Float64Array(count), decoder = new Int32Array(count), index = new Map<number, number>();
  const weight: number[] = [], values: number[] = [];
  for (let t = 0; t < count; t++) {
    q1[t] = clampP(ones[t] / size[t]);
    let v = index.get(q1[t]);
    if (v === undefined) { v = values.length; index.set(q1[t], v); values.push(q1[t]); weight.push(0); }
    decoder[t] = v;
    weight[v] += size[t] / n;
  }
  return { size, q1, decoder, values, weight };
}

/** The loss of selfConsistency, mean over rows of -log2 q_beta(t(x)|x), as a function of beta. */
export function selfConsistencyLoss(cells: Int32Array, count: number, p1: Float64Array): (beta: number) => number {
  const n = cells.length, { size, q1, values: decoders, weight } = decodersOf(cells, count, p1);
  const V = decoders.length, logW = Float64Array.from(weight, (w) => Math.log2(w));
  // the beta-free sums, and the rows per distinct p(y|x)
  let constant = 0, slope = 0;
  const rowsOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const t = cells[i];
    constant -= Math.log2(size[t] / n);
    slope += klBits(clampP(p1[i]), q1[t]);
    rowsOf.set(p1[i], (rowsOf.get(p1[i]) ?? 0) + 1);
  }
  const G = rowsOf.size, kl = new Float64Array(G * V), rows = new Float64Array(G);
  let g = 0;
  for (const [p, m] of rowsOf) {
    const a = clampP(p);
    for (let v = 0; v < V; v++) kl[g * V + v] = klBits(a, decoders[v]);
    rows[g++] = m;
  }
  const e = new Float64Array(V);
  return (beta: number) => {
    let total = constant + beta * slope;
    for (let g = 0, o = 0; g < G; g++, o += V) {
      let mx = -Infinity;
      for (let v = 0; v < V; v++) { e[v] = logW[v] - beta * kl[o + v]; if (e[v] > mx) mx = e[v]; }
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp((e[v] - mx) * Math.LN2);
      total += rows[g] * (mx + Math.log2(z));
    }
    return total / n;
  };
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
