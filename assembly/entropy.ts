// Binned-pattern entropies: bin every unit of a layer for all rows, count the distinct patterns
// exactly (hash table over packed codes; on wide layers a hash match is confirmed by comparing
// whole patterns, so a collision can never merge two patterns), with per-class counts.
import { alloc } from './memory';

export const BIN_EDGES = 0; // reference: edges = f32(linspace(lo, hi, nbins)), numpy digitize
export const BIN_WIDTH = 1; // Saxe et al.: floor(v / width)
const MAX_BINS = 4096;
const NAN_CODE: i32 = i32.MIN_VALUE;

// Context header (i32 fields), all scratch sized once in mi_create.
const C_MAXN = 0, C_MAXU = 4, C_K = 8, C_CAP = 12, C_CODES = 16, C_KEYS = 20, C_SLOTS = 24,
  C_SLOTKEYS = 28, C_REP = 32, C_COUNTS = 36, C_PLOG = 40, C_EDGES = 44, C_CLASS = 48, C_SHIFT = 52, C_MIN = 56;

// @ts-ignore: decorator
@inline function fld(ctx: usize, f: i32): usize { return <usize>load<i32>(ctx + <usize>f); }

export function mi_create(maxN: i32, maxUnits: i32, K: i32): usize {
  const ctx = alloc(64);
  let cap = 16;
  while (cap < 2 * maxN) cap <<= 1;
  const np = (maxN + 3) & ~3;
  store<i32>(ctx + C_MAXN, maxN);
  store<i32>(ctx + C_MAXU, maxUnits);
  store<i32>(ctx + C_K, K);
  store<i32>(ctx + C_CAP, cap);
  store<i32>(ctx + C_CODES, <i32>alloc(<u32>(maxUnits * np * 4)));
  store<i32>(ctx + C_KEYS, <i32>alloc(<u32>(np * 8)));
  store<i32>(ctx + C_SLOTS, <i32>alloc(<u32>(cap * 4)));
  store<i32>(ctx + C_SLOTKEYS, <i32>alloc(<u32>(cap * 8)));
  store<i32>(ctx + C_REP, <i32>alloc(<u32>(maxN * 4)));
  store<i32>(ctx + C_COUNTS, <i32>alloc(<u32>(maxN * (K + 1) * 4)));
  const plog = alloc(<u32>((maxN + 1) * 8));
  store<i32>(ctx + C_PLOG, <i32>plog);
  // c log2 c for every possible count: the entropy sums become table lookups.
  for (let c = 2; c <= maxN; c++) store<f64>(plog + (<usize>c << 3), <f64>c * Math.log2(<f64>c));
  store<i32>(ctx + C_EDGES, <i32>alloc(MAX_BINS * 4));
  store<i32>(ctx + C_CLASS, <i32>alloc(<u32>(K * 4)));
  store<i32>(ctx + C_SHIFT, <i32>alloc(<u32>(maxUnits * 4)));
  store<i32>(ctx + C_MIN, <i32>alloc(<u32>(maxUnits * 4)));
  return ctx;
}

// @ts-ignore: decorator
@inline function mix64(x: u64): u64 {
  x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33;
  return x;
}

