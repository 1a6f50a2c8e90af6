// kde_mi (docs/ABI.md "KDE bounds") against the reference refKdeMi, the bounds' known values, and
// the kde-upper / kde-lower estimators.
import { beforeAll, describe, expect, it } from 'vitest';
import { refKdeMi, refKdeMiLayout, refKdeEntropyUpper, refKdeEntropyLower, type RefKdeResult } from '../src/reference/index.js';
import { loadWasm, type Kernels, type Wasm } from './helpers/wasm.js';
import { TestData, pad4 } from './helpers/data.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { ESTIMATORS } from '../src/estimators/index.js';
import { kdeNoiseVariance, kdeRowCount } from '../src/estimators/kde.js';
import { DEFAULTS } from '../src/config/config.js';
import { miOfMatrix } from '../src/api.js';


let w: Wasm;
let k: Kernels;
beforeAll(async () => {
  w = await loadWasm();
  k = w.ex;
});

/** kde_mi on rows[s][u] with padding junk past N; `used` = row subset. Returns nats. */
function wasmKde(rows: ArrayLike<number>[], y: ArrayLike<number>, s2: number, K: number, used?: number[]): RefKdeResult {
  const N = rows.length, d = rows[0].length, B = pad4(N) + 4;
  const act = new Float32Array(d * B);
  for (let u = 0; u < d; u++) for (let s = 0; s < B; s++) act[u * B + s] = s < N ? rows[s][u] : 0.3 + 0.01 * s;
  w.reset();
  const ctx = k.kde_create(used ? used.length : N, d, K, 1);
  const ap = w.putF32(act), yp = w.putI32(Array.from(y)), out = w.allocF64(4);
  const rp = used ? w.putI32(used) : 0;
  k.kde_mi(ctx, ap, d, N, B, yp, rp, used ? used.length : 0, s2, out);
  expect(Array.from(w.getF32(ap, act.length))).toEqual(Array.from(act)); // input untouched
  const [upperXT, upperTY, lowerXT, lowerTY] = w.getF64(out, 4);
  return { upperXT, upperTY, lowerXT, lowerTY };
}

function expectClose(got: RefKdeResult, want: RefKdeResult, what: string, tol = 2e-5): void {
  for (const key of ['upperXT', 'upperTY', 'lowerXT', 'lowerTY'] as const) {
    const msg = `${what}: ${key} got ${got[key]} want ${want[key]}`;
    expect(Math.abs(got[key] - want[key]), msg).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[key])));
  }
}

function randomRows(t: TestData, N: number, d: number, spread: number): number[][] {
  return Array.from({ length: N }, () => Array.from(t.f32(d, -spread, spread)));
}

describe('kde_mi vs the reference', () => {
  for (const [N, d, K, s2, spread] of [[37, 3, 2, 1e-3, 0.05], [150, 10, 2, 1e-3, 0.1], [203, 5, 3, 1e-2, 0.3], [96, 1, 2, 1e-1, 1],
    [64, 10, 4, 1e-3, 1], [130, 2, 2, 1e-4, 0.02], [41, 20, 3, 1e-1, 0.5]] as const) {
    it(`N ${N}, d ${d}, K ${K}, s2 ${s2}, values in +-${spread}`, () => {
      const t = new TestData(N * 31 + d);
      const rows = randomRows(t, N, d, spread), y = t.labels(N, K);
      expectClose(wasmKde(rows, y, s2, K), refKdeMi(rows, y, s2, K), 'random');
    });
  }
  it('clustered rows (many near pairs, both cut-off sides) and an absent class', () => {
    const t = new TestData(5);
    const centres = randomRows(t, 6, 4, 1);
    const rows = Array.from({ length: 180 }, (_, i) => centres[i % 6].map((c) => c + t.uniform(-0.03, 0.03)));
    const y = Array.from({ length: 180 }, (_, i) => (i % 6 < 3 ? 0 : 2)); // class 1 absent
    expectClose(wasmKde(rows, y, 1e-3, 3), refKdeMi(rows, y, 1e-3, 3), 'clusters');
  });
  it('a row subset: the same as the reference on those rows (any order given)', () => {
    const t = new TestData(9);
    const N = 300, rows = randomRows(t, N, 6, 0.2), y = t.labels(N, 2);
    const used = [299, 3, 17, 150, 151, 152, 88, 0, 42, 77, 200, 201, 13, 5, 260, 111, 99, 180, 181, 9];
    const act = new Float32Array(6 * N);
    for (let u = 0; u < 6; u++) for (let s = 0; s < N; s++) act[u * N + s] = rows[s][u];
    expectClose(wasmKde(rows, y, 1e-2, 2, used), refKdeMiLayout(act, 6, N, N, y, 1e-2, used, 2), 'subset');
  });
  it('row counts that are not multiples of 4 in every class (padding rows must not count)', () => {
    const t = new TestData(11);
    for (const N of [5, 6, 7, 9, 13]) {
      const rows = randomRows(t, N, 3, 0.02), y = t.labels(N, 3);
      expectClose(wasmKde(rows, y, 1e-3, 3), refKdeMi(rows, y, 1e-3, 3), `N ${N}`);
    }
  });
  it('more than 256 near rows per class (several f32 partial-sum flushes, row and column side)', () => {
    const t = new TestData(12);
    const N = 700, rows = randomRows(t, N, 2, 0.01), y = t.labels(N, 2);
    expectClose(wasmKde(rows, y, 1e-3, 2), refKdeMi(rows, y, 1e-3, 2), 'dense');
  });
});

