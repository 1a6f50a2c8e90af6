// The in-memory dataset every other part of infoplane consumes.

export interface Dataset {
  name: string;
  nRows: number;
  nInputs: number;
  nClasses: number;
  /** Row-major nRows x nInputs. */
  X: Float32Array;
  /** Labels 0..nClasses-1. */
  y: Int32Array;
  /** p(y=1|x) per row when the labels were drawn from a known model (data/relabel.ts): the layers'
   *  I(T;Y) is then also measured under the model (record/model-info.ts). */
  labelProb?: Float64Array;
  /** Groups of identical input rows (data/duplicates.ts), filled in at load time. */
  duplicates?: DuplicateGroups;
}

/** Rows whose inputs are identical, as groups of two or more rows (CSR: the rows of group g are
 *  rows[start[g] .. start[g+1])). Rows in no group are unique. */
export interface DuplicateGroups {
  /** Rows that repeat an earlier row: nRows - distinctRows. */
  duplicateRows: number;
  distinctRows: number;
  /** H(X) in bits of the empirical input distribution: log2 nRows when every row is distinct. */
  hX: number;
  start: Int32Array;
  rows: Int32Array;
  /** The largest group (0 when there is none). */
  maxGroup: number;
}

/** H(Y) in bits of the empirical label distribution (each row weighted equally). */
export function labelEntropy(y: Int32Array, nClasses: number): number {
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (c < 0 || c >= nClasses) throw new RangeError(`label ${c} at row ${i} is outside 0..${nClasses - 1}`);
    counts[c]++;
  }
  let h = 0;
  for (const n of counts) {
    if (n > 0) {
      const p = n / y.length;
      h -= p * Math.log2(p);
    }
  }
  return h;
}
