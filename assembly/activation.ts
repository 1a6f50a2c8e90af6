// Activations and their derivatives. Plain TypeScript twin: src/reference/activations.ts
// (refActForward, refActBackward). Derivatives are written in terms of the output a = f(z), so
// backward passes only need the stored activations. Codes match docs/ABI.md.
import { thread_scratch } from './team';

export const ACT_LINEAR = 0;
export const ACT_TANH = 1;
export const ACT_RELU = 2;
export const ACT_SIGMOID = 3;
export const ACT_SOFTSIGN = 4;
export const ACT_SOFTPLUS = 5;

// tanh as an odd [7/8] rational minimax fit on [0, c] (|error| <= 5e-7 in f32 evaluation), evaluated
// on |x| clamped there (its value stays below 1), exactly 1 from the first |x| where f32(tanh x)
// rounds to 1, so saturated units land in the same bin cell (the ">= 1" cell) as with a correctly
// rounded tanh; the sign of x is put back last. Every step is odd-symmetric, so tanh4(-x) = -tanh4(x)
// bit for bit.
const TANH_CLAMP: f32 = 7.8;
const TANH_ONE: f32 = 9.010913848876953;
const A1: f32 = 0.9999994856303599;
const A3: f32 = 0.12931718085776139;
const A5: f32 = 0.0029582101062424525;
const A7: f32 = 1.1520101110516767e-05;
const B2: f32 = 0.46264859250332863;
const B4: f32 = 0.02384318016707784;
const B6: f32 = 0.00023976879990481427;
const B8: f32 = 2.4911448034958816e-07;
// The constants pre-splatted in linear memory: V8 rebuilds a v128.const from a general register
// each time (3 instructions) but reads a table entry with one load (tanh: 2.8 -> 1.3 ns per value).
const TANH_K = memory.data<f32>([
  TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, TANH_ONE, TANH_ONE, TANH_ONE, TANH_ONE, 1, 1, 1, 1,
  A7, A7, A7, A7, A5, A5, A5, A5, A3, A3, A3, A3, A1, A1, A1, A1,
  B8, B8, B8, B8, B6, B6, B6, B6, B4, B4, B4, B4, B2, B2, B2, B2], 16);
// |x| as one AND with this mask (an f32x4.abs builds the mask with two instructions first)
const ABS_MASK = memory.data<u32>([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff], 16);

// @ts-ignore: decorator
@inline function tk(i: i32): v128 { return v128.load(TANH_K + (<usize>i << 4)); }

/** tanh of x and y, stored at q and q + 16. Two vectors in lockstep: each table constant is loaded
 *  once for both (0.92 ns per value, against 1.13 for one vector at a time). */
// @ts-ignore: decorator
@inline export function tanh4x2_store(q: usize, x: v128, y: v128): void {
  const mask = v128.load(ABS_MASK);
  const ax = v128.and(x, mask), ay = v128.and(y, mask);
  let c = tk(0);
  const xc = f32x4.pmin(ax, c), yc = f32x4.pmin(ay, c); // pmin: one minps (min's NaN rules cost 7)
  const x2 = f32x4.mul(xc, xc), y2 = f32x4.mul(yc, yc);
  c = tk(3);
  let px = f32x4.mul(x2, c), py = f32x4.mul(y2, c);
  c = tk(4); px = f32x4.add(px, c); py = f32x4.add(py, c);
  c = tk(5); px = f32x4.add(f32x4.mul(px, x2), c); py = f32x4.add(f32x4.mul(py, y2), c);
  c = tk(6); px = f32x4.add(f32x4.mul(px, x2), c); py = f32x4.add(f32x4.mul(py, y2), c);
  px = f32x4.mul(px, xc); py = f32x4.mul(py, yc);
  c = tk(7);
  let qx = f32x4.mul(x2, c), qy = f32x4.mul(y2, c);
  c = tk(8); qx = f32x4.add(qx, c); qy = f32x4.add(qy, c);
  c = tk(9); qx = f32x4.add(f32x4.mul(qx, x2), c); qy = f32x4.add(f32x4.mul(qy, y2), c);
  c = tk(10); qx = f32x4.add(f32x4.mul(qx, x2), c); qy = f32x4.add(f32x4.mul(qy, y2), c);
  const one = tk(2);
  qx = f32x4.add(f32x4.mul(qx, x2), one); qy = f32x4.add(f32x4.mul(qy, y2), one);
  // p / q is in [0, 1) (or NaN): raising it to 1 where |x| >= TANH_ONE is one pmax, not a select;
  // x & ~|x| is the sign bit of x
  c = tk(1);
  const tx = f32x4.pmax(f32x4.div(px, qx), v128.and(f32x4.ge(ax, c), one));
  const ty = f32x4.pmax(f32x4.div(py, qy), v128.and(f32x4.ge(ay, c), one));
  v128.store(q, v128.or(tx, v128.andnot(x, ax)));
  v128.store(q, v128.or(ty, v128.andnot(y, ay)), 16);
}

