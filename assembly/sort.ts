// Sorting f32 values by a bucket sort on the value: the layer's finite range is cut into G equal
// buckets (an f32 formula that is monotone in the value, so sorted buckets in order are the sorted
// whole), the u32 order keys are scattered into their buckets, and each bucket is sorted on its
// own: by insertion when small (nearly all are), else by an LSD radix sort over the bucket's key
// span. Activations fill a bounded range fairly evenly, so this touches every value about three
// times where a full radix sort of 32-bit keys touches it seven. Used by the adaptive (EBAB)
// binning, which needs the sorted distinct values of a whole layer.

const MIN_BUCKETS = 1024;
const MAX_BUCKETS = 1 << 16;
const SMALL = 24; // buckets up to this size are sorted by insertion
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

/** Number of buckets for n values: a power of two >= n, within [MIN_BUCKETS, MAX_BUCKETS]. */
function n_buckets(n: i32): i32 {
  let g = MIN_BUCKETS;
  while (g < n && g < MAX_BUCKETS) g <<= 1;
  return g;
}

/** Bytes of scratch `sort_unique_f32` needs for n values: keys, bucket of each key, the keys in
 *  bucket order (u32[n] each), bucket offsets u32[G + 1] and a digit histogram u32[DIGIT]. */
export function sort_scratch_bytes(n: i32): u32 {
  return <u32>(((n + 3) & ~3) * 12 + (n_buckets(n) + 4) * 4 + DIGIT * 4);
}

/** Finite min and max of act [nUnits][B] (first N columns) to out f32[2]; (+inf, -inf) if none. */
function finite_range(act: usize, nUnits: i32, N: i32, B: i32, out: usize): void {
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

/** Sorted distinct values without NaN of act [nUnits][B] (first N columns), -0 counted as 0:
 *  writes them to out f32[] and returns how many. scratch: sort_scratch_bytes(nUnits * N). */
export function sort_unique_f32(act: usize, nUnits: i32, N: i32, B: i32, out: usize, scratch: usize): i32 {
  const total = nUnits * N, np = <usize>((total + 3) & ~3) << 2;
  const G = n_buckets(total);
  const keys = scratch, bucket = keys + np, sorted = bucket + np, start = sorted + np;
  const digitHist = start + (<usize>(G + 4) << 2);

  finite_range(act, nUnits, N, B, start);
  const lo = load<f32>(start), hi = load<f32>(start, 4);
  let inv = <f32>G / (hi - lo); // 0 (one bucket) when there is no finite range
  if (!(inv > 0 && inv < Infinity)) inv = 0;

  // keys and buckets of all values, bucket counts in start[1 + b]
  for (let b = 0; b < G + 4; b += 4) v128.store(start + (<usize>b << 2), i32x4.splat(0));
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vlast = i32x4.splat(G - 1), vnan = i32x4.splat(G);
  const vzero = i32x4.splat(0), vsign = i32x4.splat(0x80000000);
  const n4 = N & ~3;
  let at = 0;
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < n4; s += 4) {
      const v = v128.load(row + (<usize>s << 2));
      // order key: -0 -> +0, then negative -> ~bits, non-negative -> bits | sign
      const bits = v128.andnot(v, i32x4.eq(v, vsign));
      const key = v128.xor(bits, v128.or(i32x4.shr_s(bits, 31), vsign));
      let g = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.sub(v, vlo), vinv)), vzero), vlast);
      g = v128.bitselect(vnan, g, f32x4.ne(v, v));
      const kp = keys + (<usize>at << 2), gp = bucket + (<usize>at << 2);
      v128.store(kp, key);
      v128.store(gp, g);
      const h0 = start + (<usize>(i32x4.extract_lane(g, 0) + 1) << 2);
      store<u32>(h0, load<u32>(h0) + 1);
      const h1 = start + (<usize>(i32x4.extract_lane(g, 1) + 1) << 2);
      store<u32>(h1, load<u32>(h1) + 1);
      const h2 = start + (<usize>(i32x4.extract_lane(g, 2) + 1) << 2);
      store<u32>(h2, load<u32>(h2) + 1);
      const h3 = start + (<usize>(i32x4.extract_lane(g, 3) + 1) << 2);
      store<u32>(h3, load<u32>(h3) + 1);
      at += 4;
    }
    for (let s = n4; s < N; s++) {
      const v = load<f32>(row + (<usize>s << 2));
      const g = bucket_of(v, lo, inv, G);
      store<u32>(keys + (<usize>at << 2), order_key(reinterpret<u32>(v)));
      store<u32>(bucket + (<usize>at << 2), g);
      const h = start + (<usize>(g + 1) << 2);
      store<u32>(h, load<u32>(h) + 1);
      at++;
    }
  }
  // start[b] = first slot of bucket b (NaN, bucket G, last and left out)
  let sum: u32 = 0;
  for (let b = 0; b <= G; b++) {
    const h = start + (<usize>b << 2);
    sum += load<u32>(h);
    store<u32>(h, sum);
  }
  const n = <i32>load<u32>(start + (<usize>G << 2));
  // scatter: afterwards start[b] is the end of bucket b, i.e. the start of b + 1
  for (let i = 0; i < total; i++) {
    const h = start + (<usize>load<u32>(bucket + (<usize>i << 2)) << 2);
    const to = load<u32>(h);
    store<u32>(h, to + 1);
    store<u32>(sorted + (<usize>to << 2), load<u32>(keys + (<usize>i << 2)));
  }
  let begin: i32 = 0;
  for (let b = 0; b < G; b++) {
    const end = <i32>load<u32>(start + (<usize>b << 2));
    const c = end - begin;
    if (c > 1) {
      if (c <= SMALL) insertion_sort(sorted + (<usize>begin << 2), c);
      else radix_sort_span(sorted + (<usize>begin << 2), keys, c, digitHist);
    }
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
