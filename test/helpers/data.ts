/**
 * Seeded test data and comparison helpers shared by the kernel tests.
 */
import { RefRng } from '../../src/reference/index.js';

/** Seeded source of test data (the reference PRNG; its own correctness is tested in rng.test.ts). */
export class TestData {
  rng: RefRng;
  constructor(seed: number, stream = 12345) {
    this.rng = new RefRng(seed, stream);
  }
  /** uniform in [lo, hi) */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.rng.uniform();
  }
  /** n f32 values uniform in [lo, hi) */
  f32(n: number, lo = -1, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.uniform(lo, hi);
    return a;
  }
  normalF32(n: number, std = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.rng.normal() * std;
    return a;
  }
  int(n: number): number {
    return this.rng.below(n);
  }
  labels(n: number, K: number): Int32Array {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = this.rng.below(K);
    return y;
  }
}

/** Largest violation of |got - want| <= atol + rtol * |want| (<= 0 means all within), with where. */
export function worst(
  got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number,
): { excess: number; index: number; got: number; want: number; n: number } {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let res = { excess: -Infinity, index: -1, got: NaN, want: NaN, n: got.length };
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    let excess: number;
    if (Number.isNaN(w) || Number.isNaN(g)) excess = Number.isNaN(w) && Number.isNaN(g) ? -1 : Infinity;
    else if (!Number.isFinite(w) || !Number.isFinite(g)) excess = g === w ? -1 : Infinity;
    else excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (excess > res.excess) res = { excess, index: i, got: g, want: w, n: got.length };
  }
  return res;
}

/** Throws with a precise message when some element is outside atol + rtol |want|. */
export function expectClose(
  got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what = '',
): void {
  const w = worst(got, want, atol, rtol);
  if (w.n > 0 && w.excess > 0) {
    throw new Error(
      `${what}: element ${w.index} of ${w.n}: got ${w.got}, want ${w.want} ` +
        `(|diff| ${Math.abs(w.got - w.want)}, allowed ${atol} + ${rtol}*|want|)`,
    );
  }
}

/** Round up to a multiple of 4 (the ABI's padded sample count). */
export const pad4 = (n: number): number => (n + 3) & ~3;
