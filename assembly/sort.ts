// Plain TypeScript twin: src/reference/adaptive.ts (refSortedUnique, refActRange).
// Sorted distinct f32 values, for the adaptive (EBAB) binning, which needs the distinct values of a
// whole layer at a few ranks. A bucket sort on the value: the layer's finite range is cut into G
// equal buckets by an f32 formula that is monotone in the value (so the buckets in order hold
// the values in order, and equal values share a bucket), the u32 order keys are scattered into
// their buckets, and buckets larger than WINDOW are sorted on their own. Then a key equal to one
// up to WINDOW - 1 places before it is a repeat, which SIMD compares find without sorting the
// small buckets; only the buckets that hold a wanted rank are sorted.

const MIN_BUCKETS = 1024;
const MAX_BUCKETS = 1 << 16;
const WINDOW = 8; // buckets up to this size stay unsorted; the repeat test looks back WINDOW - 1
const SMALL = 64; // larger buckets up to this size are sorted by insertion, the rest by radix
const DIGIT = 256; // radix of the sort of a large bucket

/** u32 key whose unsigned order is the f32 order; -0 becomes +0 (one value). */
// @ts-ignore: decorator
@inline function order_key(bits: u32): u32 {
  if (bits == 0x80000000) bits = 0;
  return (bits & 0x80000000) != 0 ? ~bits : bits | 0x80000000;
}

// @ts-ignore: decorator
@inline function key_bits(key: u32): u32 {
  return (key & 0x80000000) != 0 ? key ^ 0x80000000 : ~key;
}

/** Number of buckets for n values: a power of two >= n / 2, within [MIN_BUCKETS, MAX_BUCKETS]. */
function n_buckets(n: i32): i32 {
  let g = MIN_BUCKETS;
  while (2 * g < n && g < MAX_BUCKETS) g <<= 1;
  return g;
}

/** Bytes of scratch `sort_unique_f32` needs for n values: a work area u32[n], WINDOW zero keys
 *  then the keys in bucket order u32[n], bucket ends u32[G + 4], the list of large buckets
 *  u32[n / (WINDOW + 1) + 4], a digit histogram u32[DIGIT] and a small sort buffer u32[WINDOW]. */
/** sort_scratch_bytes in f64, for any n (sizing: the count may pass i32). */
export function sort_scratch_size(n: f64): f64 {
  return Math.ceil(n / 4) * 32 + WINDOW * 4 + <f64>(n_buckets(<i32>Math.min(n, 1073741824.0)) + 4) * 4 +
    (Math.floor(n / <f64>(WINDOW + 1)) + 4) * 4 + DIGIT * 4 + WINDOW * 4;
}

export function sort_scratch_bytes(n: i32): u32 {
  return <u32>(((n + 3) & ~3) * 8 + WINDOW * 4 + (n_buckets(n) + 4) * 4 + (n / (WINDOW + 1) + 4) * 4 + DIGIT * 4 + WINDOW * 4);
}

/** Finite min and max of act [nUnits][B] (first N columns) to out f32[2]; (+inf, -inf) if none. */
export function finite_range(act: usize, nUnits: i32, N: i32, B: i32, out: usize): void {
  const inf = f32x4.splat(Infinity);
  let vmin = inf, vmax = f32x4.neg(inf);
  let smin: f32 = Infinity, smax: f32 = -Infinity;
  const n4 = N & ~3;
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < n4; s += 4) {
      const v = v128.load(row + (<usize>s << 2));
      const finite = f32x4.lt(f32x4.abs(v), inf);
      vmin = v128.bitselect(f32x4.min(vmin, v), vmin, finite);
      vmax = v128.bitselect(f32x4.max(vmax, v), vmax, finite);
    }
    for (let s = n4; s < N; s++) {
      const v = load<f32>(row + (<usize>s << 2));
      if (Mathf.abs(v) < Infinity) { smin = Mathf.min(smin, v); smax = Mathf.max(smax, v); }
    }
  }
  smin = Mathf.min(Mathf.min(smin, f32x4.extract_lane(vmin, 0)), Mathf.min(f32x4.extract_lane(vmin, 1), Mathf.min(f32x4.extract_lane(vmin, 2), f32x4.extract_lane(vmin, 3))));
  smax = Mathf.max(Mathf.max(smax, f32x4.extract_lane(vmax, 0)), Mathf.max(f32x4.extract_lane(vmax, 1), Mathf.max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3))));
  store<f32>(out, smin);
  store<f32>(out, smax, 4);
}

/** The bucket of one value: min(trunc((v - lo) * inv), G - 1), with -inf in 0, +inf in G - 1
 *  (inv > 0) and NaN in G (left out). Monotone in v: f32 subtraction and multiplication by a
 *  positive constant never reverse an order. */
