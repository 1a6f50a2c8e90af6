// Sorting f32 values by an LSD radix sort of order-preserving u32 keys: three passes of 11, 11 and
// 10 bits, all histograms from one read. Used by the adaptive (EBAB) binning, which needs the
// sorted distinct values of a whole layer.

const RADIX = 2048;

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

/** Bytes of scratch `sort_unique_f32` needs for n values (keys, ping-pong copy, histograms). */
export function sort_scratch_bytes(n: i32): u32 {
  return <u32>(((n + 3) & ~3) * 8 + 3 * RADIX * 4);
}

/** One counting pass of the LSD sort: src u32[n] -> dst u32[n] by digit (key >> shift) & mask,
 *  with hist holding the digit counts on entry (turned into start offsets here). */
function radix_pass(src: usize, dst: usize, n: i32, hist: usize, shift: u32, mask: u32): void {
  let sum: u32 = 0;
  for (let d = 0; d < RADIX; d++) {
    const p = hist + (<usize>d << 2);
    const c = load<u32>(p);
    store<u32>(p, sum);
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = load<u32>(src + (<usize>i << 2));
    const p = hist + (<usize>((k >> shift) & mask) << 2);
    const at = load<u32>(p);
    store<u32>(p, at + 1);
    store<u32>(dst + (<usize>at << 2), k);
  }
}

/** Collects the keys of act [nUnits][B] (first N columns of each unit), NaN left out; returns
 *  how many. */
function gather_keys(keys: usize, act: usize, nUnits: i32, N: i32, B: i32): i32 {
  let m = 0;
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    for (let s = 0; s < N; s++) {
      const bits = load<u32>(row + (<usize>s << 2));
      if ((bits & 0x7FFFFFFF) > 0x7F800000) continue; // NaN
      store<u32>(keys + (<usize>m << 2), order_key(bits));
      m++;
    }
  }
  return m;
}

/** Sorts keys u32[n] ascending (scratch: tmp u32[n], hist u32[3 * RADIX]); returns the buffer
 *  that holds the result (keys or tmp). */
function radix_sort(keys: usize, tmp: usize, n: i32, hist: usize): usize {
  memory.fill(hist, 0, 3 * RADIX * 4);
  for (let i = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    const h0 = hist + (<usize>(k & 0x7FF) << 2);
    const h1 = hist + (<usize>(RADIX + ((k >> 11) & 0x7FF)) << 2);
    const h2 = hist + (<usize>(2 * RADIX + (k >> 22)) << 2);
    store<u32>(h0, load<u32>(h0) + 1);
    store<u32>(h1, load<u32>(h1) + 1);
    store<u32>(h2, load<u32>(h2) + 1);
  }
  let src = keys, dst = tmp;
  for (let pass = 0; pass < 3; pass++) {
    const h = hist + (<usize>(pass * RADIX) << 2);
    const shift = <u32>(pass * 11);
    // a pass whose digit is the same for all keys would only copy: skip it
    let single = false;
    if (n > 0) {
      const d0 = (load<u32>(src) >> shift) & 0x7FF;
      single = load<u32>(h + (<usize>d0 << 2)) == <u32>n;
    }
    if (single) continue;
    radix_pass(src, dst, n, h, shift, 0x7FF);
    const t = src; src = dst; dst = t;
  }
  return src;
}

/** Sorted distinct values without NaN of act [nUnits][B] (first N columns), -0 counted as 0:
 *  writes them to out f32[] and returns how many. scratch: sort_scratch_bytes(nUnits * N). */
export function sort_unique_f32(act: usize, nUnits: i32, N: i32, B: i32, out: usize, scratch: usize): i32 {
  const total = nUnits * N;
  const keys = scratch, tmp = scratch + (<usize>((total + 3) & ~3) << 2);
  const hist = tmp + (<usize>((total + 3) & ~3) << 2);
  const n = gather_keys(keys, act, nUnits, N, B);
  const sorted = radix_sort(keys, tmp, n, hist);
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
