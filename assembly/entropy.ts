// Binned-pattern entropies. Plain TypeScript twins: src/reference/mi.ts (refMiBinned) and, for
// explicit edges, act_range and EBAB, src/reference/adaptive.ts. Bin every unit of a layer for all
// rows and count the distinct patterns exactly, with per-class counts. A row's pattern is packed into a u64 key when the code ranges
// fit (then the key is the pattern); otherwise the key is a hash and a key match is confirmed by
// comparing the whole pattern, so a collision can never merge two patterns.
import { alloc, take, is_sizing, size_begin, size_end } from './memory';
import { unique_quantiles_f32, sort_scratch_size, finite_range } from './sort';
import { barrier, share } from './team';

export const BIN_EDGES = 0; // reference: edges = f32(linspace(lo, hi, nbins)), numpy digitize
export const BIN_WIDTH = 1; // Saxe et al.: floor(v / width)
export const BIN_EXPLICIT = 2; // explicit sorted f32 edges (adaptive binning), numpy digitize
export const BIN_LEVELS = 3; // a quantized layer's levels lo + k step: k = floor((v - lo) / step + 1/2), p1 = lo, p2 = 1/step, nbins levels
const GOLDEN: u64 = 0x9E3779B97F4A7C15;
const MAX_BINS = 1 << 16;
// Explicit edges: a uniform grid over [edges[0], edges[top]) gives most values their cell in one
// lookup; values in the few grid cells that hold an edge take a binary search.
const GRID = 8192;
const GRID_MIXED = -1;

/** The scratch of mi_binned, sized once in mi_create, and the binning rule of the current call. */
@unmanaged class MiCtx {
  K: i32;
  keys: usize;   // u64 [Np]: one key per row
  slots: usize;  // [cap] hash slots: key u64, pattern id + 1 i32 (0 = empty), 4 bytes unused
  pcount: usize; // i32 [maxN][K]: rows per pattern and class
  rep: usize;    // i32 [maxN]: a pattern's first row
  used: usize;   // i32 [maxN]: a pattern's slot
  plog: usize;   // f64 [maxN + 1]: c log2 c
  classN: usize; // i32 [K]
  width: usize;  // i32 [maxUnits]: a unit's bits in a packed key
  minc: usize;   // i64 [maxUnits]: a unit's smallest cell
  edges: usize;  // f32 [MAX_BINS] edges, then i32 [GRID] the explicit-edges grid
  // the rule of the current call, for the pattern comparison of hashed keys
  mode: i32;
  top: i32;      // the top cell, nbins - 1
  p1: f64;       // lowest edge (edges, explicit) or width
  inv: f64;      // cells per unit of value (edges), grid cells per unit (explicit; 0 = no grid)
}
const SLOT = 16;

// @ts-ignore: decorator
@inline function log_cap(n: i32): i32 { let l = 4; while ((1 << l) < 2 * n) l++; return l; }

// mi_create: scratch for up to maxN rows of up to maxUnits units and K classes
export function mi_create(maxN: i32, maxUnits: i32, K: i32): usize {
  const ctx = changetype<MiCtx>(take(<f64>offsetof<MiCtx>(), true));
  const cap = 1 << log_cap(maxN), np = (maxN + 3) & ~3;
  ctx.K = K;
  ctx.keys = take(8.0 * np);
  ctx.slots = take(<f64>SLOT * cap); // all counts zero; kept so between calls
  ctx.pcount = take(4.0 * maxN * K);
  ctx.rep = take(4.0 * maxN);
  ctx.used = take(4.0 * maxN);
  ctx.plog = take(8.0 * (maxN + 1));
  // c log2 c for every possible count: the entropy sums become table lookups
  if (!is_sizing()) for (let c = 2; c <= maxN; c++) store<f64>(ctx.plog + (<usize>c << 3), <f64>c * Math.log2(<f64>c));
  ctx.classN = take(4.0 * K);
  ctx.width = take(4.0 * maxUnits);
  ctx.minc = take(8.0 * maxUnits);
  ctx.edges = take(<f64>(MAX_BINS * 4 + GRID * 4)); // edges, then the explicit-edges grid
  return changetype<usize>(ctx);
}

/** The bytes mi_create(maxN, maxUnits, K) would allocate: out f64[2] = total, largest buffer. */
export function mi_bytes(maxN: i32, maxUnits: i32, K: i32, out: usize): void {
  size_begin();
  mi_create(maxN, maxUnits, K);
  size_end(out);
}

/** f32(linspace(p1, p2, nbins)) as numpy computes it in f64 (start + k * step, last = stop). */
function make_edges(edges: usize, p1: f64, p2: f64, nbins: i32): void {
  const step = (p2 - p1) / <f64>(nbins - 1);
  for (let k = 0; k < nbins; k++) store<f32>(edges + (<usize>k << 2), <f32>(k == nbins - 1 ? p2 : p1 + <f64>k * step));
}

