// Adaptive binning (EBAB): sort_unique_f32, ebab_edges and mi_binned_explicit (explicit
// edges) against the references in src/reference/adaptive.ts, and the `adaptive` estimator.
import { beforeAll, describe, expect, it } from 'vitest';
import { refEbabEdges, refExplicitCell, refMiAdaptive, refMiExplicitRows, refSortedUnique, refEntropyBits, type RefMiResult } from '../src/reference/index.js';
import { loadWasm, type Kernels, type Wasm } from './helpers/wasm.js';
import { TestData, pad4 } from './helpers/data.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { ESTIMATORS } from '../src/estimators/index.js';
import { DEFAULTS } from '../src/config/config.js';
import { cli } from './helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


let w: Wasm;
let k: Kernels;
beforeAll(async () => {
  w = await loadWasm();
  k = w.ex;
});

/** [unit][B] layout of rows[s][u], junk in the padding columns */
function layout(rows: ArrayLike<number>[], extra = 4): { act: Float32Array; B: number; d: number } {
  const N = rows.length, d = rows[0].length, B = pad4(N) + extra;
  const act = new Float32Array(d * B);
  for (let u = 0; u < d; u++) for (let s = 0; s < B; s++) act[u * B + s] = s < N ? rows[s][u] : 1e6 + s;
  return { act, B, d };
}

function wasmSortUnique(values: number[]): number[] {
  w.reset();
  const ap = w.putF32(values.length ? values : [0]);
  const out = w.allocF32(values.length + 1), scratch = w.alloc(k.sort_scratch_bytes(values.length));
  const m = k.sort_unique_f32(ap, 1, values.length, values.length, out, scratch);
  return Array.from(w.getF32(out, m));
}

function wasmEdges(rows: ArrayLike<number>[], nbins: number, lower?: number): Float32Array {
  const { act, B, d } = layout(rows);
  w.reset();
  const ctx = k.ebab_create(rows.length * d);
  const ap = w.putF32(act), edges = w.allocF32(nbins + 2);
  const n = k.ebab_edges(ctx, ap, d, rows.length, B, lower === undefined ? 0 : 1, lower ?? 0, nbins, edges);
  expect(n).toBe(nbins + 2);
  return w.getF32(edges, n);
}

function wasmExplicit(rows: ArrayLike<number>[], y: ArrayLike<number>, edges: Float32Array, K: number): RefMiResult {
  const { act, B, d } = layout(rows);
  w.reset();
  const ctx = k.mi_create(rows.length, d, K);
  const ap = w.putF32(act), yp = w.putI32(Array.from(y)), ep = w.putF32(edges), out = w.allocF64(3);
  k.mi_binned_explicit(ctx, ap, d, rows.length, B, yp, ep, edges.length, out);
  const [hT, hTgivenY, patterns] = w.getF64(out, 3);
  return { hT, hTgivenY, patterns, iXT: hT, iTY: hT - hTgivenY };
}

function expectSame(got: RefMiResult, want: RefMiResult, what: string): void {
  expect(got.patterns, what).toBe(want.patterns);
  expect(Math.abs(got.hT - want.hT), what).toBeLessThanOrEqual(1e-9);
  expect(Math.abs(got.hTgivenY - want.hTgivenY), what).toBeLessThanOrEqual(1e-9);
}

describe('sort_unique_f32 vs refSortedUnique', () => {
  it('random values of many magnitudes and signs, with duplicates', () => {
    const t = new TestData(1);
    for (const n of [1, 2, 3, 7, 100, 5000]) {
      const v = Array.from({ length: n }, () => Math.fround((t.uniform(-1, 1) ** 3) * 10 ** t.int(8) * (t.int(4) === 0 ? 1 : 1e-6)));
      for (let i = 0; i < n / 5; i++) v[t.int(n)] = v[t.int(n)]; // duplicates
      expect(wasmSortUnique(v), `n ${n}`).toEqual(refSortedUnique(v));
    }
  });
  it('-0 and +0 are one value; NaN is left out; +-Infinity and the extremes sort at the ends', () => {
    const v = [0, -0, NaN, 1, -1, Infinity, -Infinity, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1.4e-45, -1.4e-45, NaN, 1];
    const want = refSortedUnique(v);
    expect(want).toEqual([-Infinity, -3.4028234663852886e38, -1, -1.401298464324817e-45, 0, 1.401298464324817e-45, 1, 3.4028234663852886e38, Infinity]);
    expect(wasmSortUnique(v)).toEqual(want);
    expect(wasmSortUnique([])).toEqual([]);
    expect(wasmSortUnique([NaN, NaN])).toEqual([]);
  });
  it('values that share their high bits (the skipped radix passes)', () => {
    const v = Array.from({ length: 3000 }, (_, i) => Math.fround(1 + (i % 997) * 2 ** -23));
    expect(wasmSortUnique(v)).toEqual(refSortedUnique(v));
  });
});

