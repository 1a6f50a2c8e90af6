// Kolchinsky-Tracey KDE bounds on I(X;T) and I(T;Y), in nats. Plain TypeScript twin:
// src/reference/kde.ts (refKdeMi). With D'_ij =
// ||h_i - h_j||^2 / (8 s2), e4 = exp(-D') is the lower bound's kernel (variance 4 s2) and
// e4^4 = exp(-D/(2 s2)) the upper bound's, so one exp serves both. The self term j = i is 1 and
// every other term is in [0, 1], so the sums are >= 1 and their logs need no max shift.
// Rows are regrouped by class (each class block padded to a multiple of 4 with far-away rows whose
// terms underflow), so the per-class sums of I(T;Y) are ranges, not masks; each pair is visited
// once (j > i) and added to both rows, four rows by four columns at a time. f32 partial sums are
// flushed into f64 every 256 terms per row and every 128 rows (a block) per column; a row's sum
// is its row side plus its column side. Threads (kde_mi_team) take one block each per wave, each
// with its own f32 column sums, which are then added to the f64 ones in block order, so the bits
// do not depend on the thread count.
import { take, size_begin, size_end } from './memory';
import { hsum64 } from './util';
import { barrier, share } from './team';

/** The scratch of kde_mi, sized once in kde_create. */
@unmanaged class KdeCtx {
  K: i32;
  maxPad: i32;      // slots: maxN rounded up to 4, plus 4 per class
  data: usize;      // f32 [vector][unit][4 lanes]: the rows used, regrouped by class
  xi: usize;        // f32 [unit][4 rows] splats of the current row-block
  slotRow: usize;   // i32 [maxPad]: the row in a slot, -1 for padding
  slotClass: usize; // i32 [maxPad]
  count: usize;     // i32 [K]: rows per class
  start: usize;     // i32 [K]: a class block's first slot
  end: usize;       // i32 [K]: its end
  acc32: usize;     // f32 [threads][4][maxPad]: same4, same1, other4, other1 per slot, one block's column sums
  acc64: usize;     // f64 [4][maxPad]: the same four, row side
  col64: usize;     // f64 [4][maxPad]: the same four, column side
  threads: i32;     // threads that may share kde_mi_team
}
const PAD: f32 = 1e18; // coordinate of padding rows: their squared distances overflow to +inf
const CUT: f32 = 88; // e4 = exp(-D') < 2^-126 beyond this: a vector of such pairs is skipped
const CHUNK = 64; // j-vectors per f32 partial sum of a row
const IBLOCK = 128; // rows i between flushes of the j-side f32 sums

/** kde_create: scratch for up to maxN rows of up to maxUnits units and K classes, for up to
 *  `threads` threads (0 or 1: one). */
export function kde_create(maxN: i32, maxUnits: i32, K: i32, threads: i32): usize {
  const ctx = changetype<KdeCtx>(take(<f64>offsetof<KdeCtx>(), true));
  const maxPad = ((maxN + 3) & ~3) + 4 * K, T = max(threads, 1);
  ctx.K = K;
  ctx.maxPad = maxPad;
  ctx.threads = T;
  ctx.data = take(4.0 * maxPad * maxUnits);
  ctx.xi = take(64.0 * maxUnits * T);
  ctx.slotRow = take(4.0 * maxPad);
  ctx.slotClass = take(4.0 * maxPad);
  ctx.count = take(4.0 * K);
  ctx.start = take(4.0 * K);
  ctx.end = take(4.0 * K);
  ctx.acc32 = take(16.0 * maxPad * T);
  ctx.acc64 = take(32.0 * maxPad);
  ctx.col64 = take(32.0 * maxPad);
  return changetype<usize>(ctx);
}

/** The bytes kde_create(maxN, maxUnits, K, threads) would allocate: out f64[2] = total, largest buffer. */
export function kde_bytes(maxN: i32, maxUnits: i32, K: i32, threads: i32, out: usize): void {
  size_begin();
  kde_create(maxN, maxUnits, K, threads);
  size_end(out);
}

