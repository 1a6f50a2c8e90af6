// The `bin` estimator's range modes (fixed | observed | running-max), act_range vs refActRange, and
// the CLI flags of the rival estimators (--bin-range-mode, --noise-variance, --kde-samples, ...).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refActRange, refMiBinned } from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { TestData, pad4 } from './helpers/data.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { ESTIMATORS } from '../src/estimators/index.js';
import { DEFAULTS, type ExperimentConfig } from '../src/config/config.js';
import { configFromFlags } from '../src/config/flags.js';
import { cli } from './helpers/cli.js';

let w: Wasm;
let actRange: (act: number, nUnits: number, N: number, B: number, out: number) => void;
beforeAll(async () => {
  w = await loadWasm();
  actRange = (w.ex as unknown as { act_range: typeof actRange }).act_range;
});

function wasmRange(act: Float32Array, d: number, N: number, B: number): [number, number] {
  w.reset();
  const ap = w.putF32(act), out = w.allocF32(2);
  actRange(ap, d, N, B, out);
  const r = w.getF32(out, 2);
  return [r[0], r[1]];
}

describe('act_range vs refActRange', () => {
  it('random layers; padding columns (huge junk) are ignored; every N mod 4', () => {
    const t = new TestData(1);
    for (const [N, d] of [[1, 1], [2, 3], [3, 2], [5, 4], [4096, 10], [1001, 7]]) {
      const B = pad4(N) + 4, act = new Float32Array(d * B);
      for (let u = 0; u < d; u++) for (let s = 0; s < B; s++) act[u * B + s] = s < N ? t.uniform(-3, 5) : (s % 2 ? 1e30 : -1e30);
      expect(wasmRange(act, d, N, B), `N ${N} d ${d}`).toEqual(refActRange(act, d, N, B));
    }
  });
  it('NaN and infinities are left out; no finite value gives [0, 0]', () => {
    const act = Float32Array.from([NaN, -Infinity, 2, Infinity, -0.5, NaN, 7, Infinity]);
    expect(wasmRange(act, 1, 8, 8)).toEqual([-0.5, 7]);
    expect(refActRange(act, 1, 8, 8)).toEqual([-0.5, 7]);
    expect(wasmRange(Float32Array.from([NaN, Infinity, -Infinity, NaN, NaN]), 1, 5, 8)).toEqual([0, 0]);
    // a finite value only in the scalar tail, or only in a vector lane
    expect(wasmRange(Float32Array.from([NaN, NaN, NaN, NaN, 3, 0, 0, 0]), 1, 5, 8)).toEqual([3, 3]);
    expect(wasmRange(Float32Array.from([NaN, -2, NaN, NaN, NaN, 0, 0, 0]), 1, 5, 8)).toEqual([-2, -2]);
  });
});

/** the bin estimator on a sequence of epochs of one network (one layer of relu-like values) */
async function binSeries(mode: ExperimentConfig['binRangeMode'], epochs: number[][][], y: Int32Array) {
  const engine = await Engine.create(loadWasmModule());
  const N = epochs[0].length, d = epochs[0][0].length, stride = pad4(N);
  const est = ESTIMATORS.bin({ ...DEFAULTS, binRangeMode: mode }, engine, { maxRows: N, maxWidth: d, nClasses: 2 });
  const act = engine.alloc(4 * d * stride), yp = engine.alloc(4 * stride);
  engine.i32(yp, N).set(y);
  const points = epochs.map((rows) => {
    const a = engine.f32(act, d * stride);
    for (let s = 0; s < N; s++) for (let u = 0; u < d; u++) a[u * stride + s] = rows[s][u];
    return est.measure({ engine, act: [act], width: [d], activation: ['relu'], n: N, stride, labels: yp, nClasses: 2 })[0];
  });
  return { points, settings: est.settings };
}

describe('bin estimator range modes', () => {
  const t = new TestData(2);
  const N = 500, d = 3;
  const scales = [0.5, 4, 2]; // the range grows, then shrinks: running-max keeps the widest
  const epochs = scales.map((sc) => Array.from({ length: N }, () => Array.from({ length: d }, () => Math.fround(Math.max(0, t.uniform(-0.5, 1) * sc)))));
  const y = t.labels(N, 2);
  const flat = (rows: number[][]) => { const a: number[] = []; for (let u = 0; u < d; u++) for (const r of rows) a.push(r[u]); return a; };

  it('fixed: the reference [-1, 1] edges (ReLU values >= 1 share the top cell)', async () => {
    const { points, settings } = await binSeries('fixed', epochs, y);
    expect(settings).toMatch(/linspace\(-1, 1\)/);
    epochs.forEach((rows, k) => {
      const want = refMiBinned(flat(rows), d, N, N, y, { mode: 'edges', lo: -1, hi: 1, nbins: 30 }, 2);
      expect(points[k].patterns).toBe(want.patterns);
      expect(points[k].ixt).toBeCloseTo(want.iXT, 9);
    });
  });
  it('observed: linspace(min, max) of the layer at each epoch', async () => {
    const { points, settings } = await binSeries('observed', epochs, y);
    expect(settings).toMatch(/min\/max at each epoch/);
    epochs.forEach((rows, k) => {
      const [lo, hi] = refActRange(flat(rows), d, N, N);
      const want = refMiBinned(flat(rows), d, N, N, y, { mode: 'edges', lo, hi, nbins: 30 }, 2);
      expect(points[k].patterns).toBe(want.patterns);
      expect(points[k].ixt).toBeCloseTo(want.iXT, 9);
      expect(points[k].ity).toBeCloseTo(want.iTY, 9);
    });
    // the fixed mode clips the wide epochs: observed sees more patterns there
    const fixed = (await binSeries('fixed', epochs, y)).points;
    expect(points[1].patterns).toBeGreaterThan(fixed[1].patterns!);
  });
  it('running-max: linspace of the running min and max over the epochs so far', async () => {
    const { points, settings } = await binSeries('running-max', epochs, y);
    expect(settings).toMatch(/running min\/max/);
    let lo = Infinity, hi = -Infinity;
    epochs.forEach((rows, k) => {
      const [l, h] = refActRange(flat(rows), d, N, N);
      lo = Math.min(lo, l); hi = Math.max(hi, h);
      const want = refMiBinned(flat(rows), d, N, N, y, { mode: 'edges', lo, hi, nbins: 30 }, 2);
      expect(points[k].patterns, `epoch ${k}`).toBe(want.patterns);
      expect(points[k].ixt).toBeCloseTo(want.iXT, 9);
    });
    // epoch 2 differs from observed (its own max is smaller than epoch 1's)
    const observed = (await binSeries('observed', epochs, y)).points;
    expect(points[2].ixt).not.toBe(observed[2].ixt);
  });
  it('a layer of one value (dead ReLU): one pattern in every mode', async () => {
    const dead = [Array.from({ length: 40 }, () => [0, 0])];
    for (const mode of ['fixed', 'observed', 'running-max'] as const) {
      const { points } = await binSeries(mode, dead, new Int32Array(40));
      expect(points[0].patterns).toBe(1);
      expect(points[0].ixt).toBe(0);
    }
  });
});

