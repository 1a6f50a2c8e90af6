/**
 * Reference binned entropy / mutual information (docs/SCIENCE.md, Binning; docs/ABI.md `mi_binned`).
 * Written for clarity: every row's pattern of cells becomes a string key in a Map holding the
 * row count per class, so distinct patterns are counted exactly (no hashing shortcuts).
 *
 * Activations are f32 in the ABI, so every value is first rounded with Math.fround.
 *
 * Binning
 *   { mode: 'edges', lo, hi, nbins }  (ABI mode 0) edges = f32(numpy linspace(lo, hi, nbins)) where
 *       numpy computes edge k (k < nbins-1) as lo + k * ((hi - lo) / (nbins - 1)) in float64 and
 *       sets the last edge to exactly hi. cell = digitize(v, edges) - 1, digitize(v) = the number
 *       of edges <= v (numpy, right=False). A cell of -1 (v < edges[0]) and NaN (no edge is <= NaN)
 *       wrap to nbins - 1, the cell of v >= hi.
 *   { mode: 'width', width }          (ABI mode 1) cell = floor(v / width), with v the f32 value
 *       and the division in float64 (the ABI does not say more; see refBinCell).
 *
 * API
 *   refLinspaceEdges(lo, hi, nbins) -> Float32Array
 *   refBinCell(v, binning, edges?) -> number        the cell of one value
 *   refMiBinned(act, nUnits, N, B, y, binning, K?) -> RefMiResult
 *       act in the ABI layout [unit][B] (first N columns used); y: labels 0..K-1 (first N)
 *   refMiBinnedRows(rows, y, binning, K?) -> RefMiResult
 *       rows[s] = the values of sample s (one per unit)
 *   refMiOfCells(rows, y, cellOf, K?) -> RefMiResult   the same for any cell rule cellOf(v)
 *   RefMiResult = { hT, hTgivenY, patterns, iXT, iTY }: hT = H(T), hTgivenY = sum_y p(y) H(T|Y=y)
 *       (the ABI's out[0], out[1]), patterns = number of distinct patterns (out[2]),
 *       iXT = hT, iTY = hT - hTgivenY; all in bits.
 *   refEntropyBits(counts) -> number                -sum (c/n) log2(c/n) over a list of counts
 */

export type RefBinning =
  | { mode: 'edges'; lo: number; hi: number; nbins: number }
  | { mode: 'width'; width: number };

export interface RefMiResult {
  hT: number;
  hTgivenY: number;
  patterns: number;
  iXT: number;
  iTY: number;
}

export function refLinspaceEdges(lo: number, hi: number, nbins: number): Float32Array {
  if (nbins < 2) throw new Error('refLinspaceEdges: nbins must be >= 2');
  const edges = new Float32Array(nbins);
  const step = (hi - lo) / (nbins - 1);
  for (let k = 0; k < nbins - 1; k++) edges[k] = Math.fround(lo + k * step);
  edges[nbins - 1] = Math.fround(hi);
  return edges;
}

/** Cell of one value (v is rounded to f32 first). `edges` may be passed to avoid recomputing. */
export function refBinCell(v: number, binning: RefBinning, edges?: Float32Array): number {
  const x = Math.fround(v);
  if (binning.mode === 'width') {
    return Math.floor(x / binning.width);
  }
  const e = edges ?? refLinspaceEdges(binning.lo, binning.hi, binning.nbins);
  let count = 0; // digitize: number of edges <= x (0 for NaN)
  for (let k = 0; k < e.length; k++) if (e[k] <= x) count++;
  const cell = count - 1;
  return cell === -1 ? binning.nbins - 1 : cell;
}

export function refEntropyBits(counts: Iterable<number>): number {
  let n = 0;
  const list: number[] = [];
  for (const c of counts) {
    if (c > 0) { list.push(c); n += c; }
  }
  let h = 0;
  for (const c of list) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

export function refMiBinnedRows(
  rows: ArrayLike<ArrayLike<number>>, y: ArrayLike<number>, binning: RefBinning, K?: number,
): RefMiResult {
  const edges = binning.mode === 'edges' ? refLinspaceEdges(binning.lo, binning.hi, binning.nbins) : undefined;
  return refMiOfCells(rows, y, (v) => refBinCell(v, binning, edges), K);
}

export function refMiOfCells(
  rows: ArrayLike<ArrayLike<number>>, y: ArrayLike<number>, cellOf: (v: number) => number, K?: number,
): RefMiResult {
  const N = rows.length;
  if (y.length < N) throw new Error('refMiOfCells: fewer labels than rows');
  let nClasses = K ?? 0;
  for (let s = 0; s < N; s++) nClasses = Math.max(nClasses, y[s] + 1);

  // pattern key -> count per class
  const table = new Map<string, number[]>();
  const classTotals = new Array<number>(nClasses).fill(0);
  for (let s = 0; s < N; s++) {
    const row = rows[s];
    if (row.length !== rows[0].length) throw new Error(`refMiOfCells: row ${s} has ${row.length} values, row 0 has ${rows[0].length}`);
    const cells: number[] = [];
    for (let u = 0; u < row.length; u++) cells.push(cellOf(row[u]));
    const key = cells.join(',');
    let perClass = table.get(key);
    if (!perClass) {
      perClass = new Array<number>(nClasses).fill(0);
      table.set(key, perClass);
    }
    const c = y[s];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses)) throw new Error(`bad label ${c} at row ${s}`);
    perClass[c]++;
    classTotals[c]++;
  }

  const totals: number[] = [];
  for (const perClass of table.values()) totals.push(perClass.reduce((a, b) => a + b, 0));
  const hT = refEntropyBits(totals);

  let hTgivenY = 0;
  for (let c = 0; c < nClasses; c++) {
    if (classTotals[c] === 0) continue;
    const pc = classTotals[c] / N;
    const countsInClass: number[] = [];
    for (const perClass of table.values()) countsInClass.push(perClass[c]);
    hTgivenY += pc * refEntropyBits(countsInClass);
  }
  return { hT, hTgivenY, patterns: table.size, iXT: hT, iTY: hT - hTgivenY };
}

export function refMiBinned(
  act: ArrayLike<number>, nUnits: number, N: number, B: number, y: ArrayLike<number>,
  binning: RefBinning, K?: number,
): RefMiResult {
  if (N > B) throw new Error('refMiBinned: N > B');
  if (act.length < nUnits * B) throw new Error('refMiBinned: act too short');
  const rows: number[][] = [];
  for (let s = 0; s < N; s++) {
    const row: number[] = [];
    for (let u = 0; u < nUnits; u++) row.push(act[u * B + s]);
    rows.push(row);
  }
  return refMiBinnedRows(rows, y, binning, K);
}