// @ts-ignore: decorator
@inline function bucket_of(v: f32, lo: f32, inv: f32, G: i32): i32 {
  if (v != v) return G;
  return min(max(<i32>((v - lo) * inv), 0), G - 1);
}

/** Sorts keys u32[n] ascending by insertion. */
// @ts-ignore: decorator
@inline function insertion_sort(keys: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0) {
      const kj = load<u32>(keys + (<usize>j << 2));
      if (kj <= k) break;
      store<u32>(keys + (<usize>(j + 1) << 2), kj);
      j--;
    }
    store<u32>(keys + (<usize>(j + 1) << 2), k);
  }
}

/** Sorts keys u32[n] ascending by an LSD radix sort of (key - min key), 8 bits a pass, as many
 *  passes as the span of the keys needs (scratch: tmp u32[n], hist u32[DIGIT]). */
function radix_sort_span(keys: usize, tmp: usize, n: i32, hist: usize): void {
  let kmin: u32 = 0xFFFFFFFF, kmax: u32 = 0;
  for (let i = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    kmin = min(kmin, k);
    kmax = max(kmax, k);
  }
  const span = kmax - kmin;
  let src = keys, dst = tmp;
  for (let shift: u32 = 0; shift < 32 && (span >> shift) != 0; shift += 8) {
    for (let d = 0; d < DIGIT; d += 4) v128.store(hist + (<usize>d << 2), i32x4.splat(0));
    for (let i = 0; i < n; i++) {
      const h = hist + (<usize>(((load<u32>(src + (<usize>i << 2)) - kmin) >> shift) & 0xFF) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
    let sum: u32 = 0;
    for (let d = 0; d < DIGIT; d++) {
      const h = hist + (<usize>d << 2);
      const c = load<u32>(h);
      store<u32>(h, sum);
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = load<u32>(src + (<usize>i << 2));
      const h = hist + (<usize>(((k - kmin) >> shift) & 0xFF) << 2);
      const at = load<u32>(h);
      store<u32>(h, at + 1);
      store<u32>(dst + (<usize>at << 2), k);
    }
    const t = src; src = dst; dst = t;
  }
  if (src != keys) memory.copy(keys, src, <usize>n << 2);
}

// Scratch layout of bucket_keys (byte offsets from scratch) for n values, G buckets.
// @ts-ignore: decorator
@inline function sorted_at(scratch: usize, n: i32): usize { return scratch + (<usize>((n + 3) & ~3) << 2) + WINDOW * 4; }
// @ts-ignore: decorator
@inline function ends_at(scratch: usize, n: i32): usize { return sorted_at(scratch, n) + (<usize>((n + 3) & ~3) << 2); }
// @ts-ignore: decorator
@inline function large_at(scratch: usize, n: i32, G: i32): usize { return ends_at(scratch, n) + (<usize>(G + 4) << 2); }
// @ts-ignore: decorator
@inline function digits_at(scratch: usize, n: i32, G: i32): usize { return large_at(scratch, n, G) + (<usize>(n / (WINDOW + 1) + 4) << 2); }

/** Bucket sort, first stage: the order keys of act [nUnits][B] (first N columns) in bucket order
 *  at sorted_at (NaN left out, after WINDOW zero keys that no value has), bucket b ending at
 *  ends[b], buckets larger than WINDOW sorted. Returns the number of keys (values without NaN). */
function bucket_keys(act: usize, nUnits: i32, N: i32, B: i32, scratch: usize): i32 {
  const total = nUnits * N, G = n_buckets(total);
  const work = scratch; // the radix sort's second buffer
  const sorted = sorted_at(scratch, total), ends = ends_at(scratch, total);
  const large = large_at(scratch, total, G), digits = digits_at(scratch, total, G);

  // the range: pmin / pmax skip NaN; an infinite end takes the slower finite-only pass
  const n4 = N & ~3;
  let vmin = f32x4.splat(Infinity), vmax = f32x4.splat(-Infinity);
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < n4; s += 4) {
      const v = v128.load(row + (<usize>s << 2));
      vmin = f32x4.pmin(vmin, v);
      vmax = f32x4.pmax(vmax, v);
    }
  }
  let lo = Mathf.min(Mathf.min(f32x4.extract_lane(vmin, 0), f32x4.extract_lane(vmin, 1)), Mathf.min(f32x4.extract_lane(vmin, 2), f32x4.extract_lane(vmin, 3)));
  let hi = Mathf.max(Mathf.max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), Mathf.max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
  if (n4 < N || !(Mathf.abs(lo) < Infinity) || !(Mathf.abs(hi) < Infinity)) {
    finite_range(act, nUnits, N, B, ends);
    lo = load<f32>(ends);
    hi = load<f32>(ends, 4);
  }
  let inv = <f32>G / (hi - lo); // 0 (one bucket) when there is no finite range
  if (!(inv > 0 && inv < Infinity)) inv = 0;

  // the count of bucket b in ends[b + 1] (NaN: bucket G)
  for (let b = 0; b < G + 4; b += 4) v128.store(ends + (<usize>b << 2), i32x4.splat(0));
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vlast = i32x4.splat(G - 1), vnan = i32x4.splat(G);
  const vzero = i32x4.splat(0), vsign = i32x4.splat(0x80000000);
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < n4; s += 4) {
      const v = v128.load(row + (<usize>s << 2));
      let g = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.sub(v, vlo), vinv)), vzero), vlast);
      g = v128.bitselect(vnan, g, f32x4.ne(v, v));
      const h0 = ends + (<usize>(i32x4.extract_lane(g, 0) + 1) << 2);
      store<u32>(h0, load<u32>(h0) + 1);
      const h1 = ends + (<usize>(i32x4.extract_lane(g, 1) + 1) << 2);
      store<u32>(h1, load<u32>(h1) + 1);
      const h2 = ends + (<usize>(i32x4.extract_lane(g, 2) + 1) << 2);
      store<u32>(h2, load<u32>(h2) + 1);
      const h3 = ends + (<usize>(i32x4.extract_lane(g, 3) + 1) << 2);
      store<u32>(h3, load<u32>(h3) + 1);
    }
    for (let s = n4; s < N; s++) {
      const h = ends + (<usize>(bucket_of(load<f32>(row + (<usize>s << 2)), lo, inv, G) + 1) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  // ends[b] = start of bucket b for now; note the large buckets
  let sum: u32 = 0, nLarge = 0;
  for (let b = 0; b <= G; b++) {
    const h = ends + (<usize>b << 2);
    const c = load<u32>(h);
    if (c > <u32>WINDOW) { store<i32>(large + (<usize>nLarge << 2), b - 1); nLarge++; }
    sum += c;
    store<u32>(h, sum);
  }
  const n = <i32>load<u32>(ends + (<usize>G << 2));
  // scatter the order keys (the buckets again, not stored: that is slower): afterwards ends[b]
  // is the end of bucket b
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < n4; s += 4) {
      const v = v128.load(row + (<usize>s << 2));
      // order key: -0 -> +0, then negative -> ~bits, non-negative -> bits | sign
      const bits = v128.andnot(v, i32x4.eq(v, vsign));
      const key = v128.xor(bits, v128.or(i32x4.shr_s(bits, 31), vsign));
      let g = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.sub(v, vlo), vinv)), vzero), vlast);
      g = v128.bitselect(vnan, g, f32x4.ne(v, v));
      const h0 = ends + (<usize>i32x4.extract_lane(g, 0) << 2);
      const t0 = load<u32>(h0);
      store<u32>(h0, t0 + 1);
      store<u32>(sorted + (<usize>t0 << 2), i32x4.extract_lane(key, 0));
      const h1 = ends + (<usize>i32x4.extract_lane(g, 1) << 2);
      const t1 = load<u32>(h1);
      store<u32>(h1, t1 + 1);
      store<u32>(sorted + (<usize>t1 << 2), i32x4.extract_lane(key, 1));
      const h2 = ends + (<usize>i32x4.extract_lane(g, 2) << 2);
      const t2 = load<u32>(h2);
      store<u32>(h2, t2 + 1);
      store<u32>(sorted + (<usize>t2 << 2), i32x4.extract_lane(key, 2));
      const h3 = ends + (<usize>i32x4.extract_lane(g, 3) << 2);
      const t3 = load<u32>(h3);
      store<u32>(h3, t3 + 1);
      store<u32>(sorted + (<usize>t3 << 2), i32x4.extract_lane(key, 3));
    }
    for (let s = n4; s < N; s++) {
      const v = load<f32>(row + (<usize>s << 2));
      const h = ends + (<usize>bucket_of(v, lo, inv, G) << 2);
      const to = load<u32>(h);
      store<u32>(h, to + 1);
      store<u32>(sorted + (<usize>to << 2), order_key(reinterpret<u32>(v)));
    }
  }
  for (let i = 0; i < nLarge; i++) {
    const b = load<i32>(large + (<usize>i << 2)); // in [0, G): the NaN bucket's count is never listed
    const begin = b == 0 ? 0 : <i32>load<u32>(ends + (<usize>(b - 1) << 2)), c = <i32>load<u32>(ends + (<usize>b << 2)) - begin;
    if (c <= SMALL) insertion_sort(sorted + (<usize>begin << 2), c);
    else radix_sort_span(sorted + (<usize>begin << 2), work, c, digits);
  }
  v128.store(sorted - WINDOW * 4, i32x4.splat(0));
  v128.store(sorted - WINDOW * 4 + 16, i32x4.splat(0));
  return n;
}