describe('bucket sort paths (assembly/sort.ts): large buckets, repeats, infinities', () => {
  it('clusters far denser than the rest (buckets sorted by insertion and by radix), many repeats', () => {
    const t = new TestData(11);
    for (const [n, cluster, dupEvery] of [[5000, 3000, 0], [5000, 400, 3], [20000, 12000, 7], [777, 100, 2]] as const) {
      const v: number[] = [];
      for (let i = 0; i < n - cluster; i++) v.push(Math.fround(t.uniform(-1, 1)));
      for (let i = 0; i < cluster; i++) v.push(Math.fround(0.25 + t.uniform(0, 1) * 2 ** -12)); // one bucket or a few
      if (dupEvery > 0) for (let i = 0; i < n; i += dupEvery) v[i] = v[(i * 7919) % n];
      expect(wasmSortUnique(v), `n ${n} cluster ${cluster}`).toEqual(refSortedUnique(v));
      for (const nbins of [1, 7, 30, 2000]) {
        const rows = v.map((x) => [x]);
        expect(Array.from(wasmEdges(rows, nbins, -1)), `n ${n} nbins ${nbins}`).toEqual(Array.from(refEbabEdges(v, nbins, -1)));
      }
    }
  });
  it('a repeat up to 7 places after its twin inside a bucket of 8 (the repeat window)', () => {
    for (const gap of [1, 4, 7]) {
      const v: number[] = [];
      for (let k = 0; k < 500; k++) { // groups of 8 close values, far apart: about one bucket each
        const group = Array.from({ length: 8 }, (_, i) => Math.fround(k + i * 2 ** -10));
        group[gap] = group[0];
        v.push(...group);
      }
      expect(wasmSortUnique(v), `gap ${gap}`).toEqual(refSortedUnique(v));
      const rows = v.map((x) => [x]);
      expect(Array.from(wasmEdges(rows, 30)), `gap ${gap}`).toEqual(Array.from(refEbabEdges(v, 30)));
    }
  });
  it('every value equal, two values, infinities, NaN and -0 among the values, a tail of N % 4 rows', () => {
    const cases: number[][] = [
      new Array(1000).fill(0.5),
      Array.from({ length: 999 }, (_, i) => (i % 2 ? 1 : -1)),
      [Infinity, -Infinity, 0, -0, NaN, 1, 1, -1, Infinity, 2, -0],
      Array.from({ length: 503 }, (_, i) => (i % 17 === 0 ? NaN : i % 13 === 0 ? -Infinity : Math.sin(i))),
      [3.4028234663852886e38, -3.4028234663852886e38, 0, 1e-45, -1e-45, 1],
    ];
    for (const v of cases) {
      expect(wasmSortUnique(v)).toEqual(refSortedUnique(v));
      const rows = v.map((x) => [x, -x]);
      for (const nbins of [2, 5, 30]) {
        expect(Array.from(wasmEdges(rows, nbins, 0)), `nbins ${nbins}`).toEqual(Array.from(refEbabEdges(rows.flat(), nbins, 0)));
        expect(Array.from(wasmEdges(rows, nbins))).toEqual(Array.from(refEbabEdges(rows.flat(), nbins)));
      }
    }
  });
});

