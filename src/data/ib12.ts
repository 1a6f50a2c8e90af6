// The paper's 12-bit task (docs/SCIENCE.md, The 12-bit dataset), generated rather than shipped: bits sit on the
// vertices of an icosahedron and y = 1 iff n + |S| >= 7.65, which reproduces the reference labels.
import type { Dataset } from './dataset.js';

const N_BITS = 12;
const THRESHOLD = 7.65;

// Unit vectors r_j of bit j, in float64 (no score lies within 0.05 of the threshold, so float32 would do,
// but float64 keeps the rule exactly as checked).
const VERTICES: readonly (readonly [number, number, number])[] = (() => {
  const p = (1 + Math.sqrt(5)) / 2;
  const raw: [number, number, number][] = [
    [0, 1, p], [1, p, 0], [0, 1, -p], [-1, p, 0], [p, 0, -1], [0, -1, p],
    [1, -p, 0], [-1, -p, 0], [-p, 0, -1], [0, -1, -p], [-p, 0, 1], [p, 0, 1],
  ];
  return raw.map(([a, b, c]) => {
    const len = Math.hypot(a, b, c);
    return [a / len, b / len, c / len] as const;
  });
})();

/** The rule's score n + |S| of one 12-bit pattern (bits[j] in {0,1}, or a probability for soft use). */
export function ib12Score(bits: ArrayLike<number>): number {
  if (bits.length !== N_BITS) throw new RangeError(`ib12Score needs ${N_BITS} bits, got ${bits.length}`);
  let n = 0, sx = 0, sy = 0, sz = 0;
  for (let j = 0; j < N_BITS; j++) {
    const b = bits[j];
    n += b;
    sx += b * VERTICES[j][0];
    sy += b * VERTICES[j][1];
    sz += b * VERTICES[j][2];
  }
  return n + Math.hypot(sx, sy, sz);
}

/** The threshold of the rule: y = 1 iff ib12Score(x) >= IB12_THRESHOLD. */
export const IB12_THRESHOLD = THRESHOLD;

/** All 4096 patterns, row i = i in binary MSB first (X[i][0] is bit 11), with their labels. */
export function ib12(): Dataset {
  const nRows = 1 << N_BITS;
  const X = new Float32Array(nRows * N_BITS);
  const y = new Int32Array(nRows);
  const bits = new Float64Array(N_BITS);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < N_BITS; j++) {
      bits[j] = (i >> (N_BITS - 1 - j)) & 1;
      X[i * N_BITS + j] = bits[j];
    }
    y[i] = ib12Score(bits) >= THRESHOLD ? 1 : 0;
  }
  return { name: 'ib12', nRows, nInputs: N_BITS, nClasses: 2, X, y };
}
