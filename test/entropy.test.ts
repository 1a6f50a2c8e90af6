// mi_binned (docs/ABI.md "Binned mutual information") against the reference refMiBinned.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  refBinCell, refEntropyBits, refLinspaceEdges, refMiBinned, refMiBinnedRows, type RefBinning, type RefMiResult,
} from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { TestData, pad4 } from './helpers/data.js';

let w: Wasm;
beforeAll(async () => {
  w = await loadWasm();
});

const TOL = 1e-9;
const EDGES30: RefBinning = { mode: 'edges', lo: -1, hi: 1, nbins: 30 };
const EDGES10: RefBinning = { mode: 'edges', lo: -1, hi: 1, nbins: 10 };
const WIDTH007: RefBinning = { mode: 'width', width: 0.07 };

/** Runs mi_binned on rows (rows[s][u]); padding columns get finite junk; returns out[0..2]. */
function wasmMi(
  rows: ArrayLike<number>[], y: ArrayLike<number>, binning: RefBinning, K: number,
  opts: { ctx?: number; extraPad?: number; nUnits?: number } = {},
): RefMiResult {
  const N = rows.length;
  const nUnits = opts.nUnits ?? rows[0].length;
  const B = pad4(N) + (opts.extraPad ?? 4);
  const act = new Float32Array(nUnits * B);
  for (let u = 0; u < nUnits; u++) {
    for (let s = 0; s < B; s++) act[u * B + s] = s < N ? rows[s][u] : 0.25 + 0.001 * ((s * 7 + u) % 50);
  }
  if (opts.ctx === undefined) w.reset();
  const ctx = opts.ctx ?? w.ex.mi_create(Math.max(N, 1), nUnits, K);
  const ap = w.putF32(act);
  const yp = w.putI32(y.length ? Array.from(y).slice(0, N) : [0]);
  const out = w.allocF64(3);
  w.writeF32(out, [NaN, NaN, NaN, NaN, NaN, NaN]);
  if (binning.mode === 'edges') w.ex.mi_binned(ctx, ap, nUnits, N, B, yp, 0, binning.lo, binning.hi, binning.nbins, out);
  else w.ex.mi_binned(ctx, ap, nUnits, N, B, yp, 1, binning.width, 0, 0, out);
  // inputs untouched
  const after = w.getF32(ap, nUnits * B);
  for (let i = 0; i < act.length; i++) {
    if (!Object.is(after[i], act[i])) throw new Error(`mi_binned modified act[${i}]`);
  }
  expect(Array.from(w.getI32(yp, N))).toEqual(Array.from(y).slice(0, N));
  const [hT, hTgivenY, patterns] = w.getF64(out, 3);
  return { hT, hTgivenY, patterns, iXT: hT, iTY: hT - hTgivenY };
}

function expectSame(got: RefMiResult, want: RefMiResult, what: string): void {
  const msg = `${what}: got H(T)=${got.hT} H(T|Y)=${got.hTgivenY} patterns=${got.patterns}; ` +
    `want ${want.hT} ${want.hTgivenY} ${want.patterns}`;
  expect(got.patterns, msg).toBe(want.patterns);
  expect(Math.abs(got.hT - want.hT), msg).toBeLessThanOrEqual(TOL);
  expect(Math.abs(got.hTgivenY - want.hTgivenY), msg).toBeLessThanOrEqual(TOL);
}

/** checks wasm against the reference on rows, and returns the reference result */
function check(rows: ArrayLike<number>[], y: ArrayLike<number>, binning: RefBinning, K: number, what: string,
  opts: { ctx?: number; extraPad?: number } = {}): RefMiResult {
  const want = refMiBinnedRows(rows, y, binning, K);
  expectSame(wasmMi(rows, y, binning, K, opts), want, what);
  return want;
}

/** f32 neighbours */
const f32buf = new Float32Array(1);
const i32buf = new Int32Array(f32buf.buffer);
function nextDown(x: number): number {
  f32buf[0] = x;
  if (x > 0) i32buf[0]--; else if (x < 0) i32buf[0]++; else return -1.4e-45;
  return f32buf[0];
}
function nextUp(x: number): number {
  return -nextDown(-x);
}

/** a value inside cell c of edges (mid-point; the top cell is represented by hi itself) */
function cellValue(edges: Float32Array, c: number): number {
  return c >= edges.length - 1 ? edges[edges.length - 1] : Math.fround((edges[c] + edges[c + 1]) / 2);
}