/** The reference cell of one value: digitize(v, edges) - 1, where v < edges[0] (index -1) and
 *  NaN wrap to the top cell, as does v >= the last edge. */
// @ts-ignore: decorator
@inline function edge_cell(v: f32, edges: usize, top: i32, inv: f64, p1: f64): i32 {
  if (!(v >= load<f32>(edges)) || v >= load<f32>(edges + (<usize>top << 2))) return top;
  let k = <i32>((<f64>v - p1) * inv);
  k = min(max(k, 0), top - 1);
  while (k < top - 1 && load<f32>(edges + (<usize>(k + 1) << 2)) <= v) k++;
  while (k > 0 && load<f32>(edges + (<usize>k << 2)) > v) k--;
  return k;
}

/** Width cell floor(v / w) as an i64, exact for every value: beyond +-2^62 the code is the (signed)
 *  bit pattern of the f64 cell, which is monotone there and cannot meet a small code; NaN has one
 *  code of its own; -0 and +0 are one cell. */
// @ts-ignore: decorator
@inline function width_cell(v: f32, w: f64): i64 {
  const q = Math.floor(<f64>v / w);
  if (q != q) return i64.MIN_VALUE;
  if (Math.abs(q) < 4611686018427387904.0) return <i64>q;
  return q > 0 ? reinterpret<i64>(q) : -reinterpret<i64>(-q);
}

/** The grid cell of a value under explicit edges: min(trunc((v - lo) * inv), GRID - 1) in f32, for
 *  v >= lo. Monotone in v (f32 subtraction and multiplication by inv > 0 never reverse an order),
 *  so an edge in another grid cell is on the same side of every value of this one. */
// @ts-ignore: decorator
@inline function grid_of(v: f32, lo: f32, inv: f32): i32 {
  return min(max(<i32>((v - lo) * inv), 0), GRID - 1);
}

/** Grid for explicit edges over [edges[0], edges[top]) with inv = GRID / (edges[top] - edges[0])
 *  in f32 (0 when that is not finite and positive: then there is no grid). grid[g] = the number
 *  of inner edges edges[1..top-1] in grid cells before g, which is the cell of every value in g,
 *  or GRID_MIXED when an inner edge falls in g itself (its values take the exact search). */
function make_grid(edges: usize, top: i32, lo: f32, inv: f32): void {
  const grid = edges + MAX_BINS * 4;
  if (inv == 0) return;
  let g = 0; // cells below g are written
  for (let j = 1; j < top; j++) {
    const gj = grid_of(load<f32>(edges + (<usize>j << 2)), lo, inv);
    for (; g < gj; g++) store<i32>(grid + (<usize>g << 2), j - 1);
    if (g == gj) { store<i32>(grid + (<usize>g << 2), GRID_MIXED); g++; }
  }
  for (; g < GRID; g++) store<i32>(grid + (<usize>g << 2), top - 1);
}

/** digitize(v, edges) - 1 for edges[0] <= v < edges[top], by binary search: the number of edges
 *  <= v, less one. */
function search_cell(v: f32, edges: usize, top: i32): i32 {
  let a = 1, b = top; // edges[a - 1] <= v < edges[b]
  while (a < b) {
    const mid = (a + b) >> 1;
    if (load<f32>(edges + (<usize>mid << 2)) <= v) a = mid + 1;
    else b = mid;
  }
  return a - 1;
}

/** The cell of one value under explicit sorted edges: digitize(v, edges) - 1 with the same top
 *  cell rule as edge_cell (v >= the last edge, v < the first edge and NaN all go to `top`). */
// @ts-ignore: decorator
@inline function explicit_cell(v: f32, edges: usize, top: i32, inv: f64, lo: f64): i32 {
  if (!(v >= load<f32>(edges)) || v >= load<f32>(edges + (<usize>top << 2))) return top;
  if (inv > 0) {
    const c = load<i32>(edges + MAX_BINS * 4 + (<usize>grid_of(v, <f32>lo, <f32>inv) << 2));
    if (c >= 0) return c;
  }
  return search_cell(v, edges, top);
}

/** The level of a value of a quantized layer (assembly/quantize.ts): floor((v - lo) inv + 1/2),
 *  clamped to 0..top; NaN gets 0, as in pack_levels (a NaN layer has diverged). Levels sit half a cell from either neighbour's cell, so
 *  the f32 rounding of a level never moves it. */
