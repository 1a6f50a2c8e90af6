// Small helpers shared by the kernels. No plain TypeScript twin: every kernel's twin in
// src/reference/ covers them.

/** n rounded up to a multiple of 4: the padded sample count of a [unit][sample] buffer. */
// @ts-ignore: decorator
@inline export function pad4(n: i32): i32 { return (n + 3) & ~3; }

/** acc + a * b in four lanes. The default build rounds twice (not fused), so every runtime gives
 *  the same bits. The relaxed builds (`--enable relaxed-simd`, opt-in) use f32x4.relaxed_madd,
 *  which the runtime may fuse (one rounding) or not: faster, but the low bits depend on the host. */
// @ts-ignore: decorator
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** The four lanes of v summed in f32, left to right. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** The four lanes of v summed in f64, left to right. */
// @ts-ignore: decorator
@inline export function hsum64(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** Bytes alloc() hands out for a request of `bytes`: rounded up to 16. In f64, so that sizes past
 *  4 GiB can be reported before anything is allocated. */
// @ts-ignore: decorator
@inline export function alloc_size(bytes: f64): f64 { return Math.ceil(bytes / 16) * 16; }
