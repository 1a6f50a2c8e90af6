// Duplicate input rows. With p(x) the empirical distribution of the rows, I(X;T) = H(T) - H(T|X)
// with H(T|X) = sum_x p(x) H(T | X=x) over the groups of identical rows. A deterministic network
// maps identical rows to identical activations, so H(T|X) is 0 whenever the binning is a function
// of the activations; it is measured anyway (per group, by the wasm kernel), which both states
// the fact and would expose a kernel that treats equal rows differently. What duplicates do
// change is the bound: I(X;T) <= H(X) < log2 N. The `bin` estimator measures H(T|X)
// (estimators/group-entropy.ts). Pure: no Node imports.
import type { Dataset, DuplicateGroups } from './dataset.js';

/** 32-bit hash of one row's float32 values (+0 and -0 hash alike: the network cannot tell them apart). */
function rowHash(X: Float32Array, bits: Uint32Array, r: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let j = r * n, end = j + n; j < end; j++) {
    const v = X[j] === 0 ? 0 : bits[j];
    h = Math.imul(h ^ v, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

function sameRow(X: Float32Array, a: number, b: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (X[a * n + j] !== X[b * n + j]) return false; // 0 === -0
  return true;
}

/** Groups identical rows by hashing, confirming every hash match by comparing the rows. */
export function findDuplicates(X: Float32Array, nRows: number, nInputs: number): DuplicateGroups {
  const bits = new Uint32Array(X.buffer, X.byteOffset, X.length);
  const firstOf = new Map<number, number[]>(); // hash -> first row of each distinct x with that hash
  const groupOf = new Int32Array(nRows); // distinct-x id of every row
  const count: number[] = [];
  for (let r = 0; r < nRows; r++) {
    const h = rowHash(X, bits, r, nInputs);
    let reps = firstOf.get(h);
    if (!reps) { reps = []; firstOf.set(h, reps); }
    let id = -1;
    for (const rep of reps) if (sameRow(X, rep, r, nInputs)) { id = groupOf[rep]; break; }
    if (id < 0) { id = count.length; count.push(0); reps.push(r); }
    groupOf[r] = id;
    count[id]++;
  }
  let sumClogC = 0, inGroups = 0, nGroups = 0, maxGroup = 0;
  for (const c of count) {
    if (c > 1) { sumClogC += c * Math.log2(c); inGroups += c; nGroups++; maxGroup = Math.max(maxGroup, c); }
  }
  // CSR of the groups with two or more rows, rows ascending within a group
  const slot = new Int32Array(count.length).fill(-1);
  const start = new Int32Array(nGroups + 1);
  let g = 0;
  for (let id = 0; id < count.length; id++) if (count[id] > 1) { slot[id] = g; start[g + 1] = start[g] + count[id]; g++; }
  const fill = start.slice(0, nGroups);
  const rows = new Int32Array(inGroups);
  for (let r = 0; r < nRows; r++) { const s = slot[groupOf[r]]; if (s >= 0) rows[fill[s]++] = r; }
  return {
    duplicateRows: nRows - count.length, distinctRows: count.length,
    hX: Math.log2(nRows) - sumClogC / nRows, start, rows, maxGroup,
  };
}

/** The dataset with its duplicate groups (computed once, at load time). */
export function withDuplicates(ds: Dataset): Dataset {
  return ds.duplicates ? ds : { ...ds, duplicates: findDuplicates(ds.X, ds.nRows, ds.nInputs) };
}

/** One line for infoplane.json and the report header. */
export function duplicatesNote(d: DuplicateGroups, nRows: number): string {
  if (d.duplicateRows === 0) {
    return `every input row is distinct: with p(x) uniform over the ${nRows} rows, I(X;T) = H(T) and I(X;T) <= log2 N`;
  }
  return `${d.duplicateRows} of ${nRows} input rows repeat an earlier row (${d.distinctRows} distinct x): ` +
    `I(X;T) = H(T) - H(T|X), with H(T|X) measured over the groups of identical x (bin), and I(X;T) <= H(X) = ${d.hX.toFixed(4)} bits`;
}