// @ts-ignore: decorator
@inline function level_cell(v: f32, lo: f64, inv: f64, top: i32): i32 {
  const k = Math.floor((<f64>v - lo) * inv + 0.5);
  if (k != k) return 0;
  return <i32>min(max(k, 0.0), <f64>top);
}

// @ts-ignore: decorator
@inline function cell(mode: i32, v: f32, edges: usize, top: i32, inv: f64, p1: f64): i64 {
  if (mode == BIN_EDGES) return <i64>edge_cell(v, edges, top, inv, p1);
  if (mode == BIN_LEVELS) return <i64>level_cell(v, p1, inv, top);
  if (mode == BIN_EXPLICIT) return <i64>explicit_cell(v, edges, top, inv, p1);
  return width_cell(v, p1);
}

/** Packed keys for explicit edges: unit u's cell at bit u * bits (the caller checks that
 *  nUnits * bits <= 64). */
function pack_explicit(keys: usize, act: usize, nUnits: i32, N: i32, B: i32, bits: i32, edges: usize, top: i32, lo: f64, inv: f64): void {
  memory.fill(keys, 0, <usize>N << 3);
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    const sh = <u64>(u * bits);
    for (let s = 0; s < N; s++) {
      const kp = keys + (<usize>s << 3);
      store<u64>(kp, load<u64>(kp) | (<u64>explicit_cell(load<f32>(row + (<usize>s << 2)), edges, top, inv, lo) << sh));
    }
  }
}

/** The cells of four values under explicit edges with a grid: one grid lookup per lane, the
 *  exact search for lanes in a grid cell that holds an edge. */
// @ts-ignore: decorator
@inline function explicit_cells4(v: v128, vlo: v128, vhi: v128, vinv: v128, vtop: v128, edges: usize, top: i32): v128 {
  const grid = edges + MAX_BINS * 4;
  const inside = v128.and(f32x4.ge(v, vlo), f32x4.lt(v, vhi));
  // lanes outside (NaN too) look up some valid grid cell and are replaced by the top cell
  const g = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.sub(v, vlo), vinv)), i32x4.splat(0)), i32x4.splat(GRID - 1));
  let c = i32x4.splat(load<i32>(grid + (<usize>i32x4.extract_lane(g, 0) << 2)));
  c = i32x4.replace_lane(c, 1, load<i32>(grid + (<usize>i32x4.extract_lane(g, 1) << 2)));
  c = i32x4.replace_lane(c, 2, load<i32>(grid + (<usize>i32x4.extract_lane(g, 2) << 2)));
  c = i32x4.replace_lane(c, 3, load<i32>(grid + (<usize>i32x4.extract_lane(g, 3) << 2)));
  c = v128.bitselect(c, vtop, inside);
  if (i32x4.bitmask(c) != 0) { // GRID_MIXED lanes
    if (i32x4.extract_lane(c, 0) < 0) c = i32x4.replace_lane(c, 0, search_cell(f32x4.extract_lane(v, 0), edges, top));
    if (i32x4.extract_lane(c, 1) < 0) c = i32x4.replace_lane(c, 1, search_cell(f32x4.extract_lane(v, 1), edges, top));
    if (i32x4.extract_lane(c, 2) < 0) c = i32x4.replace_lane(c, 2, search_cell(f32x4.extract_lane(v, 2), edges, top));
    if (i32x4.extract_lane(c, 3) < 0) c = i32x4.replace_lane(c, 3, search_cell(f32x4.extract_lane(v, 3), edges, top));
  }
  return c;
}

/** Packed keys for explicit edges with a grid (inv > 0), four rows at a time, laid out as
 *  pack_edges does (the caller checks that nUnits <= 2 per). */