describe('CLI flags of the rival estimators', () => {
  it('configFromFlags: values and defaults', () => {
    const c = configFromFlags({ binRangeMode: 'running-max', adaptiveBins: '12', noiseVariance: '0.01', kdeSamples: '0' });
    expect([c.binRangeMode, c.adaptiveBins, c.noiseVariance, c.kdeSamples]).toEqual(['running-max', 12, 0.01, 0]);
    const dflt = configFromFlags({});
    expect([dflt.binRangeMode, dflt.adaptiveBins, dflt.noiseVariance, dflt.kdeSamples]).toEqual(['fixed', 30, 'auto', 4096]);
    expect(configFromFlags({ noiseVariance: 'auto' }).noiseVariance).toBe('auto');
  });
  it('run with all four estimators: each under its own name with its settings; flags reach the settings', () => {
    const out = mkdtempSync(join(tmpdir(), 'infoplane-est-'));
    const r = cli(['run', '--epochs', '30', '--mi-schedule', 'every:10', '--layers', '6,3', '--activation', 'relu',
      '--estimators', 'bin,adaptive,kde-upper,kde-lower', '--bin-range-mode', 'observed', '--adaptive-bins', '20',
      '--noise-variance', '0.01', '--kde-samples', '1000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'infoplane.json'), 'utf8'));
    expect(Object.keys(res.mi)).toEqual(['bin', 'adaptive', 'kde-upper', 'kde-lower']);
    expect(res.mi.bin.settings).toMatch(/min\/max at each epoch/);
    expect(res.mi.adaptive.settings).toMatch(/EBAB: 20 bins/);
    expect(res.mi['kde-upper'].settings).toMatch(/s2 = 0\.01 \(given\), a seeded subsample of 1000 of 4096 rows/);
    expect(res.config).toMatchObject({ binRangeMode: 'observed', adaptiveBins: 20, noiseVariance: 0.01, kdeSamples: 1000 });
    for (const name of ['adaptive', 'kde-upper', 'kde-lower']) {
      for (const row of res.mi[name].ixt) for (const v of row) { expect(v).toBeGreaterThanOrEqual(-1e-9); expect(v).toBeLessThanOrEqual(12 + 1e-9); }
    }
    // the upper bound is above the lower bound at every point
    res.mi['kde-upper'].ixt.forEach((row: number[], l: number) => row.forEach((v, k) => expect(v).toBeGreaterThanOrEqual(res.mi['kde-lower'].ixt[l][k] - 1e-9)));
    // the KDE subsample stays under log2 1000
    for (const row of res.mi['kde-upper'].ixt) for (const v of row) expect(v).toBeLessThanOrEqual(Math.log2(1000) + 1e-9);
  }, 60_000);
  it('bad values: one line naming the flag, exit 2, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--bin-range-mode', 'auto'], /--bin-range-mode: "auto" is not one of fixed, observed, running-max/],
      [['--bin-range-mode', 'observed', '--bin-width', '0.07'], /--bin-range-mode: observed .*--bin-width/],
      [['--bin-range-mode', 'running-max', '--bin-range', '0,5'], /--bin-range-mode: running-max .*--bin-range/],
      [['--adaptive-bins', '0'], /--adaptive-bins/],
      [['--noise-variance', '0'], /--noise-variance: "0"/],
      [['--noise-variance', '-1e-3'], /--noise-variance/],
      [['--noise-variance', 'big'], /--noise-variance/],
      [['--kde-samples', '1'], /--kde-samples/],
      [['--kde-samples', '2.5'], /--kde-samples/],
      [['--estimators', 'bin,kde'], /--estimators: "kde" is not one of bin, adaptive, kde-upper, kde-lower/],
    ];
    for (const [args, msg] of cases) {
      const out = join(mkdtempSync(join(tmpdir(), 'infoplane-bad-')), 'o');
      const r = cli(['run', '--epochs', '5', ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});