/** col64[q][p] += acc32[q][p], for slots p in [from, to) of all four sums. */
function flush_j(acc32: usize, col64: usize, maxPad: i32, from: i32, to: i32): void {
  for (let q = 0; q < 4; q++) {
    const a = acc32 + (<usize>(q * maxPad) << 2), d = col64 + (<usize>(q * maxPad) << 3);
    for (let p = from; p < to; p++) {
      const dp = d + (<usize>p << 3);
      store<f64>(dp, load<f64>(dp) + <f64>load<f32>(a + (<usize>p << 2)));
    }
  }
}

// Constants of the inner loop, kept in memory and loaded once per call: V8 rebuilds every
// v128.const with several instructions at each use, a local costs nothing.
const K_CUT = 0, K_NLOG2E = 1, K_TMIN = 2, K_MAGIC = 3, K_C5 = 4, K_C4 = 5, K_C3 = 6, K_C2 = 7, K_C1 = 8, K_ONE = 9, K_BIAS = 10;
// K_BIAS is read as i32 bits: those of the magic number less 127 (0x4B3FFF81, the f32 12582785).
const consts = memory.data<f32>([CUT, -1.4426950408889634, -126, 12582912.0,
  0.001326472731307149, 0.009671512991189957, 0.05550733581185341, 0.24022242426872253, 0.6931470036506653, 1, 12582785.0]);
// @ts-ignore: decorator
@inline function kc(k: i32): v128 { return v128.load32_splat(consts + (<usize>k << 2)); }

/** exp(-D) for D >= 0 in four lanes: 2^t, t = -D log2(e) >= -126, t = n + f with |f| <= 1/2 and
 *  2^f by a degree-5 fit (relative error 1.9e-7 in f32); lanes beyond the cut are zeroed by the
 *  caller. The rounding of t costs |t| 6e-8 relative, which only matters for negligible terms.
 *  n = round(t) by adding magic = 1.5 * 2^23 (its integer then sits in the low mantissa bits), and
 *  pmax (not max): both map to single x64 instructions. */
// @ts-ignore: decorator
@inline function expneg4(D: v128, nlog2e: v128, tmin: v128, magic: v128, c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128, bias: v128): v128 {
  const t = f32x4.pmax(f32x4.mul(D, nlog2e), tmin);
  const r = f32x4.add(t, magic);
  const f = f32x4.sub(t, f32x4.sub(r, magic));
  let p = f32x4.add(f32x4.mul(c5, f), c4);
  p = f32x4.add(f32x4.mul(p, f), c3);
  p = f32x4.add(f32x4.mul(p, f), c2);
  p = f32x4.add(f32x4.mul(p, f), c1);
  p = f32x4.add(f32x4.mul(p, f), one);
  // 2^n = (n + 127) << 23 with n = bits(r) - bits(magic); bias = bits(magic) - 127
  return f32x4.mul(p, i32x4.shl(i32x4.sub(r, bias), 23));
}

/** The four rows of row-block bi (splatted in xi [unit][row] v128) against the j-vectors
 *  [w0, w1): a 4 x 4 tile of pairs per j-vector. Each row's sums of e4 and e1 = e4^4 go to the f64
 *  sums d4[r], d1[r]; each j's sums over the four rows to the f32 sums a4[j], a1[j]. On the
 *  diagonal tile (diag) row r keeps only lanes j > r. */