describe('KDE bounds: known values', () => {
  it('upper >= lower for I(X;T), on random data of many scales', () => {
    const t = new TestData(21);
    for (const spread of [0.001, 0.01, 0.05, 0.2, 1]) {
      const rows = randomRows(t, 120, 4, spread), y = t.labels(120, 2);
      const r = wasmKde(rows, y, 1e-3, 2);
      expect(r.upperXT, `spread ${spread}`).toBeGreaterThanOrEqual(r.lowerXT - 1e-9);
      const ref = refKdeMi(rows, y, 1e-3, 2);
      expect(ref.upperXT).toBeGreaterThanOrEqual(ref.lowerXT);
      // the entropy bounds themselves
      expect(refKdeEntropyUpper(rows, 1e-3)).toBeGreaterThanOrEqual(refKdeEntropyLower(rows, 1e-3));
    }
  });
  it('K well separated clusters of identical rows give ln K (log2 K bits) for I(X;T) and I(T;Y)', () => {
    for (const K of [2, 3, 5]) {
      const rows = Array.from({ length: 40 * K }, (_, i) => [i % K, -(i % K) * 2, 0.5]);
      const y = Array.from({ length: 40 * K }, (_, i) => i % K);
      const r = wasmKde(rows, y, 1e-3, K);
      for (const v of [r.upperXT, r.upperTY, r.lowerXT, r.lowerTY]) expect(Math.abs(v - Math.log(K)), `K ${K}: ${v}`).toBeLessThan(1e-6);
    }
  });
  it('identical rows give 0', () => {
    const rows = Array.from({ length: 50 }, () => [0.25, -0.5, 0.125]);
    const y = Array.from({ length: 50 }, (_, i) => i % 2);
    const r = wasmKde(rows, y, 1e-3, 2);
    for (const v of [r.upperXT, r.upperTY, r.lowerXT, r.lowerTY]) expect(Math.abs(v)).toBeLessThan(1e-12);
  });
  it('N distinct far-apart rows: I(X;T) = ln N, I(T;Y) = H(Y) in nats', () => {
    const N = 30, rows = Array.from({ length: N }, (_, i) => [i, 0]);
    const y = Array.from({ length: N }, (_, i) => (i < 10 ? 0 : 1));
    const hY = -(1 / 3) * Math.log(1 / 3) - (2 / 3) * Math.log(2 / 3);
    const r = wasmKde(rows, y, 1e-3, 2);
    expect(r.upperXT).toBeCloseTo(Math.log(N), 9);
    expect(r.lowerXT).toBeCloseTo(Math.log(N), 9);
    expect(r.upperTY).toBeCloseTo(hY, 9);
  });
});