/** Sorted distinct values without NaN of act [nUnits][B] (first N columns), -0 counted as 0:
 *  writes them to out f32[] and returns how many. scratch: sort_scratch_bytes(nUnits * N). */
export function sort_unique_f32(act: usize, nUnits: i32, N: i32, B: i32, out: usize, scratch: usize): i32 {
  const total = nUnits * N, G = n_buckets(total);
  const n = bucket_keys(act, nUnits, N, B, scratch);
  const sorted = sorted_at(scratch, total), ends = ends_at(scratch, total);
  let begin = 0;
  for (let b = 0; b < G; b++) {
    const end = <i32>load<u32>(ends + (<usize>b << 2));
    if (end - begin > 1 && end - begin <= WINDOW) insertion_sort(sorted + (<usize>begin << 2), end - begin);
    begin = end;
  }
  let m = 0;
  let prev: u32 = 0;
  for (let i = 0; i < n; i++) {
    const k = load<u32>(sorted + (<usize>i << 2));
    if (i > 0 && k == prev) continue;
    store<u32>(out + (<usize>m << 2), key_bits(k));
    prev = k;
    m++;
  }
  return m;
}

/** The distinct values without NaN (-0 counted as 0) of act [nUnits][B] (first N columns) at the
 *  EBAB ranks: with U sorted and M = |U|, out f32[nbins + 1] = U[floor(k M / nbins)] for
 *  k < nbins, then U[M - 1]. Returns M (out untouched when 0). scratch: sort_scratch_bytes(nUnits * N). */
