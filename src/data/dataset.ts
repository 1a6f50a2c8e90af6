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