function tiles(data: usize, xi: usize, d: i32, w0: i32, w1: i32, diag: bool, a4: usize, a1: usize, d4: usize, d1: usize): void {
  const zero = f32x4.splat(0), cut = kc(K_CUT), nlog2e = kc(K_NLOG2E), tmin = kc(K_TMIN), magic = kc(K_MAGIC);
  const p5 = kc(K_C5), p4 = kc(K_C4), p3 = kc(K_C3), p2 = kc(K_C2), p1 = kc(K_C1), one = kc(K_ONE), bias = kc(K_BIAS);
  const vecBytes = <usize>d << 4;
  for (let c0 = w0; c0 < w1; c0 += CHUNK) {
    const c1 = min(c0 + CHUNK, w1);
    let s40 = zero, s41 = zero, s42 = zero, s43 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
    let base = data + <usize>c0 * vecBytes;
    for (let w = c0; w < c1; w++) {
      let D0 = zero, D1 = zero, D2 = zero, D3 = zero;
      let x = xi;
      for (let u = 0; u < d; u++) {
        const hj = v128.load(base + (<usize>u << 4));
        const t0 = f32x4.sub(hj, v128.load(x));
        const t1 = f32x4.sub(hj, v128.load(x, 16));
        const t2 = f32x4.sub(hj, v128.load(x, 32));
        const t3 = f32x4.sub(hj, v128.load(x, 48));
        D0 = f32x4.add(D0, f32x4.mul(t0, t0));
        D1 = f32x4.add(D1, f32x4.mul(t1, t1));
        D2 = f32x4.add(D2, f32x4.mul(t2, t2));
        D3 = f32x4.add(D3, f32x4.mul(t3, t3));
        x += 64;
      }
      base += vecBytes;
      let m0 = f32x4.lt(D0, cut), m1 = f32x4.lt(D1, cut), m2 = f32x4.lt(D2, cut), m3 = f32x4.lt(D3, cut);
      if (!v128.any_true(v128.or(v128.or(m0, m1), v128.or(m2, m3)))) continue;
      if (diag) {
        m0 = v128.and(m0, i32x4(0, -1, -1, -1));
        m1 = v128.and(m1, i32x4(0, 0, -1, -1));
        m2 = v128.and(m2, i32x4(0, 0, 0, -1));
        m3 = zero;
      }
      let e0 = zero, e1 = zero, e2 = zero, e3 = zero;
      if (v128.any_true(m0)) e0 = v128.and(expneg4(D0, nlog2e, tmin, magic, p5, p4, p3, p2, p1, one, bias), m0);
      if (v128.any_true(m1)) e1 = v128.and(expneg4(D1, nlog2e, tmin, magic, p5, p4, p3, p2, p1, one, bias), m1);
      if (v128.any_true(m2)) e2 = v128.and(expneg4(D2, nlog2e, tmin, magic, p5, p4, p3, p2, p1, one, bias), m2);
      if (v128.any_true(m3)) e3 = v128.and(expneg4(D3, nlog2e, tmin, magic, p5, p4, p3, p2, p1, one, bias), m3);
      let q0 = f32x4.mul(e0, e0), q1 = f32x4.mul(e1, e1), q2 = f32x4.mul(e2, e2), q3 = f32x4.mul(e3, e3);
      q0 = f32x4.mul(q0, q0); q1 = f32x4.mul(q1, q1); q2 = f32x4.mul(q2, q2); q3 = f32x4.mul(q3, q3);
      s40 = f32x4.add(s40, e0); s41 = f32x4.add(s41, e1); s42 = f32x4.add(s42, e2); s43 = f32x4.add(s43, e3);
      s10 = f32x4.add(s10, q0); s11 = f32x4.add(s11, q1); s12 = f32x4.add(s12, q2); s13 = f32x4.add(s13, q3);
      const j4 = a4 + (<usize>w << 4), j1 = a1 + (<usize>w << 4);
      v128.store(j4, f32x4.add(v128.load(j4), f32x4.add(f32x4.add(e0, e1), f32x4.add(e2, e3))));
      v128.store(j1, f32x4.add(v128.load(j1), f32x4.add(f32x4.add(q0, q1), f32x4.add(q2, q3))));
    }
    store<f64>(d4, load<f64>(d4) + hsum64(s40)); store<f64>(d4, load<f64>(d4, 8) + hsum64(s41), 8);
    store<f64>(d4, load<f64>(d4, 16) + hsum64(s42), 16); store<f64>(d4, load<f64>(d4, 24) + hsum64(s43), 24);
    store<f64>(d1, load<f64>(d1) + hsum64(s10)); store<f64>(d1, load<f64>(d1, 8) + hsum64(s11), 8);
    store<f64>(d1, load<f64>(d1, 16) + hsum64(s12), 16); store<f64>(d1, load<f64>(d1, 24) + hsum64(s13), 24);
  }
}

