// Plain TypeScript twin: src/reference/rng.ts.
// Seeded PRNG for init, splits and batch order: xoshiro128** seeded by splitmix64 (docs/ABI.md).
// State: 4 x u32 at `state`. Separate streams keep split, init and batch order independent.

export function rng_seed(state: usize, seed: u32, stream: u32): void {
  let sm: u64 = (<u64>seed << 32) | <u64>stream;
  for (let i = 0; i < 4; i++) {
    sm += 0x9E3779B97F4A7C15;
    let z = sm;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
    z ^= z >> 31;
    store<u32>(state + (<usize>i << 2), <u32>z);
  }
}

export function rng_next(state: usize): u32 {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const r = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  store<u32>(state, s0); store<u32>(state, s1, 4); store<u32>(state, s2, 8); store<u32>(state, s3, 12);
  return r;
}

/** Uniform in [0, n) without modulo bias (Lemire). */
export function rng_below(state: usize, n: u32): u32 {
  let m: u64 = <u64>rng_next(state) * <u64>n;
  let l = <u32>m;
  if (l < n) {
    const t = (<u32>0 - n) % n;
    while (l < t) {
      m = <u64>rng_next(state) * <u64>n;
      l = <u32>m;
    }
  }
  return <u32>(m >> 32);
}

/** Uniform in the open interval (0, 1) with 53 random bits. */
export function rng_uniform(state: usize): f64 {
  const a = rng_next(state) >>> 5;
  const b = rng_next(state) >>> 6;
  return (<f64>a * 67108864.0 + <f64>b + 0.5) / 9007199254740992.0;
}

export function rng_normal(state: usize): f64 {
  const u1 = rng_uniform(state);
  const u2 = rng_uniform(state);
  return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
}

/** Fisher-Yates over i32[n]: the draws of rng_below, with the state kept in locals (once per epoch
 *  over every training row, so the per-call state loads and stores showed in profiles). */
export function rng_shuffle(state: usize, ptr: usize, n: i32): void {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  for (let i = n - 1; i >= 1; i--) {
    const bound = <u32>(i + 1);
    let m: u64 = 0, l: u32 = 0, t: u32 = 0;
    do {
      // xoshiro128** step, as rng_next
      const r = rotl<u32>(s1 * 5, 7) * 9;
      const u = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= u;
      s3 = rotl<u32>(s3, 11);
      m = <u64>r * <u64>bound;
      l = <u32>m;
      // Lemire's rejection, as rng_below: the threshold is needed only when l < bound
      if (l < bound && t == 0) t = (<u32>0 - bound) % bound;
    } while (l < t);
    const j = <i32>(m >> 32);
    const pi = ptr + (<usize>i << 2), pj = ptr + (<usize>j << 2);
    const v = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, v);
  }
  store<u32>(state, s0); store<u32>(state, s1, 4); store<u32>(state, s2, 8); store<u32>(state, s3, 12);
}

/** f32[n] from a normal truncated at 2 std (redrawn beyond), as TensorFlow's truncated_normal. */
export function init_truncated_normal(state: usize, ptr: usize, n: i32, std: f64): void {
  for (let i = 0; i < n; i++) {
    let z = rng_normal(state);
    while (Math.abs(z) > 2.0) z = rng_normal(state);
    store<f32>(ptr + (<usize>i << 2), <f32>(z * std));
  }
}