function pack_explicit4(keys: usize, act: usize, nUnits: i32, N: i32, B: i32, bits: i32, edges: usize, top: i32, lo: f64, inv: f64): void {
  const n4 = N & ~3, per = 32 / bits, nLo = min(nUnits, per);
  const vlo = f32x4.splat(<f32>lo), vhi = f32x4.splat(load<f32>(edges + (<usize>top << 2)));
  const vinv = f32x4.splat(<f32>inv), vtop = i32x4.splat(top);
  const rowBytes = <usize>B << 2;
  for (let s = 0; s < n4; s += 4) {
    let p = act + (<usize>s << 2);
    let kLo = i32x4.splat(0), kHi = i32x4.splat(0);
    for (let u = 0; u < nLo; u++) {
      kLo = v128.or(kLo, i32x4.shl(explicit_cells4(v128.load(p), vlo, vhi, vinv, vtop, edges, top), u * bits));
      p += rowBytes;
    }
    for (let u = nLo; u < nUnits; u++) {
      kHi = v128.or(kHi, i32x4.shl(explicit_cells4(v128.load(p), vlo, vhi, vinv, vtop, edges, top), (u - nLo) * bits));
      p += rowBytes;
    }
    const kp = keys + (<usize>s << 3);
    v128.store(kp, i8x16.shuffle(kLo, kHi, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
    v128.store(kp, i8x16.shuffle(kLo, kHi, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), 16);
  }
  for (let s = n4; s < N; s++) {
    let kLo: u64 = 0, kHi: u64 = 0;
    for (let u = 0; u < nUnits; u++) {
      const c = <u64>explicit_cell(load<f32>(act + (<usize>(u * B + s) << 2)), edges, top, inv, lo);
      if (u < nLo) kLo |= c << <u64>(u * bits);
      else kHi |= c << <u64>((u - nLo) * bits);
    }
    store<u64>(keys + (<usize>s << 3), kLo | (kHi << 32));
  }
}

// @ts-ignore: decorator
@inline function mix64(x: u64): u64 {
  x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33;
  return x;
}

/** The cells of four values under the edges rule: a fast estimate, exact except for lanes within
 *  rounding distance `eps` of an edge. When eps <= 1/4 (`near`), such a lane is next to the edge k
 *  nearest to its estimate and only one comparison with that edge decides between cells k - 1 and
 *  k (saturated tanh units put many values there); otherwise the exact scalar rule runs. */
// @ts-ignore: decorator
@inline function edge_cells4(v: v128, vlo: v128, vhi: v128, vinv: v128, vtop: v128, eps: v128, oneMinus: v128,
  edges: usize, top: i32, inv: f64, p1: f64, near: bool): v128 {
  const inside = v128.and(f32x4.ge(v, vlo), f32x4.lt(v, vhi));
  // f >= 0 inside; floor(f) + 2^23 holds the integer in its low mantissa bits. Lanes outside are
  // replaced by the top cell, and f == top (just under hi) has fr = 0 and is near the top edge.
  const f = f32x4.mul(f32x4.sub(v, vlo), vinv);
  const fl = f32x4.floor(f);
  const fr = f32x4.sub(f, fl);
  let c = v128.bitselect(i32x4.sub(f32x4.add(fl, f32x4.splat(8388608.0)), i32x4.splat(0x4B000000)), vtop, inside);
  const close = v128.and(inside, v128.or(f32x4.lt(fr, eps), f32x4.gt(fr, oneMinus)));
  if (v128.any_true(close)) {
    if (near) {
      // k = the nearest edge (0..top for inside lanes); cell k if v >= edges[k], else k - 1
      const k = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f)), i32x4.splat(0)), vtop);
      let ek = f32x4.splat(load<f32>(edges + (<usize>i32x4.extract_lane(k, 0) << 2)));
      ek = f32x4.replace_lane(ek, 1, load<f32>(edges + (<usize>i32x4.extract_lane(k, 1) << 2)));
      ek = f32x4.replace_lane(ek, 2, load<f32>(edges + (<usize>i32x4.extract_lane(k, 2) << 2)));
      ek = f32x4.replace_lane(ek, 3, load<f32>(edges + (<usize>i32x4.extract_lane(k, 3) << 2)));
      c = v128.bitselect(i32x4.add(k, f32x4.lt(v, ek)), c, close); // true lanes are -1
    } else {
      c = i32x4.replace_lane(c, 0, edge_cell(f32x4.extract_lane(v, 0), edges, top, inv, p1));
      c = i32x4.replace_lane(c, 1, edge_cell(f32x4.extract_lane(v, 1), edges, top, inv, p1));
      c = i32x4.replace_lane(c, 2, edge_cell(f32x4.extract_lane(v, 2), edges, top, inv, p1));
      c = i32x4.replace_lane(c, 3, edge_cell(f32x4.extract_lane(v, 3), edges, top, inv, p1));
    }
  }
  return c;
}

/** Packed keys for the edges rule, four rows at a time: the first `per` units fill the low 32 bits
 *  of the key, the rest the high 32 bits (the caller checks that nUnits <= 2 per). */