describe('ebab_edges vs refEbabEdges', () => {
  it('a hand case: values 0..9, 5 bins', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i]);
    const want = [0, 0, 2, 4, 6, 8, 9]; // lower = min U, U[floor(k 10 / 5)], max U
    expect(Array.from(refEbabEdges(rows.flat(), 5))).toEqual(want);
    expect(Array.from(wasmEdges(rows, 5))).toEqual(want);
    // cells {0,1} {2,3} {4,5} {6,7} {8} {9}: H = 4 (0.2 log2 5) + 2 (0.1 log2 10)
    const r = refMiAdaptive(rows.flat(), 1, 10, 10, new Array(10).fill(0), 5);
    expect(r.patterns).toBe(6);
    expect(r.hT).toBeCloseTo(0.8 * Math.log2(5) + 0.2 * Math.log2(10), 12);
    expectSame(wasmExplicit(rows, new Array(10).fill(0), Float32Array.from(want), 1), r, 'hand');
  });
  it('pooled over units, with lower bounds -1, 0 and none, more bins than distinct values', () => {
    const t = new TestData(2);
    for (const [N, d, nbins, lower] of [[300, 4, 30, -1], [257, 3, 30, 0], [100, 2, 7, undefined], [5, 1, 30, -1], [40, 10, 4096, undefined]] as const) {
      const rows = Array.from({ length: N }, () => Array.from(t.f32(d, 0, 1), (v) => Math.fround(Math.round(v * 50) / 50)));
      const got = wasmEdges(rows, nbins, lower), want = refEbabEdges(rows.flat(), nbins, lower);
      expect(Array.from(got), `N ${N} d ${d} nbins ${nbins}`).toEqual(Array.from(want));
      for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThanOrEqual(got[i - 1]);
    }
  });
  it('a lower bound above the smallest value gives way to it (edges stay sorted); all-NaN input', () => {
    expect(Array.from(wasmEdges([[-1.5], [0.5], [0.25]], 2, -1))).toEqual([-1.5, -1.5, 0.25, 0.5]);
    expect(Array.from(wasmEdges([[NaN], [NaN]], 3, -1))).toEqual([-1, -1, -1, -1, -1]);
    expect(Array.from(refEbabEdges([NaN, NaN], 3, -1))).toEqual([-1, -1, -1, -1, -1]);
  });
});

describe('mi_binned_explicit (explicit edges) vs the reference', () => {
  it('random data and random sorted edges with duplicates, narrow and wide layers', () => {
    const t = new TestData(3);
    for (const [N, d, nE, K] of [[500, 3, 10, 2], [1000, 10, 32, 2], [333, 13, 32, 3], [200, 20, 300, 2], [64, 1, 2, 2]] as const) {
      const rows = Array.from({ length: N }, () => Array.from(t.f32(d, -1.2, 1.2)));
      const raw = Array.from(t.f32(nE, -1, 1)).sort((a, b) => a - b);
      for (let i = 1; i < nE; i += 5) raw[i] = raw[i - 1]; // duplicate edges
      const edges = Float32Array.from(raw);
      const y = t.labels(N, K);
      expectSame(wasmExplicit(rows, y, edges, K), refMiExplicitRows(rows, y, edges, K), `N ${N} d ${d} edges ${nE}`);
    }
  });
  it('edges bunched in a few grid cells, infinite outer edges (no grid), the EBAB edges of skewed data', () => {
    const t = new TestData(12);
    const N = 700, d = 6, K = 2;
    const rows = Array.from({ length: N }, () => Array.from({ length: d }, () => Math.fround(t.uniform(0, 1) ** 8)));
    const y = t.labels(N, K);
    const bunched = Float32Array.from([0, 1e-7, 2e-7, 2e-7, 3e-7, 1e-6, 1e-5, 1e-4, 0.5, 1]);
    const infinite = Float32Array.from([-Infinity, 1e-6, 1e-3, 0.1, Infinity]);
    for (const edges of [bunched, infinite, refEbabEdges(rows.flat(), 30, 0), refEbabEdges(rows.flat(), 4000)]) {
      expectSame(wasmExplicit(rows, y, edges, K), refMiExplicitRows(rows, y, edges, K), `edges ${edges.length}`);
    }
  });
  it('values exactly on edges, just below them, outside, infinite and NaN', () => {
    const edges = Float32Array.from([-0.5, -0.5, -0.25, 0, 0.125, 0.125, 0.75]);
    const special = [-0.5, -0.25, 0, 0.125, 0.75, -0.75, 1, Infinity, -Infinity, NaN, Math.fround(0.125 - 2 ** -26), Math.fround(-0.25 - 2 ** -25)];
    expect(special.map((v) => refExplicitCell(v, edges))).toEqual([1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 3, 1]);
    const rows: number[][] = [];
    for (const a of special) for (const b of special) rows.push([a, b]);
    const y = rows.map((_, i) => i % 2);
    expectSame(wasmExplicit(rows, y, edges, 2), refMiExplicitRows(rows, y, edges, 2), 'specials');
  });
  it('modes 0 and 1 are unchanged by mode 2 calls on the same ctx', () => {
    const t = new TestData(4);
    const rows = Array.from({ length: 400 }, () => Array.from(t.f32(5, -1, 1)));
    const y = t.labels(400, 2);
    const { act, B, d } = layout(rows);
    w.reset();
    const ctx = k.mi_create(400, d, 2);
    const ap = w.putF32(act), yp = w.putI32(Array.from(y)), ep = w.putF32(refEbabEdges(rows.flat(), 30)), out = w.allocF64(3);
    k.mi_binned(ctx, ap, d, 400, B, yp, 0, -1, 1, 30, out);
    const before = Array.from(w.getF64(out, 3));
    k.mi_binned_explicit(ctx, ap, d, 400, B, yp, ep, 32, out);
    k.mi_binned(ctx, ap, d, 400, B, yp, 0, -1, 1, 30, out);
    expect(Array.from(w.getF64(out, 3))).toEqual(before);
  });
});