// A single vector goes through the pair code (tails of loops and act_forward only), so there is one
// tanh: the same bits wherever it runs. The scratch is the thread's own.
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const q = thread_scratch();
  tanh4x2_store(q, x, x);
  return v128.load(q);
}

// @ts-ignore: decorator
@inline function act1(kind: i32, x: f32): f32 {
  if (kind == ACT_SIGMOID) return <f32>1.0 / (<f32>1.0 + Mathf.exp(-x));
  if (kind == ACT_SOFTPLUS) return Mathf.max(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x)));
  return x;
}

/** f applied to 4 lanes. tanh, relu, softsign and linear stay in SIMD; the rest go lane by lane. */
// @ts-ignore: decorator
@inline export function act4(kind: i32, x: v128): v128 {
  if (kind == ACT_TANH) return tanh4(x);
  if (kind == ACT_RELU) return f32x4.pmax(x, f32x4.splat(0)); // NaN stays NaN
  if (kind == ACT_LINEAR) return x;
  if (kind == ACT_SOFTSIGN) return f32x4.div(x, f32x4.add(f32x4.splat(1), f32x4.abs(x)));
  let r = f32x4.splat(0);
  r = f32x4.replace_lane(r, 0, act1(kind, f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, act1(kind, f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, act1(kind, f32x4.extract_lane(x, 2)));
  r = f32x4.replace_lane(r, 3, act1(kind, f32x4.extract_lane(x, 3)));
  return r;
}

/** act4 of x and y stored at q and q + 16 (tanh in lockstep). */
// @ts-ignore: decorator
@inline export function act4x2_store(kind: i32, q: usize, x: v128, y: v128): void {
  if (kind == ACT_TANH) tanh4x2_store(q, x, y);
  else { v128.store(q, act4(kind, x)); v128.store(q, act4(kind, y), 16); }
}

/** f'(z) from a = f(z), 4 lanes. */
// @ts-ignore: decorator
@inline export function dact4(kind: i32, a: v128): v128 {
  const one = f32x4.splat(1);
  if (kind == ACT_TANH) return f32x4.sub(one, f32x4.mul(a, a));
  if (kind == ACT_RELU) return v128.and(f32x4.gt(a, f32x4.splat(0)), one);
  if (kind == ACT_SIGMOID) return f32x4.mul(a, f32x4.sub(one, a));
  if (kind == ACT_SOFTSIGN) {
    const t = f32x4.sub(one, f32x4.abs(a));
    return f32x4.mul(t, t);
  }
  if (kind == ACT_SOFTPLUS) {
    let r = f32x4.splat(0);
    r = f32x4.replace_lane(r, 0, <f32>1.0 - Mathf.exp(-f32x4.extract_lane(a, 0)));
    r = f32x4.replace_lane(r, 1, <f32>1.0 - Mathf.exp(-f32x4.extract_lane(a, 1)));
    r = f32x4.replace_lane(r, 2, <f32>1.0 - Mathf.exp(-f32x4.extract_lane(a, 2)));
    r = f32x4.replace_lane(r, 3, <f32>1.0 - Mathf.exp(-f32x4.extract_lane(a, 3)));
    return r;
  }
  return one;
}

// act_forward: out[n] = f(z[n]); any n, in place allowed
export function act_forward(out: usize, z: usize, n: i32, kind: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, act4(kind, v128.load(z + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(act4(kind, f32x4.splat(load<f32>(z + o))), 0));
  }
}

// act_backward: dz[n] = da[n] * f'(a[n]); any n
export function act_backward(dz: usize, da: usize, a: usize, n: i32, kind: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dz + o, f32x4.mul(v128.load(da + o), dact4(kind, v128.load(a + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = f32x4.extract_lane(dact4(kind, f32x4.splat(load<f32>(a + o))), 0);
    store<f32>(dz + o, load<f32>(da + o) * d);
  }
}