function pack_edges(keys: usize, act: usize, nUnits: i32, N: i32, B: i32, bits: i32, edges: usize, top: i32, p1: f64, inv: f64): void {
  const n4 = (N + 3) & ~3, per = 32 / bits, nLo = min(nUnits, per);
  const lo = load<f32>(edges), hi = load<f32>(edges + (<usize>top << 2));
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi), vinv = f32x4.splat(<f32>inv), vtop = i32x4.splat(top);
  // f32 rounding of v - lo and of the product moves the estimate by a few ulps of max(|lo|, |hi|)
  // in cell units, plus a few ulps of the cell index: lanes closer to an edge are re-done exactly
  const m = Math.max(Math.abs(p1), Math.abs(<f64>hi));
  const e = 8.0 * m * 1.1920928955078125e-7 * inv + 1e-5 * <f64>(top + 1);
  const eps = f32x4.splat(<f32>Math.min(e, 0.5)), oneMinus = f32x4.sub(f32x4.splat(1), eps);
  const near = e <= 0.25;
  const rowBytes = <usize>B << 2;
  for (let s = 0; s < n4; s += 4) {
    let p = act + (<usize>s << 2);
    let kLo = i32x4.splat(0), kHi = i32x4.splat(0);
    for (let u = 0; u < nLo; u++) {
      kLo = v128.or(kLo, i32x4.shl(edge_cells4(v128.load(p), vlo, vhi, vinv, vtop, eps, oneMinus, edges, top, inv, p1, near), u * bits));
      p += rowBytes;
    }
    for (let u = nLo; u < nUnits; u++) {
      kHi = v128.or(kHi, i32x4.shl(edge_cells4(v128.load(p), vlo, vhi, vinv, vtop, eps, oneMinus, edges, top, inv, p1, near), (u - nLo) * bits));
      p += rowBytes;
    }
    // interleave into four little-endian u64 keys: (lo0, hi0), (lo1, hi1), ...
    const kp = keys + (<usize>s << 3);
    v128.store(kp, i8x16.shuffle(kLo, kHi, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
    v128.store(kp, i8x16.shuffle(kLo, kHi, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), 16);
  }
}

/** Packed keys of levels (BIN_LEVELS), four rows at a time, laid out as pack_edges does (the
 *  caller checks that nUnits <= 2 per). The SIMD rule is level_cell's in f32: a level's value is
 *  within rounding of an integer k, so both give k. */
function pack_levels(keys: usize, act: usize, nUnits: i32, N: i32, B: i32, bits: i32, lo: f64, inv: f64, top: i32): void {
  const n4 = (N + 3) & ~3, per = 32 / bits, nLo = min(nUnits, per);
  const vlo = f32x4.splat(<f32>lo), vinv = f32x4.splat(<f32>inv), half = f32x4.splat(0.5);
  const zero = i32x4.splat(0), vtop = i32x4.splat(top);
  const rowBytes = <usize>B << 2;
  for (let s = 0; s < n4; s += 4) {
    let p = act + (<usize>s << 2);
    let kLo = i32x4.splat(0), kHi = i32x4.splat(0);
    for (let u = 0; u < nUnits; u++) {
      const k = i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(f32x4.mul(f32x4.sub(v128.load(p), vlo), vinv), half)));
      const c = i32x4.min_s(i32x4.max_s(k, zero), vtop);
      if (u < nLo) kLo = v128.or(kLo, i32x4.shl(c, u * bits));
      else kHi = v128.or(kHi, i32x4.shl(c, (u - nLo) * bits));
      p += rowBytes;
    }
    const kp = keys + (<usize>s << 3);
    v128.store(kp, i8x16.shuffle(kLo, kHi, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
    v128.store(kp, i8x16.shuffle(kLo, kHi, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), 16);
  }
}

/** Hashed keys of levels for layers too wide to pack (nUnits > 2 per): the codes of `per` units
 *  at a time in SIMD, each 32-bit word folded into the row's key with mix64. A key match is then
 *  confirmed by same_pattern, so a collision never merges two patterns. */
function hash_levels(keys: usize, act: usize, nUnits: i32, N: i32, B: i32, bits: i32, lo: f64, inv: f64, top: i32): void {
  const n4 = (N + 3) & ~3, per = 32 / bits;
  const vlo = f32x4.splat(<f32>lo), vinv = f32x4.splat(<f32>inv), half = f32x4.splat(0.5);
  const zero = i32x4.splat(0), vtop = i32x4.splat(top);
  const rowBytes = <usize>B << 2;
  for (let s = 0; s < n4; s += 4) {
    let h0: u64 = 0, h1: u64 = 0, h2: u64 = 0, h3: u64 = 0;
    let p = act + (<usize>s << 2);
    for (let u0 = 0, g: u64 = 1; u0 < nUnits; u0 += per, g++) {
      let w = i32x4.splat(0);
      for (let u = u0; u < min(u0 + per, nUnits); u++) {
        const k = i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(f32x4.mul(f32x4.sub(v128.load(p), vlo), vinv), half)));
        w = v128.or(w, i32x4.shl(i32x4.min_s(i32x4.max_s(k, zero), vtop), (u - u0) * bits));
        p += rowBytes;
      }
      const salt = GOLDEN * g;
      h0 = mix64(h0 ^ (<u64><u32>i32x4.extract_lane(w, 0) + salt));
      h1 = mix64(h1 ^ (<u64><u32>i32x4.extract_lane(w, 1) + salt));
      h2 = mix64(h2 ^ (<u64><u32>i32x4.extract_lane(w, 2) + salt));
      h3 = mix64(h3 ^ (<u64><u32>i32x4.extract_lane(w, 3) + salt));
    }
    const kp = keys + (<usize>s << 3);
    store<u64>(kp, h0); store<u64>(kp, h1, 8); store<u64>(kp, h2, 16); store<u64>(kp, h3, 24);
  }
}