describe('the adaptive estimator', () => {
  it('matches refMiAdaptive per layer, with the lower edge of each activation', async () => {
    const engine = await Engine.create(loadWasmModule());
    const t = new TestData(5);
    const N = 600, stride = pad4(N);
    const widths = [6, 3, 2], acts = ['tanh', 'relu', 'softmax'];
    const layers = widths.map((d, l) => Array.from({ length: N * d }, () => (l === 1 ? Math.max(0, t.uniform(-1, 3)) : t.uniform(-1, 1))));
    const y = t.labels(N, 2);
    const est = ESTIMATORS.adaptive({ ...DEFAULTS, adaptiveBins: 12 }, engine, { maxRows: N, maxWidth: 6, nClasses: 2 });
    expect(est.name).toBe('adaptive');
    expect(est.settings).toMatch(/EBAB: 12 bins/);
    const ptrs = widths.map((d, l) => {
      const p = engine.alloc(4 * d * stride), a = engine.f32(p, d * stride);
      for (let u = 0; u < d; u++) for (let s = 0; s < N; s++) a[u * stride + s] = layers[l][u * N + s];
      return p;
    });
    const yp = engine.alloc(4 * stride);
    engine.i32(yp, N).set(y);
    const pts = est.measure({ engine, act: ptrs, width: widths, activation: acts, n: N, stride, labels: yp, nClasses: 2 });
    widths.forEach((d, l) => {
      const want = refMiAdaptive(layers[l], d, N, N, y, 12, acts[l] === 'tanh' ? -1 : acts[l] === 'relu' ? 0 : undefined, 2);
      expect(pts[l].patterns).toBe(want.patterns);
      expect(pts[l].ixt).toBeCloseTo(want.iXT, 9);
      expect(pts[l].ity).toBeCloseTo(want.iTY, 9);
    });
  });
  it('infoplane mi --estimator adaptive --adaptive-bins N; bad values exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-adaptive-'));
    const t = new TestData(6);
    const rows = Array.from({ length: 200 }, () => Array.from(t.f32(3, -1, 1), (v) => v.toFixed(5)));
    const y = t.labels(200, 2);
    writeFileSync(join(dir, 'a.csv'), rows.map((r) => r.join(',')).join('\n'));
    writeFileSync(join(dir, 'y.json'), JSON.stringify(Array.from(y)));
    const r = cli(['mi', '--activations', join(dir, 'a.csv'), '--labels', join(dir, 'y.json'), '--estimator', 'adaptive', '--adaptive-bins', '8']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const act: number[] = []; // [unit][sample]
    for (let u = 0; u < 3; u++) for (let s = 0; s < 200; s++) act.push(Number(rows[s][u]));
    const want = refMiAdaptive(act, 3, 200, 200, y, 8, undefined, 2);
    expect(out.estimator).toBe('adaptive');
    expect(out.patterns).toBe(want.patterns);
    expect(out.ixt).toBeCloseTo(want.iXT, 9);
    for (const bad of ['0', '1.5', 'x', '5000']) {
      const e = cli(['mi', '--activations', join(dir, 'a.csv'), '--labels', join(dir, 'y.json'), '--estimator', 'adaptive', '--adaptive-bins', bad]);
      expect(e.code).toBe(2);
      expect(e.stderr.trim().split('\n')).toHaveLength(1);
      expect(e.stderr).toMatch(/--adaptive-bins/);
    }
    const e = cli(['mi', '--activations', join(dir, 'a.csv'), '--labels', join(dir, 'y.json'), '--estimator', 'nope']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/--estimator: "nope"/);
  }, 30_000);
  it('refEntropyBits sanity for the hand case', () => {
    expect(refEntropyBits([2, 2, 2, 2, 1, 1])).toBeCloseTo(0.8 * Math.log2(5) + 0.2 * Math.log2(10), 12);
  });
});