export function unique_quantiles_f32(act: usize, nUnits: i32, N: i32, B: i32, nbins: i32, out: usize, scratch: usize): i32 {
  const total = nUnits * N, G = n_buckets(total);
  const n = bucket_keys(act, nUnits, N, B, scratch);
  const sorted = sorted_at(scratch, total), ends = ends_at(scratch, total);
  const repeats = scratch; // positions of keys equal to an earlier key (in the work area)
  const small = digits_at(scratch, total, G) + DIGIT * 4;

  // a repeat equals a key up to WINDOW - 1 places before it: in its bucket, sorted when larger
  let nRep = 0;
  for (let i = 0; i < n; i += 4) {
    const p = sorted + (<usize>i << 2);
    const v = v128.load(p);
    let eq = i32x4.eq(v, v128.load(p - 4));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 8)));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 12)));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 16)));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 20)));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 24)));
    eq = v128.or(eq, i32x4.eq(v, v128.load(p - 28)));
    const mask = i32x4.bitmask(eq);
    if (mask != 0) {
      for (let l = 0; l < 4; l++) {
        if ((mask >> l) & 1 && i + l < n) { store<i32>(repeats + (<usize>nRep << 2), i + l); nRep++; }
      }
    }
  }
  const M = n - nRep;
  if (M == 0) return 0;

  // rank r: its key is the r-th non-repeat in bucket order; it lies in that key's bucket, where
  // the distinct keys before the bucket are its start less the repeats before the start
  let j = 0; // repeats at positions <= r + j
  for (let k = 0; k <= nbins; k++) {
    const r = k < nbins ? <i32>(<i64>k * <i64>M / <i64>nbins) : M - 1;
    while (j < nRep && load<i32>(repeats + (<usize>j << 2)) <= r + j) j++;
    const p = r + j;
    let a = 0, b = G - 1; // the bucket holding p: the first with end > p
    while (a < b) {
      const mid = (a + b) >> 1;
      if (<i32>load<u32>(ends + (<usize>mid << 2)) > p) b = mid;
      else a = mid + 1;
    }
    const begin = a == 0 ? 0 : <i32>load<u32>(ends + (<usize>(a - 1) << 2));
    const c = <i32>load<u32>(ends + (<usize>a << 2)) - begin;
    let x = 0, y = nRep; // repeats before begin
    while (x < y) {
      const mid = (x + y) >> 1;
      if (load<i32>(repeats + (<usize>mid << 2)) < begin) x = mid + 1;
      else y = mid;
    }
    const local = r - (begin - x);
    let keys = sorted + (<usize>begin << 2);
    if (c > 1 && c <= WINDOW) {
      for (let i = 0; i < c; i++) store<u32>(small + (<usize>i << 2), load<u32>(keys + (<usize>i << 2)));
      insertion_sort(small, c);
      keys = small;
    }
    let key = load<u32>(keys), d = 0;
    for (let i = 1; d < local; i++) {
      const ki = load<u32>(keys + (<usize>i << 2));
      if (ki != key) { key = ki; d++; }
    }
    store<u32>(out + (<usize>k << 2), key_bits(key));
  }
  return M;
}