// kde_mi: act [nUnits][B], y i32[N]; rows i32[nRows] (the rows used, or rows = 0 for all N) ->
// out f64[4] = I_upper(X;T), I_upper(T;Y), I_lower(X;T), I_lower(T;Y) in nats, noise variance s2.
export function kde_mi(ctxp: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, rows: usize, nRows: i32, s2: f64, out: usize): void {
  kde_mi_team(ctxp, act, nUnits, N, B, y, rows, nRows, s2, out, 0, 1);
}

/** kde_mi run by T <= kde_create's `threads` threads together (threads build); only thread 0
 *  writes `out`. */
export function kde_mi_team(ctxp: usize, act: usize, nUnits: i32, N: i32, B: i32, y: usize, rows: usize, nRows: i32, s2: f64, out: usize, t: i32, T: i32): void {
  const ctx = changetype<KdeCtx>(ctxp);
  if (T > ctx.threads) unreachable();
  const K = ctx.K, maxPad = ctx.maxPad;
  const data = ctx.data, slotRow = ctx.slotRow, slotClass = ctx.slotClass;
  const count = ctx.count, start = ctx.start, end = ctx.end;
  const acc64 = ctx.acc64, col64 = ctx.col64;
  if (rows == 0) nRows = N;
  const d = nUnits;

  if (t == 0) {
    // class blocks, each padded to a multiple of 4 slots
    memory.fill(count, 0, <usize>K << 2);
    for (let r = 0; r < nRows; r++) {
      const row = rows != 0 ? load<i32>(rows + (<usize>r << 2)) : r;
      const cp = count + (<usize>load<i32>(y + (<usize>row << 2)) << 2);
      store<i32>(cp, load<i32>(cp) + 1);
    }
    let pos = 0;
    for (let c = 0; c < K; c++) {
      store<i32>(start + (<usize>c << 2), pos);
      pos += (load<i32>(count + (<usize>c << 2)) + 3) & ~3;
      store<i32>(end + (<usize>c << 2), pos);
    }
    for (let c = 0; c < K; c++) {
      for (let p = load<i32>(start + (<usize>c << 2)); p < load<i32>(end + (<usize>c << 2)); p++) {
        store<i32>(slotRow + (<usize>p << 2), -1);
        store<i32>(slotClass + (<usize>p << 2), c);
      }
    }
    for (let r = 0; r < nRows; r++) {
      const row = rows != 0 ? load<i32>(rows + (<usize>r << 2)) : r;
      const c = load<i32>(y + (<usize>row << 2));
      const sp = start + (<usize>c << 2);
      const p = load<i32>(sp);
      store<i32>(sp, p + 1);
      store<i32>(slotRow + (<usize>p << 2), row); // slotClass[p] is c already
    }
  }
  barrier(T);
  const M = load<i32>(end + (<usize>(K - 1) << 2)), nV = M >> 2;
  // gather, scaled so that squared distances come out divided by 8 s2; each thread its slots
  const scale = <f32>Math.sqrt(1.0 / (8.0 * s2));
  const sLo = share(M, t, T, 4), sHi = share(M, t + 1, T, 4);
  for (let p = sLo; p < sHi; p++) {
    const row = load<i32>(slotRow + (<usize>p << 2));
    const dst = data + ((<usize>(p >> 2) * <usize>d) << 4) + (<usize>(p & 3) << 2);
    for (let u = 0; u < d; u++) {
      store<f32>(dst + (<usize>u << 4), row >= 0 ? load<f32>(act + (<usize>(u * B + row) << 2)) * scale : PAD);
    }
  }
  for (let q = 0; q < 4; q++) {
    memory.fill(acc64 + (<usize>(q * maxPad + sLo) << 3), 0, <usize>(sHi - sLo) << 3);
    memory.fill(col64 + (<usize>(q * maxPad + sLo) << 3), 0, <usize>(sHi - sLo) << 3);
  }
  barrier(T);

  // four sums per slot: same-class e4, same-class e1, other-class e4, other-class e1; row sides
  // in acc64 (each row's own thread), column sides of this thread's block in its acc32
  const acc32 = ctx.acc32 + <usize>t * (<usize>(4 * maxPad) << 2), xi = ctx.xi + <usize>t * (<usize>d << 6);
  const j0 = acc32, j1 = j0 + (<usize>maxPad << 2), j2 = j1 + (<usize>maxPad << 2), j3 = j2 + (<usize>maxPad << 2);
  const r0 = acc64, r1 = r0 + (<usize>maxPad << 3), r2 = r1 + (<usize>maxPad << 3), r3 = r2 + (<usize>maxPad << 3);
  const VB = IBLOCK >> 2, nBlocks = (nV + VB - 1) / VB;
  for (let w0 = 0; w0 < nBlocks; w0 += T) {
    const blk = w0 + t;
    if (blk < nBlocks) {
      const from = blk * IBLOCK;
      for (let q = 0; q < 4; q++) memory.fill(acc32 + (<usize>(q * maxPad + from) << 2), 0, <usize>(M - from) << 2);
      for (let bi = blk * VB; bi < min(nV, (blk + 1) * VB); bi++) {
        const p0 = bi << 2;
        // a row-block lies in one class block; its padding rows get sums too, which are never read
        const c = load<i32>(slotClass + (<usize>p0 << 2));
        const ve = load<i32>(end + (<usize>c << 2)) >> 2;
        const src = data + ((<usize>bi * <usize>d) << 4);
        for (let u = 0; u < d; u++) {
          const v = v128.load(src + (<usize>u << 4));
          const x = xi + (<usize>u << 6);
          v128.store(x, f32x4.splat(f32x4.extract_lane(v, 0)));
          v128.store(x, f32x4.splat(f32x4.extract_lane(v, 1)), 16);
          v128.store(x, f32x4.splat(f32x4.extract_lane(v, 2)), 32);
          v128.store(x, f32x4.splat(f32x4.extract_lane(v, 3)), 48);
        }
        const off = <usize>p0 << 3;
        tiles(data, xi, d, bi, bi + 1, true, j0, j1, r0 + off, r1 + off);
        tiles(data, xi, d, bi + 1, ve, false, j0, j1, r0 + off, r1 + off);
        tiles(data, xi, d, ve, nV, false, j2, j3, r2 + off, r3 + off);
      }
    }
    barrier(T);
    // the wave's column sums into f64, block by block in order; each thread a range of slots
    for (let k = w0; k < min(w0 + T, nBlocks); k++) {
      const a = ctx.acc32 + <usize>(k - w0) * (<usize>(4 * maxPad) << 2);
      flush_j(a, col64, maxPad, max(sLo, k * IBLOCK), sHi);
    }
    barrier(T);
  }
  if (t != 0) return;

  // I = ln n - mean ln S over all rows; per class the same with the class sums; I(T;Y) = I(X;T)
  // bound minus sum_c p(c) times the class's bound.
  const c0 = col64, c1 = c0 + (<usize>maxPad << 3), c2 = c1 + (<usize>maxPad << 3), c3 = c2 + (<usize>maxPad << 3);
  let all4: f64 = 0, all1: f64 = 0, same4: f64 = 0, same1: f64 = 0;
  for (let p = 0; p < M; p++) {
    if (load<i32>(slotRow + (<usize>p << 2)) < 0) continue;
    const off = <usize>p << 3;
    const s4 = load<f64>(r0 + off) + load<f64>(c0 + off), s1 = load<f64>(r1 + off) + load<f64>(c1 + off);
    const o4 = load<f64>(r2 + off) + load<f64>(c2 + off), o1 = load<f64>(r3 + off) + load<f64>(c3 + off);
    all4 += Math.log(1 + s4 + o4);
    all1 += Math.log(1 + s1 + o1);
    same4 += Math.log(1 + s4);
    same1 += Math.log(1 + s1);
  }
  let cLog: f64 = 0; // sum_c n_c ln n_c
  for (let c = 0; c < K; c++) {
    const nc = <f64>load<i32>(count + (<usize>c << 2));
    if (nc > 0) cLog += nc * Math.log(nc);
  }
  const n = <f64>nRows;
  const ixt1 = Math.log(n) - all1 / n, ixt4 = Math.log(n) - all4 / n;
  store<f64>(out, ixt1);
  store<f64>(out, ixt1 - (cLog - same1) / n, 8);
  store<f64>(out, ixt4, 16);
  store<f64>(out, ixt4 - (cLog - same4) / n, 24);
}
