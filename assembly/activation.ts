// Activations and their derivatives. Derivatives are written in terms of the output a = f(z), so
// backward passes only need the stored activations. Codes match docs/ABI.md.

export const ACT_LINEAR = 0;
export const ACT_TANH = 1;
export const ACT_RELU = 2;
export const ACT_SIGMOID = 3;
export const ACT_SOFTSIGN = 4;
export const ACT_SOFTPLUS = 5;

// tanh as an odd [7/8] rational minimax fit on [-c, c] (|error| <= 5e-7 in f32 evaluation), clamped
// there (its value stays below 1), and exactly +-1 from the first |x| where f32(tanh x) rounds to 1,
// so saturated units land in the same bin cell (the ">= 1" cell) as with a correctly rounded tanh.
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

// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const c = f32x4.splat(TANH_CLAMP);
  const xc = f32x4.min(f32x4.max(x, f32x4.neg(c)), c);
  const x2 = f32x4.mul(xc, xc);
  let p = f32x4.add(f32x4.mul(x2, f32x4.splat(A7)), f32x4.splat(A5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A1));
  p = f32x4.mul(p, xc);
  let q = f32x4.add(f32x4.mul(x2, f32x4.splat(B8)), f32x4.splat(B6));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(B4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(B2));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1));
  const one = v128.or(v128.and(x, f32x4.splat(-0.0)), f32x4.splat(1)); // copysign(1, x)
  return v128.bitselect(one, f32x4.div(p, q), f32x4.ge(f32x4.abs(x), f32x4.splat(TANH_ONE)));
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
  if (kind == ACT_RELU) return f32x4.max(x, f32x4.splat(0));
  if (kind == ACT_LINEAR) return x;
  if (kind == ACT_SOFTSIGN) return f32x4.div(x, f32x4.add(f32x4.splat(1), f32x4.abs(x)));
  let r = f32x4.splat(0);
  r = f32x4.replace_lane(r, 0, act1(kind, f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, act1(kind, f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, act1(kind, f32x4.extract_lane(x, 2)));
  r = f32x4.replace_lane(r, 3, act1(kind, f32x4.extract_lane(x, 3)));
  return r;
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