/** Cell codes [nUnits][N] (stride N in the codes buffer). */
function bin_codes(codes: usize, edges: usize, act: usize, nUnits: i32, N: i32, B: i32, mode: i32, p1: f64, p2: f64, nbins: i32): void {
  if (mode == BIN_EDGES) {
    // numpy.linspace in float64 (start + k * step, last = stop), then rounded to f32 as the
    // reference code compares float32 activations with float32 edges.
    const step = (p2 - p1) / <f64>(nbins - 1);
    for (let k = 0; k < nbins; k++) store<f32>(edges + (<usize>k << 2), <f32>(k == nbins - 1 ? p2 : p1 + <f64>k * step));
    const lo = load<f32>(edges), hi = load<f32>(edges + (<usize>(nbins - 1) << 2));
    const inv = 1.0 / step;
    const top = nbins - 1;
    for (let u = 0; u < nUnits; u++) {
      const row = act + (<usize>(u * B) << 2), out = codes + (<usize>(u * N) << 2);
      for (let s = 0; s < N; s++) {
        const v = load<f32>(row + (<usize>s << 2));
        let k = top; // v >= hi, v < lo (numpy's index -1 wraps to the top edge) and NaN
        if (v >= lo && v < hi) {
          // estimate, then correct against the exact f32 edges: digitize - 1
          k = <i32>((<f64>v - p1) * inv);
          if (k > top - 1) k = top - 1;
          if (k < 0) k = 0;
          while (k < top - 1 && load<f32>(edges + (<usize>(k + 1) << 2)) <= v) k++;
          while (k > 0 && load<f32>(edges + (<usize>k << 2)) > v) k--;
        }
        store<i32>(out + (<usize>s << 2), k);
      }
    }
  } else {
    for (let u = 0; u < nUnits; u++) {
      const row = act + (<usize>(u * B) << 2), out = codes + (<usize>(u * N) << 2);
      for (let s = 0; s < N; s++) {
        const q = Math.floor(<f64>load<f32>(row + (<usize>s << 2)) / p1);
        // NaN gets a code of its own; huge values saturate (a cell that far out is unique anyway)
        const k: i32 = q != q ? NAN_CODE : q > 1e9 ? 1000000000 : q < -1e9 ? -1000000000 : <i32>q;
        store<i32>(out + (<usize>s << 2), k);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function same_pattern(codes: usize, nUnits: i32, N: i32, a: i32, b: i32): bool {
  for (let u = 0; u < nUnits; u++) {
    const r = codes + (<usize>(u * N) << 2);
    if (load<i32>(r + (<usize>a << 2)) != load<i32>(r + (<usize>b << 2))) return false;
  }
  return true;
}

// mi_binned: act [nUnits][B], y i32[N] -> out f64[3] = H(T), sum_y p(y) H(T|Y=y), #patterns (bits)
export function mi_binned(ctx: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, mode: i32, p1: f64, p2: f64, nbins: i32, out: usize): void {
  const K = load<i32>(ctx + C_K);
  const codes = fld(ctx, C_CODES), keys = fld(ctx, C_KEYS), slots = fld(ctx, C_SLOTS), slotKeys = fld(ctx, C_SLOTKEYS);
  const rep = fld(ctx, C_REP), counts = fld(ctx, C_COUNTS), plog = fld(ctx, C_PLOG), classN = fld(ctx, C_CLASS);
  const shift = fld(ctx, C_SHIFT), minc = fld(ctx, C_MIN);
  bin_codes(codes, fld(ctx, C_EDGES), act, nUnits, N, B, mode, p1, p2, nbins);

  // Pack each row's codes into 64 bits when the per-unit code ranges allow: then the key is the
  // pattern itself. Otherwise the key is a hash and equal keys are checked pattern by pattern.
  let bits = 0;
  for (let u = 0; u < nUnits; u++) {
    const r = codes + (<usize>(u * N) << 2);
    let lo = i32.MAX_VALUE, hi = i32.MIN_VALUE;
    for (let s = 0; s < N; s++) {
      const c = load<i32>(r + (<usize>s << 2));
      lo = min(lo, c); hi = max(hi, c);
    }
    const range = <u32>(hi - lo);
    const w = range == 0 ? 0 : 32 - <i32>clz<u32>(range);
    store<i32>(minc + (<usize>u << 2), lo);
    store<i32>(shift + (<usize>u << 2), bits);
    bits += w;
  }
  const packed = bits <= 64;
  for (let s = 0; s < N; s++) store<u64>(keys + (<usize>s << 3), packed ? 0 : 0x9E3779B97F4A7C15);
  for (let u = 0; u < nUnits; u++) {
    const r = codes + (<usize>(u * N) << 2);
    const lo = load<i32>(minc + (<usize>u << 2));
    const sh = <u64>load<i32>(shift + (<usize>u << 2));
    for (let s = 0; s < N; s++) {
      const kp = keys + (<usize>s << 3);
      const c = <u64><u32>(load<i32>(r + (<usize>s << 2)) - lo);
      if (packed) store<u64>(kp, load<u64>(kp) | (sh < 64 ? c << sh : 0));
      else store<u64>(kp, mix64(load<u64>(kp) ^ c) + <u64>u);
    }
  }

  let cap = 16;
  while (cap < 2 * N) cap <<= 1;
  const mask = cap - 1;
  memory.fill(slots, 0xff, <usize>cap << 2);
  memory.fill(classN, 0, <usize>K << 2);
  const stride = K + 1;
  let nP = 0;
  for (let s = 0; s < N; s++) {
    const key = load<u64>(keys + (<usize>s << 3));
    let h = <i32>(mix64(key) & <u64>mask);
    let p = -1;
    while (true) {
      const q = load<i32>(slots + (<usize>h << 2));
      if (q < 0) break;
      if (load<u64>(slotKeys + (<usize>h << 3)) == key && (packed || same_pattern(codes, nUnits, N, load<i32>(rep + (<usize>q << 2)), s))) { p = q; break; }
      h = (h + 1) & mask;
    }
    if (p < 0) {
      p = nP++;
      store<i32>(slots + (<usize>h << 2), p);
      store<u64>(slotKeys + (<usize>h << 3), key);
      store<i32>(rep + (<usize>p << 2), s);
      memory.fill(counts + (<usize>(p * stride) << 2), 0, <usize>stride << 2);
    }
    const yc = load<i32>(y + (<usize>s << 2));
    const cp = counts + (<usize>(p * stride) << 2);
    store<i32>(cp, load<i32>(cp) + 1);
    store<i32>(cp + (<usize>(1 + yc) << 2), load<i32>(cp + (<usize>(1 + yc) << 2)) + 1);
    store<i32>(classN + (<usize>yc << 2), load<i32>(classN + (<usize>yc << 2)) + 1);
  }

  // H = log2 N - (1/N) sum c log2 c; sum_y p(y) H(T|y) = (1/N) sum_y [N_y log2 N_y - sum_t c_ty log2 c_ty]
  let sT: f64 = 0, sTY: f64 = 0;
  for (let p = 0; p < nP; p++) {
    const cp = counts + (<usize>(p * stride) << 2);
    sT += load<f64>(plog + (<usize>load<i32>(cp) << 3));
    for (let k = 0; k < K; k++) sTY += load<f64>(plog + (<usize>load<i32>(cp + (<usize>(1 + k) << 2)) << 3));
  }
  let sY: f64 = 0;
  for (let k = 0; k < K; k++) sY += load<f64>(plog + (<usize>load<i32>(classN + (<usize>k << 2)) << 3));
  const n = <f64>N;
  store<f64>(out, Math.log2(n) - sT / n);
  store<f64>(out, (sY - sTY) / n, 8);
  store<f64>(out, <f64>nP, 16);
}