// ---------------------------------------------------------------------------------------------
describe('reference self-checks', () => {
  it('refLinspaceEdges equals numpy.linspace(lo, hi, n).astype(float32) (values from numpy 1.x)', () => {
    const numpy30 = [-1.0, -0.931034505367279, -0.8620689511299133, -0.7931034564971924, -0.7241379022598267,
      -0.6551724076271057, -0.5862069129943848, -0.517241358757019, -0.4482758641242981, -0.37931033968925476,
      -0.3103448152542114, -0.24137930572032928, -0.17241379618644714, -0.1034482792019844, -0.03448275849223137,
      0.03448275849223137, 0.1034482792019844, 0.17241379618644714, 0.24137930572032928, 0.3103448152542114,
      0.37931033968925476, 0.4482758641242981, 0.517241358757019, 0.5862069129943848, 0.6551724076271057,
      0.7241379022598267, 0.7931034564971924, 0.8620689511299133, 0.931034505367279, 1.0];
    expect(Array.from(refLinspaceEdges(-1, 1, 30))).toEqual(numpy30);
    expect(Array.from(refLinspaceEdges(-1, 1, 10))).toEqual([-1.0, -0.7777777910232544, -0.5555555820465088,
      -0.3333333432674408, -0.1111111119389534, 0.1111111119389534, 0.3333333432674408, 0.5555555820465088,
      0.7777777910232544, 1.0]);
    expect(Array.from(refLinspaceEdges(-2, 3, 7))).toEqual([-2.0, -1.1666666269302368, -0.3333333432674408, 0.5,
      1.3333333730697632, 2.1666667461395264, 3.0]);
  });
  it('refMiBinned equals a numpy computation (np.digitize / np.unique) on a fixed data set', () => {
    // act[s][u] = float32(sin(0.37 s + 1.1 u) * 1.2), y = s % 3, N = 1001, three units;
    // numpy: cells = edges[np.digitize(act, edges) - 1]; H over np.unique(cells, axis=0) counts
    const N = 1001;
    const rows = Array.from({ length: N }, (_, s) => [0, 1, 2].map((u) => Math.fround(Math.sin(s * 0.37 + u * 1.1) * 1.2)));
    const y = Array.from({ length: N }, (_, s) => s % 3);
    const r30 = refMiBinnedRows(rows, y, EDGES30, 3);
    expect(r30.patterns).toBe(170);
    expect(r30.hT).toBeCloseTo(7.117674260857161, 12);
    expect(r30.hTgivenY).toBeCloseTo(7.042715918431718, 12);
    const r10 = refMiBinnedRows(rows, y, EDGES10, 3);
    expect(r10.patterns).toBe(55);
    expect(r10.hT).toBeCloseTo(5.553956665141786, 12);
    expect(r10.hTgivenY).toBeCloseTo(5.549874915849295, 12);
    // np.floor(act / 0.07) (numpy divides float32 by float32 here; same cells on this data)
    const rw = refMiBinnedRows(rows, y, WIDTH007, 3);
    expect(rw.patterns).toBe(206);
    expect(rw.hT).toBeCloseTo(7.408927813018163, 12);
    expect(rw.hTgivenY).toBeCloseTo(7.3124747237626515, 12);
    // and the wasm kernel on the same data
    expectSame(wasmMi(rows, y, EDGES30, 3), r30, 'numpy data, 30 bins');
    expectSame(wasmMi(rows, y, EDGES10, 3), r10, 'numpy data, 10 bins');
    expectSame(wasmMi(rows, y, WIDTH007, 3), rw, 'numpy data, width 0.07');
  });
  it('refBinCell: numpy digitize semantics at the special values', () => {
    const e = refLinspaceEdges(-1, 1, 30);
    expect(refBinCell(-1, EDGES30)).toBe(0);
    expect(refBinCell(nextDown(-1), EDGES30)).toBe(29);
    expect(refBinCell(-7, EDGES30)).toBe(29);
    expect(refBinCell(1, EDGES30)).toBe(29);
    expect(refBinCell(nextDown(1), EDGES30)).toBe(28);
    expect(refBinCell(NaN, EDGES30)).toBe(29);
    expect(refBinCell(-Infinity, EDGES30)).toBe(29);
    for (let k = 0; k < 29; k++) {
      expect(refBinCell(e[k], EDGES30)).toBe(k);
      expect(refBinCell(nextDown(e[k + 1]), EDGES30)).toBe(k);
    }
    expect(refBinCell(-0.01, WIDTH007)).toBe(-1);
    expect(refBinCell(0.0701, WIDTH007)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe('mi_binned vs the reference on random data', () => {
  const UNITS = [1, 2, 3, 5, 7, 12];
  const NS = [1, 2, 5, 513, 1023, 4095, 4096];

  function randomRows(d: TestData, N: number, nUnits: number, kind: 'tanh' | 'wide' | 'normal' | 'relu'): number[][] {
    return Array.from({ length: N }, () => Array.from({ length: nUnits }, () => {
      const z = d.rng.normal();
      switch (kind) {
        case 'tanh': return Math.fround(Math.tanh(2 * z));
        case 'wide': return Math.fround(1.4 * z); // many values outside [-1, 1]
        case 'normal': return Math.fround(0.4 * z);
        case 'relu': return Math.fround(Math.max(0, 0.5 * z));
      }
    }));
  }

  for (const K of [2, 3]) {
    for (const [bname, binning, kind] of [
      ['30 bins', EDGES30, 'tanh'], ['10 bins', EDGES10, 'tanh'], ['30 bins, values outside [-1, 1]', EDGES30, 'wide'],
      ['width 0.07', WIDTH007, 'normal'], ['width 0.07, relu-like', WIDTH007, 'relu'],
    ] as const) {
      it(`K = ${K}, ${bname}: nUnits ${UNITS.join(',')} x N ${NS.join(',')}`, () => {
        const d = new TestData(K * 100 + bname.length);
        for (const nUnits of UNITS) {
          for (const N of NS) {
            const rows = randomRows(d, N, nUnits, kind);
            const y = d.labels(N, K);
            check(rows, y, binning, K, `K=${K} ${bname} nUnits=${nUnits} N=${N}`);
          }
        }
      });
    }
  }

  it('other edge ranges: linspace(0, 1, 10), linspace(-2, 3, 7), linspace(-1, 1, 2)', () => {
    const d = new TestData(4242);
    for (const binning of [
      { mode: 'edges', lo: 0, hi: 1, nbins: 10 }, { mode: 'edges', lo: -2, hi: 3, nbins: 7 },
      { mode: 'edges', lo: -1, hi: 1, nbins: 2 },
    ] as RefBinning[]) {
      for (const N of [7, 999]) {
        const rows = Array.from({ length: N }, () => [d.uniform(-3, 4), d.uniform(-0.5, 1.5), d.uniform(-1, 1)].map(Math.fround));
        check(rows, d.labels(N, 2), binning, 2, `edges ${JSON.stringify(binning)} N=${N}`);
      }
    }
  });

  it('one ctx reused for calls of different sizes gives the same results as fresh ones', () => {
    const d = new TestData(99);
    const big = randomRows(d, 4095, 12, 'tanh');
    const yBig = d.labels(4095, 3);
    const small = randomRows(d, 37, 3, 'tanh');
    const ySmall = d.labels(37, 3);
    const want1 = refMiBinnedRows(big, yBig, EDGES30, 3);
    const want2 = refMiBinnedRows(small, ySmall, EDGES10, 3);
    const want3 = refMiBinnedRows(big, yBig, WIDTH007, 3);
    w.reset();
    const ctx = w.ex.mi_create(4096, 40, 3);
    for (let rep = 0; rep < 2; rep++) {
      expectSame(wasmMi(big, yBig, EDGES30, 3, { ctx }), want1, `reuse big, rep ${rep}`);
      expectSame(wasmMi(small, ySmall, EDGES10, 3, { ctx }), want2, `reuse small, rep ${rep}`);
      expectSame(wasmMi(big, yBig, WIDTH007, 3, { ctx }), want3, `reuse width, rep ${rep}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('mi_binned edge cases', () => {
  it('all rows equal: H(T) = 0, I(T;Y) = 0, one pattern (both modes)', () => {
    for (const N of [1, 3, 4, 1001]) {
      const rows = Array.from({ length: N }, () => [0.3, -0.2, 0.9, -1, 1]);
      const y = Array.from({ length: N }, (_, s) => s % 2);
      for (const binning of [EDGES30, WIDTH007]) {
        const got = wasmMi(rows, y, binning, 2);
        expect(got.patterns).toBe(1);
        expect(Math.abs(got.hT)).toBeLessThanOrEqual(TOL);
        expect(Math.abs(got.iTY)).toBeLessThanOrEqual(TOL);
      }
    }
  });

  it('all rows distinct: H(T) = log2 N and I(T;Y) = H(Y)', () => {
    const e = refLinspaceEdges(-1, 1, 30);
    for (const N of [4096, 4095, 30]) {
      // row i: base-16 digits of i as cells of 3 units (N = 30: one unit, one cell per row)
      const rows = N === 30
        ? Array.from({ length: N }, (_, i) => [cellValue(e, i)])
        : Array.from({ length: N }, (_, i) => [cellValue(e, i >> 8), cellValue(e, (i >> 4) & 15), cellValue(e, i & 15)]);
      const y = Array.from({ length: N }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
      const got = wasmMi(rows, y, EDGES30, 2);
      const n1 = y.filter((v) => v === 1).length;
      const hY = refEntropyBits([n1, N - n1]);
      expect(got.patterns).toBe(N);
      expect(Math.abs(got.hT - Math.log2(N))).toBeLessThanOrEqual(TOL);
      expect(Math.abs(got.iTY - hY)).toBeLessThanOrEqual(TOL);
      expectSame(got, refMiBinnedRows(rows, y, EDGES30, 2), `distinct N=${N}`);
    }
  });

  it('values exactly on every edge and just below the next one, exactly 1.0 and -1.0', () => {
    for (const binning of [EDGES30, EDGES10]) {
      const nb = (binning as { nbins: number }).nbins;
      const e = refLinspaceEdges(-1, 1, nb);
      const rows: number[][] = [];
      for (let k = 0; k < nb - 1; k++) {
        rows.push([e[k]], [nextDown(e[k + 1])]); // both in cell k
      }
      rows.push([1.0]); // the top cell, alone
      const y = rows.map((_, i) => i % 2);
      const got = wasmMi(rows, y, binning, 2);
      // nb - 1 cells with 2 rows each and one with 1 row
      const N = rows.length;
      const want = -(nb - 1) * (2 / N) * Math.log2(2 / N) - (1 / N) * Math.log2(1 / N);
      expect(got.patterns).toBe(nb);
      expect(Math.abs(got.hT - want)).toBeLessThanOrEqual(TOL);
      // within a class every row is in its own cell
      expect(Math.abs(got.hTgivenY - ((nb - 1) / N) * Math.log2(nb - 1) - (nb / N) * Math.log2(nb))).toBeLessThanOrEqual(TOL);
      expectSame(got, refMiBinnedRows(rows, y, binning, 2), `edges nbins=${nb}`);
      // values on the edges alone: one per cell
      const onEdges = Array.from(e, (v) => [v]);
      const got2 = wasmMi(onEdges, onEdges.map(() => 0), binning, 2);
      expect(got2.patterns).toBe(nb);
      expect(Math.abs(got2.hT - Math.log2(nb))).toBeLessThanOrEqual(TOL);
    }
  });

  it('v < -1, -Infinity, +Infinity and NaN wrap to the top cell: the same pattern as v >= 1', () => {
    const top = [1.0, 1.5, 1e30, Infinity, -1.0000001, -1.5, -1e30, -Infinity, NaN, nextDown(-1)];
    const rows = top.map((v) => [v, 0.3]);
    const y = rows.map((_, i) => i % 2);
    const got = wasmMi(rows, y, EDGES30, 2);
    expect(got.patterns).toBe(1);
    expect(Math.abs(got.hT)).toBeLessThanOrEqual(TOL);
    // add rows in other cells: -1.0 (cell 0), nextDown(1) (cell 28)
    const rows2 = [...rows, [-1.0, 0.3], [nextDown(1), 0.3], [NaN, NaN], [-2, 5]];
    const y2 = rows2.map((_, i) => (i * 5) % 3);
    const got2 = check(rows2, y2, EDGES30, 3, 'wrap');
    expect(got2.patterns).toBe(4); // (top, 0.3), (0, 0.3), (28, 0.3), (top, top)
    expectSame(wasmMi(rows2, y2, EDGES30, 3), got2, 'wrap');
  });

  it('values within 3 f32 ulps of every edge, for many linspace settings', () => {
    const settings: [number, number, number][] = [
      [-1, 1, 30], [-1, 1, 10], [-1, 1, 2], [-1, 1, 3], [0, 1, 10], [-2, 3, 7], [-1, 1, 100], [-1, 1, 1000],
      [1000, 1000.5, 30], [-1e-3, 1e-3, 30], [0.1, 0.7, 13], [-5, -1, 9], [-1e6, 3e6, 50],
    ];
    for (const [lo, hi, nbins] of settings) {
      const binning: RefBinning = { mode: 'edges', lo, hi, nbins };
      const e = refLinspaceEdges(lo, hi, nbins);
      const vals: number[] = [];
      for (const edge of e) {
        let a = edge, b = edge;
        vals.push(edge);
        for (let k = 0; k < 3; k++) { a = nextDown(a); b = nextUp(b); vals.push(a, b); }
      }
      // one unit: each row's cell is checked through the pattern count and entropies; two units:
      // pair each value with its neighbour so that an off-by-one cell changes the patterns
      const rows1 = vals.map((v) => [v]);
      const y = vals.map((_, i) => (i * 13) % 2);
      check(rows1, y, binning, 2, `near edges lo=${lo} hi=${hi} nbins=${nbins}`);
      const rows2 = vals.map((v, i) => [v, vals[(i + 1) % vals.length]]);
      check(rows2, y, binning, 2, `near edges (pairs) lo=${lo} hi=${hi} nbins=${nbins}`);
      // every value alone against a fixed probe row: same pattern iff the reference says same cell
      const probe = [e[Math.floor(nbins / 2)]];
      const probeCell = refBinCell(probe[0], binning);
      for (let i = 0; i < vals.length; i++) {
        const same = refBinCell(vals[i], binning) === probeCell;
        const got = wasmMi([probe, [vals[i]]], [0, 0], binning, 2);
        if (got.patterns !== (same ? 1 : 2)) {
          throw new Error(`lo=${lo} hi=${hi} nbins=${nbins}: value ${vals[i]} (reference cell ` +
            `${refBinCell(vals[i], binning)}) vs probe ${probe[0]} (cell ${probeCell}): got ${got.patterns} patterns`);
        }
      }
    }
  });

  it('width mode: huge values, +-Infinity and NaN are cells of their own (cell = floor(v / w) has no upper bound)', () => {
    // floor(v / 0.07) for 1e10 and 2e10 are different integers; the ABI gives no clamp
    const rows = [[1e10], [2e10], [Infinity], [-1e10], [-2e10], [-Infinity], [NaN], [0.5]];
    const want = refMiBinnedRows(rows, rows.map(() => 0), WIDTH007, 2);
    expect(want.patterns).toBe(8);
    const got = wasmMi(rows, rows.map(() => 0), WIDTH007, 2);
    expect(got.patterns, 'rows 1e10, 2e10, Inf, -1e10, -2e10, -Inf, NaN, 0.5 under width 0.07').toBe(8);
  });

  it('NaN rows spread through random data still count exactly', () => {
    const d = new TestData(31337);
    const rows = Array.from({ length: 2049 }, () => Array.from({ length: 4 }, () => {
      const r = d.uniform();
      return r < 0.05 ? NaN : r < 0.1 ? -1.2 : r < 0.15 ? 1 : Math.fround(Math.tanh(d.rng.normal()));
    }));
    check(rows, d.labels(2049, 2), EDGES30, 2, 'NaN spread');
  });

  it('a hand-computed case: 8 rows, one unit, K = 2', () => {
    // cells A A A A B B C D; labels 0 0 1 1 0 0 1 1
    const e = refLinspaceEdges(-1, 1, 30);
    const A = cellValue(e, 3), Bv = cellValue(e, 14), C = cellValue(e, 20), D = 1.0;
    const rows = [[A], [A], [A], [A], [Bv], [Bv], [C], [D]];
    const y = [0, 0, 1, 1, 0, 0, 1, 1];
    const got = wasmMi(rows, y, EDGES30, 2);
    // H(T) = H(1/2, 1/4, 1/8, 1/8) = 0.5*1 + 0.25*2 + 2*0.125*3 = 1.75
    // class 0: A A B B -> 1 bit; class 1: A A C D -> 1.5 bits; H(T|Y) = (1 + 1.5)/2 = 1.25
    expect(got.patterns).toBe(4);
    expect(Math.abs(got.hT - 1.75)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.hTgivenY - 1.25)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.iTY - 0.5)).toBeLessThanOrEqual(TOL);
  });

  it('a hand-computed case: 6 rows, two units, K = 3', () => {
    const e = refLinspaceEdges(-1, 1, 30);
    const P = [cellValue(e, 0), cellValue(e, 0)], Q = [cellValue(e, 0), cellValue(e, 1)], R = [cellValue(e, 1), cellValue(e, 0)];
    const rows = [P, P, Q, Q, R, R];
    const y = [0, 1, 1, 2, 2, 2];
    const got = wasmMi(rows, y, EDGES30, 3);
    // H(T) = log2 3; class 0: {P} -> 0; class 1: {P, Q} -> 1; class 2: {Q, R, R} -> H(1/3, 2/3)
    const h13 = -(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3);
    expect(got.patterns).toBe(3);
    expect(Math.abs(got.hT - Math.log2(3))).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.hTgivenY - ((2 / 6) * 1 + (3 / 6) * h13))).toBeLessThanOrEqual(TOL);
  });

  it('K = 3 with an absent class, and a single class', () => {
    const d = new TestData(5);
    const rows = Array.from({ length: 301 }, () => [Math.fround(Math.tanh(d.rng.normal())), Math.fround(d.uniform(-1, 1))]);
    check(rows, rows.map((_, i) => (i % 2) * 2), EDGES10, 3, 'class 1 absent');
    const got = check(rows, rows.map(() => 1), EDGES10, 3, 'only class 1');
    expect(Math.abs(got.iTY)).toBeLessThanOrEqual(TOL);
  });

  it('width mode by hand: negative values floor downwards', () => {
    const vals = [-0.15, -0.0701, -0.01, 0, 0.01, 0.069, 0.0701, 0.2, -3.52, 3.52];
    // floor(v / 0.07): -3, -2, -1, 0, 0, 0, 1, 2, -51, 50
    expect(vals.map((v) => refBinCell(v, WIDTH007))).toEqual([-3, -2, -1, 0, 0, 0, 1, 2, -51, 50]);
    const rows = vals.map((v) => [v]);
    const got = wasmMi(rows, rows.map(() => 0), WIDTH007, 2);
    // 8 patterns: seven singletons and one cell (0) holding 3 rows
    expect(got.patterns).toBe(8);
    expect(Math.abs(got.hT - (7 * 0.1 * Math.log2(10) + 0.3 * Math.log2(10 / 3)))).toBeLessThanOrEqual(TOL);
    // -0.01 and 0.01 must not share a cell (a truncation toward zero would merge them)
    const got2 = wasmMi([[-0.01], [0.01]], [0, 1], WIDTH007, 2);
    expect(got2.patterns).toBe(2);
  });

  it('width mode: 3.5 / 0.07 is 49.999... in float64, so floor gives 49 (as numpy with a float64 array)', () => {
    expect(refBinCell(3.5, WIDTH007)).toBe(49);
    const got = wasmMi([[3.5], [Math.fround(49 * 0.07 + 0.01)], [Math.fround(50 * 0.07 + 0.01)]], [0, 0, 1], WIDTH007, 2);
    expect(got.patterns).toBe(2);
  });

  it('width mode: values on multiples of the width (f32 values divided as documented in refBinCell)', () => {
    const rows: number[][] = [];
    for (let k = -40; k <= 40; k++) rows.push([Math.fround(k * 0.07)], [Math.fround(k * 0.07 + 0.035)]);
    check(rows, rows.map((_, i) => i % 2), WIDTH007, 2, 'width multiples');
  });
});

// ---------------------------------------------------------------------------------------------
describe('mi_binned counts distinct patterns exactly on wide layers (no hash collisions)', () => {
  const e = refLinspaceEdges(-1, 1, 30);
  const U = 40;
  const toRow = (cells: number[]) => cells.map((c) => cellValue(e, c));

  it('nUnits = 40: rows crafted to collide under weak hashes / truncated packed codes', () => {
    const d = new TestData(40);
    const cellsRows: number[][] = [];
    const base = Array.from({ length: U }, () => d.int(30));
    cellsRows.push(base);
    // permutations of the same multiset of cells (collide under sum / xor / sorted hashes)
    for (let k = 0; k < 200; k++) {
      const r = base.slice();
      const i = d.int(U), j = d.int(U);
      [r[i], r[j]] = [r[j], r[i]];
      cellsRows.push(r);
    }
    // differences only beyond the first 64 bits of a 5-bit packed code (units 13..39)
    for (let u = 13; u < U; u++) {
      for (const c of [0, 7, 29]) {
        const r = base.slice();
        r[u] = c;
        cellsRows.push(r);
      }
    }
    // differences only in the last unit: every cell
    for (let c = 0; c < 30; c++) {
      const r = base.slice();
      r[U - 1] = c;
      cellsRows.push(r);
    }
    // rows that agree in the low 4 bits of every cell (cells c and c + 16): they collide under a
    // code that keeps too few bits per unit
    for (let k = 0; k < 100; k++) {
      const r = base.map((c) => (d.int(2) ? c % 16 : (c % 16) + 16 > 29 ? c % 16 : (c % 16) + 16));
      cellsRows.push(r);
    }
    // +1 in one unit and -1 in another (collide under any additive hash of the cells)
    for (let k = 0; k < 50; k++) {
      const r = base.slice();
      const i = (k % 6) * 6, j = i + 1 + (k % 3) * 2; // j <= 35
      r[i] = (r[i] + 1) % 30;
      r[j] = (r[j] + 29) % 30;
      cellsRows.push(r);
    }
    // fill to 4095 rows with random rows close to base (a few changed units)
    while (cellsRows.length < 4095) {
      const r = base.slice();
      for (let c = 0; c < 1 + d.int(3); c++) r[d.int(U)] = d.int(30);
      cellsRows.push(r);
    }
    // duplicate a share of rows so that counts > 1 matter too
    for (let k = 0; k < 500; k++) cellsRows[4095 - 1 - k] = cellsRows[d.int(3000)].slice();
    for (const r of cellsRows) expect(r.length).toBe(U);
    const rows = cellsRows.map(toRow);
    const y = d.labels(rows.length, 3);
    const want = check(rows, y, EDGES30, 3, 'wide collisions');
    expect(want.patterns).toBeGreaterThan(2000);
    expect(want.patterns).toBeLessThan(4095);
  });

  it('nUnits = 40: all rows distinct, differing only in the last units / only in the first unit', () => {
    const N = 900;
    const lastTwo = Array.from({ length: N }, (_, i) => toRow([...new Array(U - 2).fill(5), Math.floor(i / 30), i % 30]));
    const got = wasmMi(lastTwo, lastTwo.map((_, i) => i % 2), EDGES30, 2);
    expect(got.patterns).toBe(N);
    expect(Math.abs(got.hT - Math.log2(N))).toBeLessThanOrEqual(TOL);
    const firstTwo = Array.from({ length: N }, (_, i) => toRow([Math.floor(i / 30), i % 30, ...new Array(U - 2).fill(29)]));
    const got2 = wasmMi(firstTwo, firstTwo.map((_, i) => i % 2), EDGES30, 2);
    expect(got2.patterns).toBe(N);
    expect(Math.abs(got2.hT - Math.log2(N))).toBeLessThanOrEqual(TOL);
  });

  it('nUnits = 40, 4096 random tanh rows and width mode: exact vs the reference', () => {
    const d = new TestData(4040);
    const rows = Array.from({ length: 4093 }, () => Array.from({ length: U }, () => Math.fround(Math.tanh(0.3 * d.rng.normal()))));
    const y = d.labels(4093, 2);
    check(rows, y, EDGES30, 2, 'wide tanh edges');
    check(rows, y, WIDTH007, 2, 'wide tanh width');
    // few-units, many-duplicates variant on the same wide layer
    const coarse = rows.map((r) => r.map((v) => (v > 0 ? 0.5 : -0.5)));
    check(coarse, y, EDGES30, 2, 'wide coarse');
  });
});

describe('layout', () => {
  it('the act pointer, B stride and N are honoured (same rows, different padding)', () => {
    const d = new TestData(8);
    const rows = Array.from({ length: 1021 }, () => Array.from({ length: 6 }, () => Math.fround(d.uniform(-1, 1))));
    const y = d.labels(1021, 2);
    const want = refMiBinned(
      Float32Array.from({ length: 6 * 1024 }, (_, i) => (i % 1024 < 1021 ? rows[i % 1024][Math.floor(i / 1024)] : 0)),
      6, 1021, 1024, y, EDGES30, 2,
    );
    expectSame(want, refMiBinnedRows(rows, y, EDGES30, 2), 'refMiBinned layout');
    for (const extraPad of [0, 4, 64]) expectSame(wasmMi(rows, y, EDGES30, 2, { extraPad }), want, `extraPad ${extraPad}`);
  });
});
