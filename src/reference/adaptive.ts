/**
 * Reference adaptive binning (EBAB, docs/SCIENCE.md, Adaptive binning) and the binning range of the observed /
 * running-max modes (docs/ABI.md `act_range`, `ebab_edges`, `mi_binned_explicit`).
 * Activations are f32 in the ABI, so every value is first rounded with Math.fround.
 *
 * API
 *   refActRange(act, nUnits, N, B) -> [min, max]     over the finite values; [0, 0] if none
 *   refSortedUnique(values) -> number[]               sorted distinct values, NaN left out, -0 = 0
 *   refEbabEdges(values, nbins, lower?) -> Float32Array(nbins + 2)
 *       U = refSortedUnique(values), M = |U|: [min(lower, U[0]) (or U[0] without lower),
 *       U[floor(k M / nbins)] for k = 0..nbins-1, U[M-1]]; no values: every edge = lower ?? 0
 *   refExplicitCell(v, edges) -> number               digitize(v, edges) - 1, where -1 and NaN
 *       wrap to the top cell edges.length - 1 (the cell of v >= the last edge)
 *   refMiExplicitRows(rows, y, edges, K?) -> RefMiResult  binned MI with explicit edges
 *   refMiAdaptive(act, nUnits, N, B, y, nbins, lower?, K?) -> RefMiResult
 *       EBAB edges over all units' first N values of act [unit][B], then refMiExplicitRows
 */
import { refMiOfCells, type RefMiResult } from './mi.js';

export function refActRange(act: ArrayLike<number>, nUnits: number, N: number, B: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let u = 0; u < nUnits; u++) {
    for (let s = 0; s < N; s++) {
      const v = Math.fround(act[u * B + s]);
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo > hi ? [0, 0] : [lo, hi];
}

export function refSortedUnique(values: Iterable<number>): number[] {
  const set = new Set<number>(); // SameValueZero: -0 and 0 are one value
  for (const v of values) {
    const x = Math.fround(v);
    if (!Number.isNaN(x)) set.add(x === 0 ? 0 : x);
  }
  return [...set].sort((a, b) => a - b);
}

export function refEbabEdges(values: Iterable<number>, nbins: number, lower?: number): Float32Array {
  const U = refSortedUnique(values);
  const M = U.length;
  const edges = new Float32Array(nbins + 2);
  let lo = lower === undefined ? 0 : Math.fround(lower);
  if (M > 0) lo = lower !== undefined && lo < U[0] ? lo : U[0];
  edges[0] = lo;
  for (let k = 0; k < nbins; k++) edges[k + 1] = M > 0 ? U[Math.floor((k * M) / nbins)] : lo;
  edges[nbins + 1] = M > 0 ? U[M - 1] : lo;
  return edges;
}

export function refExplicitCell(v: number, edges: Float32Array): number {
  const x = Math.fround(v);
  let count = 0; // number of edges <= x (0 for NaN)
  for (let k = 0; k < edges.length; k++) if (edges[k] <= x) count++;
  return count === 0 ? edges.length - 1 : count - 1;
}

export function refMiExplicitRows(rows: ArrayLike<ArrayLike<number>>, y: ArrayLike<number>, edges: Float32Array, K?: number): RefMiResult {
  return refMiOfCells(rows, y, (v) => refExplicitCell(v, edges), K);
}

export function refMiAdaptive(act: ArrayLike<number>, nUnits: number, N: number, B: number, y: ArrayLike<number>,
  nbins: number, lower?: number, K?: number): RefMiResult {
  const values: number[] = [];
  const rows: number[][] = [];
  for (let s = 0; s < N; s++) rows.push([]);
  for (let u = 0; u < nUnits; u++) {
    for (let s = 0; s < N; s++) { values.push(act[u * B + s]); rows[s].push(act[u * B + s]); }
  }
  return refMiExplicitRows(rows, y, refEbabEdges(values, nbins, lower), K);
}