/** Keys for any rule, row by row: packed when the per-unit code ranges fit 64 bits (returns
 *  true), else hashed (returns false). T threads share it (t = this one): the units' code ranges
 *  by units, the keys by rows, so the bits do not depend on T. */
function keys_general(ctx: MiCtx, act: usize, nUnits: i32, N: i32, B: i32, t: i32, T: i32): bool {
  const keys = ctx.keys, width = ctx.width, minc = ctx.minc;
  const mode = ctx.mode, edges = ctx.edges, top = ctx.top, p1 = ctx.p1, inv = ctx.inv;
  for (let u = share(nUnits, t, T, 1); u < share(nUnits, t + 1, T, 1); u++) {
    const row = act + (<usize>(u * B) << 2);
    let lo = i64.MAX_VALUE, hi = i64.MIN_VALUE;
    for (let s = 0; s < N; s++) {
      const c = cell(mode, load<f32>(row + (<usize>s << 2)), edges, top, inv, p1);
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
    const range = <u64>(hi - lo);
    store<i64>(minc + (<usize>u << 3), lo);
    store<i32>(width + (<usize>u << 2), range == 0 ? 0 : 64 - <i32>clz<u64>(range));
  }
  barrier(T);
  let bits = 0;
  for (let u = 0; u < nUnits; u++) bits = min(bits + load<i32>(width + (<usize>u << 2)), 65); // 65: does not fit
  const packed = bits <= 64;
  const s0 = share(N, t, T, 1), s1 = share(N, t + 1, T, 1);
  memory.fill(keys + (<usize>s0 << 3), 0, <usize>(s1 - s0) << 3);
  let sh: u64 = 0; // unit u's bit offset in a packed key
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    const lo = load<i64>(minc + (<usize>u << 3));
    for (let s = s0; s < s1; s++) {
      const kp = keys + (<usize>s << 3);
      const c = cell(mode, load<f32>(row + (<usize>s << 2)), edges, top, inv, p1);
      if (packed) store<u64>(kp, load<u64>(kp) | (sh < 64 ? <u64>(c - lo) << sh : 0));
      else store<u64>(kp, mix64(load<u64>(kp) ^ (<u64>c + GOLDEN * <u64>(u + 1))));
    }
    sh = min<u64>(sh + <u64>load<i32>(width + (<usize>u << 2)), 64);
  }
  barrier(T);
  return packed;
}

function same_pattern(ctx: MiCtx, act: usize, nUnits: i32, B: i32, a: i32, b: i32): bool {
  const mode = ctx.mode, edges = ctx.edges, top = ctx.top, p1 = ctx.p1, inv = ctx.inv;
  for (let u = 0; u < nUnits; u++) {
    const row = act + (<usize>(u * B) << 2);
    if (cell(mode, load<f32>(row + (<usize>a << 2)), edges, top, inv, p1) != cell(mode, load<f32>(row + (<usize>b << 2)), edges, top, inv, p1)) return false;
  }
  return true;
}

/** The counting loop: every row's key looked up in the hash slots (key + pattern id + 1, 0 = empty),
 *  new patterns added (rep[id] = their first row, used[id] = their slot), pcount[id][y] counted.
 *  A packed key is its pattern; otherwise a key match is confirmed by comparing the patterns.
 *  Returns the number of patterns. It runs in functions of its own, one per case (inside mi_binned,
 *  V8 kept every local of this loop on the stack: 1.5-2x slower; with the comparison a runtime
 *  choice, the packed case was 7% slower). */
// @ts-ignore: decorator
@inline function count_patterns(ctx: MiCtx, N: i32, y: usize, K: i32, packed: bool, act: usize, nUnits: i32, B: i32): i32 {
  const keys = ctx.keys, slots = ctx.slots, rep = ctx.rep, used = ctx.used, pcount = ctx.pcount;
  const logCap = log_cap(N);
  const mask = (1 << logCap) - 1, hashShift = <u64>(64 - logCap);
  let nP = 0;
  for (let s = 0; s < N; s++) {
    const key = load<u64>(keys + (<usize>s << 3));
    let h = <i32>((key * GOLDEN) >> hashShift);
    let id: i32;
    while (true) {
      const slot = slots + (<usize>h << 4);
      id = load<i32>(slot, 8) - 1;
      if (id < 0) { // a new pattern
        id = nP++;
        store<u64>(slot, key);
        store<i32>(slot, id + 1, 8);
        store<i32>(rep + (<usize>id << 2), s);
        store<i32>(used + (<usize>id << 2), h);
        for (let k = 0; k < K; k++) store<i32>(pcount + (<usize>(id * K + k) << 2), 0);
        break;
      }
      if (load<u64>(slot) == key && (packed || same_pattern(ctx, act, nUnits, B, load<i32>(rep + (<usize>id << 2)), s))) break;
      h = (h + 1) & mask;
    }
    const pc = pcount + (<usize>(id * K + load<i32>(y + (<usize>s << 2))) << 2);
    store<i32>(pc, load<i32>(pc) + 1);
  }
  return nP;
}

