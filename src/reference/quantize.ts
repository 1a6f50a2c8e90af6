/**
 * Reference of assembly/quantize.ts: activations rounded to a uniform grid of 2^bits levels on
 * [lo, hi], the straight-through backward pass and the moving range of unbounded activations.
 * Level arithmetic is rounded to float32 at every step, as the kernel computes it, so the wasm
 * output must match bit for bit.
 *
 * API
 *   refQuantLevels(lo, hi, bits) -> Float32Array          every level lo + k step, k < 2^bits
 *   refQuantize(a, lo, hi, bits) -> number                 the level nearest a (float32 value)
 *   refQuantizeForward(a, lo, hi, bits) -> Float32Array   elementwise
 *   refQuantizeBackward(da, a, lo, hi, act) -> Float64Array
 *       dz = da * f'(a) where lo <= a <= hi, else 0 (a unquantized; f' through the output)
 *   refQuantEma(range [lo, hi], values) -> [lo, hi]        one batch's moving-range update (NaN left out)
 */
import { refActDeriv } from './activations.js';

const f = Math.fround;
export const REF_Q_EMA_DECAY = 0.999;
export const REF_Q_EMA_START: readonly [number, number] = [-6, 6];

function grid(lo: number, hi: number, bits: number) {
  const lo32 = f(lo), top = f((1 << bits) - 1);
  const step = f(f(f(hi) - lo32) / top);
  return { lo32, top, step, inv: f(1 / step) };
}

export function refQuantize(a: number, lo: number, hi: number, bits: number): number {
  const { lo32, top, step, inv } = grid(lo, hi, bits);
  const t = f(f(f(f(a) - lo32) * inv) + 0.5);
  const k = Math.min(Math.max(Math.floor(t), 0), top);
  return f(lo32 + f(k * step));
}

export function refQuantLevels(lo: number, hi: number, bits: number): Float32Array {
  const { lo32, step } = grid(lo, hi, bits);
  return Float32Array.from({ length: 1 << bits }, (_, k) => f(lo32 + f(k * step)));
}

export function refQuantizeForward(a: ArrayLike<number>, lo: number, hi: number, bits: number): Float32Array {
  return Float32Array.from(a, (v) => refQuantize(v, lo, hi, bits));
}

export function refQuantizeBackward(da: ArrayLike<number>, a: ArrayLike<number>, lo: number, hi: number, act: number): Float64Array {
  const out = new Float64Array(da.length);
  for (let i = 0; i < da.length; i++) out[i] = a[i] >= lo && a[i] <= hi ? da[i] * refActDeriv(act, a[i]) : 0;
  return out;
}

export function refQuantEma(range: readonly [number, number], values: ArrayLike<number>): [number, number] {
  let mn = Infinity, mx = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = f(values[i]);
    if (!Number.isNaN(v)) { mn = Math.min(mn, v); mx = Math.max(mx, v); } // +-inf kept: a diverged layer
  }
  const d = REF_Q_EMA_DECAY;
  return [d * range[0] + (1 - d) * Math.min(mn, 0), d * range[1] + (1 - d) * Math.max(mx, 0)];
}