describe('kde-upper / kde-lower estimators', () => {
  it('noise variance: auto by the widest layer, or as given', () => {
    expect(kdeNoiseVariance({ noiseVariance: 'auto' }, 10).s2).toBe(1e-3);
    expect(kdeNoiseVariance({ noiseVariance: 'auto' }, 1024).s2).toBe(1e-1);
    expect(kdeNoiseVariance({ noiseVariance: 0.5 }, 10).s2).toBe(0.5);
    expect(kdeRowCount(0, 100)).toBe(100);
    expect(kdeRowCount(4096, 100)).toBe(100);
    expect(kdeRowCount(30, 100)).toBe(30);
  });
  it('bits = the kernel nats / ln 2; both estimators agree with separate runs; names and settings', async () => {
    const engine = await Engine.create(loadWasmModule());
    const t = new TestData(3);
    const N = 200, d = 3, rows = randomRows(t, N, d, 0.1), y = t.labels(N, 2);
    const ref = refKdeMi(rows, y, 1e-3, 2);
    const data = rows.flat();
    const up = miOfMatrix(engine, data, N, d, Int32Array.from(y), { estimator: 'kde-upper' });
    const lo = miOfMatrix(engine, data, N, d, Int32Array.from(y), { estimator: 'kde-lower' });
    expect(up.ixt).toBeCloseTo(ref.upperXT / Math.LN2, 4);
    expect(up.ity).toBeCloseTo(ref.upperTY / Math.LN2, 4);
    expect(lo.ixt).toBeCloseTo(ref.lowerXT / Math.LN2, 4);
    expect(lo.ity).toBeCloseTo(ref.lowerTY / Math.LN2, 4);
    expect(up.estimator).toBe('kde-upper');
    expect(up.settings).toMatch(/upper bound.*s2 = 0\.001 \(auto/);
    expect(lo.settings).toMatch(/lower bound/);
    // one network with both: the second reuses the first's numbers only for identical activations
    engine.reset();
    const stride = pad4(N), act = engine.alloc(4 * d * stride), yp = engine.alloc(4 * stride);
    engine.i32(yp, N).set(y);
    const sizes = { maxRows: N, maxWidth: d, nClasses: 2 };
    const eu = ESTIMATORS['kde-upper'](DEFAULTS, engine, sizes), el = ESTIMATORS['kde-lower'](DEFAULTS, engine, sizes);
    const input = { engine, act: [act], width: [d], activation: ['tanh'], n: N, stride, labels: yp, nClasses: 2 };
    for (let round = 0; round < 2; round++) {
      const r = round === 0 ? rows : randomRows(t, N, d, 0.05);
      const a = engine.f32(act, d * stride);
      for (let s = 0; s < N; s++) for (let u = 0; u < d; u++) a[u * stride + s] = r[s][u];
      const want = refKdeMi(r, y, 1e-3, 2);
      const [pu] = eu.measure(input), [pl] = el.measure(input);
      expect(pu.ixt).toBeCloseTo(want.upperXT / Math.LN2, 4);
      expect(pl.ixt).toBeCloseTo(want.lowerXT / Math.LN2, 4);
      expect(pl.ity).toBeCloseTo(want.lowerTY / Math.LN2, 4);
    }
  });
  it('a seeded subsample: deterministic, the same for every layer, different for another seed', async () => {
    const engine = await Engine.create(loadWasmModule());
    const t = new TestData(4);
    const N = 120, d = 2, rows = randomRows(t, N, d, 0.05), y = t.labels(N, 2);
    const stride = pad4(N);
    const run = (seed: number) => {
      engine.reset();
      const act = engine.alloc(4 * d * stride), yp = engine.alloc(4 * stride);
      engine.i32(yp, N).set(y);
      const a = engine.f32(act, d * stride);
      for (let s = 0; s < N; s++) for (let u = 0; u < d; u++) a[u * stride + s] = rows[s][u];
      const est = ESTIMATORS['kde-upper']({ ...DEFAULTS, kdeSamples: 40, seed }, engine, { maxRows: N, maxWidth: d, nClasses: 2 });
      expect(est.settings).toMatch(/seeded subsample of 40 of 120 rows/);
      // the same layer twice in one call: the same subsample, so the same point
      const pts = est.measure({ engine, act: [act, act], width: [d, d], activation: ['tanh', 'tanh'], n: N, stride, labels: yp, nClasses: 2 });
      expect(pts[0]).toEqual(pts[1]);
      return pts[0];
    };
    const a = run(1), b = run(1), c = run(2);
    expect(a).toEqual(b);
    expect(a.ixt).not.toBe(c.ixt);
    expect(a.ixt).toBeLessThanOrEqual(Math.log2(40) + 1e-9);
  });
});

describe('infoplane mi with the KDE estimators', () => {
  it('--estimator kde-upper / kde-lower --noise-variance S2 print the bounds in bits; bad values exit 2', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { cli } = await import('./helpers/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-kde-'));
    const t = new TestData(8);
    const rows = Array.from({ length: 150 }, () => Array.from(t.f32(2, -0.2, 0.2)));
    const y = t.labels(150, 2);
    writeFileSync(join(dir, 'a.json'), JSON.stringify(rows.map((r) => Array.from(r))));
    writeFileSync(join(dir, 'y.json'), JSON.stringify(Array.from(y)));
    const want = refKdeMi(rows, y, 0.01, 2);
    for (const [name, ixt, ity] of [['kde-upper', want.upperXT, want.upperTY], ['kde-lower', want.lowerXT, want.lowerTY]] as const) {
      const r = cli(['mi', '--activations', join(dir, 'a.json'), '--labels', join(dir, 'y.json'), '--estimator', name, '--noise-variance', '0.01']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.estimator).toBe(name);
      expect(out.settings).toMatch(/s2 = 0\.01 \(given\), all rows/);
      expect(out.ixt).toBeCloseTo(ixt / Math.LN2, 4);
      expect(out.ity).toBeCloseTo(ity / Math.LN2, 4);
    }
    for (const bad of ['0', '-2', 'x']) {
      const e = cli(['mi', '--activations', join(dir, 'a.json'), '--labels', join(dir, 'y.json'), '--estimator', 'kde-upper', '--noise-variance', bad]);
      expect(e.code).toBe(2);
      expect(e.stderr.trim().split('\n')).toHaveLength(1);
      expect(e.stderr).toMatch(/--noise-variance/);
    }
  }, 30_000);
});