function count_packed(ctx: MiCtx, N: i32, y: usize, K: i32): i32 {
  return count_patterns(ctx, N, y, K, true, 0, 0, 0);
}

function count_hashed(ctx: MiCtx, N: i32, y: usize, K: i32, act: usize, nUnits: i32, B: i32): i32 {
  return count_patterns(ctx, N, y, K, false, act, nUnits, B);
}

// mi_binned: act [nUnits][B], y i32[N] -> out f64[3] = H(T), sum_y p(y) H(T|Y=y), #patterns (bits).
// mode BIN_EDGES: nbins edges linspace(p1, p2, nbins); mode BIN_WIDTH: cells floor(v / p1);
// mode BIN_LEVELS: a quantized layer's levels, p1 = lo, p2 = 1 / step, nbins levels.
export function mi_binned(ctxp: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, mode: i32, p1: f64, p2: f64, nbins: i32, out: usize): void {
  mi_binned_team(ctxp, act, nUnits, N, B, y, mode, p1, p2, nbins, out, 0, 1);
}

/** mi_binned run by T threads together (threads build): the keys of a layer too wide to pack
 *  directly are shared out (keys_general), the rest is thread 0's, which writes `out`. */
export function mi_binned_team(ctxp: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, mode: i32, p1: f64, p2: f64, nbins: i32, out: usize, t: i32, T: i32): void {
  const ctx = changetype<MiCtx>(ctxp);
  const top = nbins - 1;
  if (mode == BIN_EXPLICIT) unreachable(); // mi_binned_explicit takes the edges by pointer
  if (t == 0) {
    let inv: f64 = 0;
    if (mode == BIN_EDGES) {
      make_edges(ctx.edges, p1, p2, nbins);
      inv = <f64>(nbins - 1) / (p2 - p1);
    } else if (mode == BIN_LEVELS) {
      inv = p2;
    }
    ctx.mode = mode; ctx.top = top; ctx.p1 = p1; ctx.inv = inv;
  }
  const bits = max(1, 32 - <i32>clz<u32>(<u32>top));
  let packed = true;
  if (mode == BIN_EDGES && nUnits <= 2 * (32 / bits)) { if (t == 0) pack_edges(ctx.keys, act, nUnits, N, B, bits, ctx.edges, top, p1, ctx.inv); }
  else if (mode == BIN_LEVELS && nUnits <= 2 * (32 / bits)) { if (t == 0) pack_levels(ctx.keys, act, nUnits, N, B, bits, p1, ctx.inv, top); }
  else if (mode == BIN_LEVELS) { if (t == 0) hash_levels(ctx.keys, act, nUnits, N, B, bits, p1, ctx.inv, top); packed = false; }
  else {
    barrier(T); // everyone sees the rule
    packed = keys_general(ctx, act, nUnits, N, B, t, T);
  }
  if (t == 0) count_and_score(ctx, act, nUnits, N, B, y, packed, out);
}

// mi_binned_explicit: as mi_binned with nbins sorted (non-decreasing) f32 edges at `edges`
// (at most 65536), cell digitize(v, edges) - 1, the top cell for v < edges[0], v >= the last edge
// and NaN (adaptive binning)
export function mi_binned_explicit(ctxp: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, edges: usize, nbins: i32, out: usize): void {
  const ctx = changetype<MiCtx>(ctxp);
  const e = ctx.edges, top = nbins - 1;
  memory.copy(e, edges, <usize>nbins << 2);
  const lo = load<f32>(e);
  const inv32 = <f32>GRID / (load<f32>(e + (<usize>top << 2)) - lo);
  const inv: f64 = inv32 > 0 && inv32 < Infinity ? <f64>inv32 : 0; // exactly the f32 inv, or no grid
  make_grid(e, top, lo, <f32>inv);
  ctx.mode = BIN_EXPLICIT; ctx.top = top; ctx.p1 = <f64>lo; ctx.inv = inv;
  const bits = max(1, 32 - <i32>clz<u32>(<u32>top));
  let packed = true;
  if (inv > 0 && nUnits <= 2 * (32 / bits)) pack_explicit4(ctx.keys, act, nUnits, N, B, bits, e, top, <f64>lo, inv);
  else if (nUnits * bits <= 64) pack_explicit(ctx.keys, act, nUnits, N, B, bits, e, top, <f64>lo, inv);
  else packed = keys_general(ctx, act, nUnits, N, B, 0, 1);
  count_and_score(ctx, act, nUnits, N, B, y, packed, out);
}

