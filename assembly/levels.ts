// The uniform grid of a quantized layer: 2^bits levels from lo to hi, one value or four lanes at a
// time. quantize.ts and the fused dense kernels (dense.ts) round through these, so every path puts
// a value on the same level. Plain TypeScript twin: src/reference/quantize.ts (refQuantize).
//
// Level arithmetic, all in f32:
//   step = (hi - lo) / (2^bits - 1), inv = 1 / step
//   k    = clamp(floor((a - lo) * inv + 0.5), 0, 2^bits - 1)       (NaN stays NaN)
//   q    = lo + k * step

// @ts-ignore: decorator
@inline export function levels_of(bits: i32): f32 { return <f32>((1 << bits) - 1); }

// @ts-ignore: decorator
@inline export function level_step(lo: f32, hi: f32, bits: i32): f32 { return (hi - lo) / levels_of(bits); }

/** One value by the lane rule of q4 (pmax/pmin keep a NaN k: it is their first operand). */
// @ts-ignore: decorator
@inline export function q1(v: f32, lo: f32, inv: f32, step: f32, top: f32): f32 {
  let k = Mathf.floor((v - lo) * inv + <f32>0.5);
  k = k < 0 ? 0 : k;
  k = top < k ? top : k;
  return lo + k * step;
}

/** Four lanes onto their levels. A clamp may be left out (clampLo / clampHi false, constants at
 *  the call site) only where the caller knows no value can pass that end: the result is the same
 *  bits either way, since pmax(k, 0) and pmin(k, top) return k there (NaN included). */
// @ts-ignore: decorator
@inline export function q4(v: v128, vlo: v128, vinv: v128, vstep: v128, vtop: v128, clampLo: bool = true, clampHi: bool = true): v128 {
  let k = f32x4.floor(f32x4.add(f32x4.mul(f32x4.sub(v, vlo), vinv), f32x4.splat(0.5)));
  if (clampLo) k = f32x4.pmax(k, f32x4.splat(0)); // NaN in k stays NaN (first operand)
  if (clampHi) k = f32x4.pmin(k, vtop);
  return f32x4.add(vlo, f32x4.mul(k, vstep));
}

/** out f32[2] = min and max of the lanes of vmin / vmax and of the scalars smin / smax (running
 *  minima and maxima that hold no NaN). */
// @ts-ignore: decorator
@inline export function store_min_max(out: usize, vmin: v128, vmax: v128, smin: f32, smax: f32): void {
  for (let j = 0; j < 4; j++) {
    const x = f32x4.extract_lane(vmin, 0), y = f32x4.extract_lane(vmax, 0);
    smin = x < smin ? x : smin; smax = smax < y ? y : smax;
    vmin = i32x4.shuffle(vmin, vmin, 1, 2, 3, 0); vmax = i32x4.shuffle(vmax, vmax, 1, 2, 3, 0);
  }
  store<f32>(out, smin);
  store<f32>(out, smax, 4);
}