/** Count the patterns of the keys just made and write out f64[3] as mi_binned describes. */
function count_and_score(ctx: MiCtx, act: usize, nUnits: i32, N: i32, B: i32, y: usize, packed: bool, out: usize): void {
  const K = ctx.K, slots = ctx.slots, used = ctx.used, pcount = ctx.pcount, plog = ctx.plog, classN = ctx.classN;
  // two call sites keep Binaryen from inlining count_packed back into this function
  const nP = !packed ? count_hashed(ctx, N, y, K, act, nUnits, B)
    : K == 2 ? count_packed(ctx, N, y, 2)
    : count_packed(ctx, N, y, K);

  // H = log2 N - (1/N) sum_t c_t log2 c_t;
  // sum_y p(y) H(T|Y=y) = (1/N) sum_y [N_y log2 N_y - sum_t c_ty log2 c_ty]
  memory.fill(classN, 0, <usize>K << 2);
  let sT: f64 = 0, sTY: f64 = 0;
  for (let p = 0; p < nP; p++) {
    store<i32>(slots + (<usize>load<i32>(used + (<usize>p << 2)) << 4), 0, 8); // empty again for the next call
    let c = 0;
    for (let k = 0; k < K; k++) {
      const ck = load<i32>(pcount + (<usize>(p * K + k) << 2));
      c += ck;
      sTY += load<f64>(plog + (<usize>ck << 3));
      const q = classN + (<usize>k << 2);
      store<i32>(q, load<i32>(q) + ck);
    }
    sT += load<f64>(plog + (<usize>c << 3));
  }
  let sY: f64 = 0;
  for (let k = 0; k < K; k++) sY += load<f64>(plog + (<usize>load<i32>(classN + (<usize>k << 2)) << 3));
  const n = <f64>N;
  store<f64>(out, Math.log2(n) - sT / n);
  store<f64>(out, (sY - sTY) / n, 8);
  store<f64>(out, <f64>nP, 16);
}

// act_range: act [nUnits][B] (first N columns) -> out f32[2] = min, max over the finite values
// ((0, 0) when there is none): the range of a layer for the observed / running-max binning modes.
export function act_range(act: usize, nUnits: i32, N: i32, B: i32, out: usize): void {
  finite_range(act, nUnits, N, B, out);
  if (load<f32>(out) > load<f32>(out, 4)) { store<f32>(out, 0); store<f32>(out, 0, 4); }
}

// Entropy-based adaptive binning (EBAB), per layer. ctx: the scratch of
// unique_quantiles_f32 (assembly/sort.ts).

/** ebab_create: scratch for layers of up to maxValues = units x rows values. */
export function ebab_create(maxValues: i32): usize {
  return take(sort_scratch_size(<f64>maxValues));
}

/** The bytes ebab_create(maxValues) would allocate (maxValues in f64: it may pass i32): out f64[2]
 *  = total, largest buffer. */
export function ebab_bytes(maxValues: f64, out: usize): void {
  size_begin();
  take(sort_scratch_size(maxValues));
  size_end(out);
}

// ebab_edges: act [nUnits][B] (first N columns) -> edges f32[nbins + 2]; returns nbins + 2.
// With U the sorted distinct values (NaN left out, -0 = 0) and M = |U|: edges[0] = the lower
// bound (min(lower, U[0]) if useLower, else U[0]), edges[1 + k] = U[floor(k M / nbins)] for
// k < nbins, edges[nbins + 1] = U[M - 1]. No value at all: every edge is the lower bound (or 0).
export function ebab_edges(ctx: usize, act: usize, nUnits: i32, N: i32, B: i32, useLower: i32, lower: f64, nbins: i32, edges: usize): i32 {
  const M = unique_quantiles_f32(act, nUnits, N, B, nbins, edges + 4, ctx);
  let lo: f32 = useLower ? <f32>lower : 0;
  if (M > 0) {
    const u0 = load<f32>(edges, 4); // U[0]
    lo = useLower != 0 && lo < u0 ? lo : u0;
  } else {
    for (let k = 1; k <= nbins + 1; k++) store<f32>(edges + (<usize>k << 2), lo);
  }
  store<f32>(edges, lo);
  return nbins + 2;
}
