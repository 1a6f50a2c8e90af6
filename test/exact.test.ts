// The exact estimator: unique-row counts of quantized layers, against NumPy's np.unique and an
// independent count in TypeScript; it refuses activations that are not quantized.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { ESTIMATORS } from '../src/estimators/index.js';
import { gridOfValues } from '../src/estimators/exact.js';
import { EXACT_NOT_QUANTIZED } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/config.js';
import { cli } from './helpers/cli.js';
import { refQuantizeForward } from '../src/reference/index.js';
import { TestData, pad4 } from './helpers/data.js';
import { writeNpy } from './helpers/npy.js';

const engine = await Engine.create(loadWasmModule());

/** H(T) and I(T;Y) of rows (row-major [n][d]) counted as strings: an independent count. */
function countRows(rows: Float32Array, n: number, d: number, y: Int32Array) {
  const t = new Map<string, number>(), ty = new Map<string, number>(), cy = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    const key = Array.from(rows.subarray(s * d, (s + 1) * d)).join(',');
    t.set(key, (t.get(key) ?? 0) + 1);
    ty.set(`${key}|${y[s]}`, (ty.get(`${key}|${y[s]}`) ?? 0) + 1);
    cy.set(y[s], (cy.get(y[s]) ?? 0) + 1);
  }
  const H = (m: Map<unknown, number>) => { let h = 0; for (const c of m.values()) h -= (c / n) * Math.log2(c / n); return h; };
  return { hT: H(t), ity: H(t) + H(cy) - H(ty), patterns: t.size };
}

const PY = `
import sys, json, numpy as np
out = []
y = np.load(sys.argv[1])
for f in sys.argv[2:]:
    A = np.load(f)
    n = A.shape[0]
    def H(c):
        p = c / n
        return float(-(p * np.log2(p)).sum())
    _, ct = np.unique(A, axis=0, return_counts=True)
    _, cty = np.unique(np.concatenate([A.astype(np.float64), y[:, None].astype(np.float64)], axis=1), axis=0, return_counts=True)
    _, cy = np.unique(y, return_counts=True)
    out.append([H(ct), H(ct) + H(cy) - H(cty), int(len(ct))])
print(json.dumps(out))
`;

describe('the exact estimator', () => {
  // layers of a quantized net: tanh at 8 and 4 bits, a moving ReLU range, a 2-unit softmax on [0, 1]
  const t = new TestData(21);
  const N = 1501, stride = pad4(N);
  const cases: { d: number; bits: number; lo: number; hi: number; gen: () => number }[] = [
    { d: 10, bits: 8, lo: -1, hi: 1, gen: () => Math.tanh(1.5 * t.uniform(-1, 1) ** 3) },
    { d: 5, bits: 4, lo: -1, hi: 1, gen: () => Math.tanh(2 * t.uniform(-1, 1)) },
    { d: 3, bits: 8, lo: -0.31, hi: 2.9, gen: () => Math.max(0, t.uniform(-1, 3)) },
    { d: 2, bits: 8, lo: 0, hi: 1, gen: () => t.uniform(0, 1) },
  ];
  const y = Int32Array.from(t.labels(N, 3));

  it('equals the unique-row entropies NumPy computes (np.unique over rows) and an independent count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-exact-'));
    const rowsOf: Float32Array[] = [];
    const ptrs = cases.map(({ d, bits, lo, hi, gen }, l) => {
      const vals = Array.from({ length: N * d }, gen);
      const q = refQuantizeForward(vals, lo, hi, bits); // [u][s]
      const rows = new Float32Array(N * d);
      for (let u = 0; u < d; u++) for (let s = 0; s < N; s++) rows[s * d + u] = q[u * N + s];
      rowsOf.push(rows);
      writeNpy(join(dir, `L${l}.npy`), rows, [N, d]);
      const p = engine.alloc(4 * d * stride), a = engine.f32(p, d * stride);
      for (let u = 0; u < d; u++) a.set(q.subarray(u * N, (u + 1) * N), u * stride);
      return p;
    });
    writeNpy(join(dir, 'y.npy'), y, [N]);
    const yp = engine.alloc(4 * stride);
    engine.i32(yp, N).set(y);
    const est = ESTIMATORS.exact({ ...DEFAULTS, quantize: 8 }, engine, { maxRows: N, maxWidth: 10, nClasses: 3 });
    const widths = cases.map((c) => c.d);
    const base = { engine, act: ptrs, width: widths, activation: ['tanh', 'tanh', 'relu', 'softmax'], n: N, stride, labels: yp, nClasses: 3 };
    const pts = cases.map((c, l) => est.measure({ ...base, act: [ptrs[l]], width: [c.d], quantized: { bits: c.bits, ranges: [[c.lo, c.hi]] } })[0]);
    const py = spawnSync('python3', ['-c', PY, join(dir, 'y.npy'), ...cases.map((_, l) => join(dir, `L${l}.npy`))], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const numpy = JSON.parse(py.stdout) as number[][];
    cases.forEach((c, l) => {
      const mine = countRows(rowsOf[l], N, c.d, y);
      expect(pts[l].patterns).toBe(numpy[l][2]);
      expect(pts[l].patterns).toBe(mine.patterns);
      expect(pts[l].ixt).toBeCloseTo(numpy[l][0], 10);
      expect(pts[l].ity).toBeCloseTo(numpy[l][1], 10);
      expect(pts[l].ixt).toBeCloseTo(mine.hT, 10);
      expect(pts[l].ity).toBeCloseTo(mine.ity, 10);
    });
    // not every row distinct (else the test would not exercise the counting) and not all alike
    expect(pts.some((p) => (p.patterns ?? 0) < N && (p.patterns ?? 0) > 10)).toBe(true);
  });

  it('reads a grid off a layer\'s values (dumps): levels of any range map one to one; too many values are refused', () => {
    const U = Float32Array.from(refQuantizeForward([-0.9, -0.3, 0.01, 0.02, 0.5, 0.99], -1, 1, 8)).sort();
    const g = gridOfValues(U, 8, 'L1');
    const codes = Array.from(U, (v) => Math.floor((v - g.p1) * g.p2 + 0.5));
    expect(new Set(codes).size).toBe(U.length);
    expect(Math.max(...codes)).toBeLessThan(g.nbins);
    expect(() => gridOfValues(Float32Array.from({ length: 300 }, (_, i) => i / 300), 8, 'L1')).toThrow(/300 distinct values, more than the 2\^8 levels/);
    expect(() => gridOfValues(Float32Array.from([0, 1e-6, 1]), 8, 'L1')).toThrow(/do not lie on one grid/);
  });

  it('refuses activations that are not quantized, with one clear message', () => {
    const est = ESTIMATORS.exact(DEFAULTS, engine, { maxRows: 8, maxWidth: 2, nClasses: 2 });
    const p = engine.alloc(4 * 16), yp = engine.alloc(32);
    expect(() => est.measure({ engine, act: [p], width: [2], activation: ['tanh'], n: 8, stride: 8, labels: yp, nClasses: 2 }))
      .toThrow(EXACT_NOT_QUANTIZED);
  });
});

describe('exact planes of quantized runs', () => {
  it('run --preset paper --quantize 8 --estimators exact gives an exact plane; bad flags exit 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-quant-run-'));
    const r = cli(['run', '--preset', 'paper', '--quantize', '8', '--estimators', 'exact,bin', '--epochs', '120', '--threads', '1', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'infoplane.json'), 'utf8'));
    expect(res.config.quantize).toBe(8);
    expect(res.mi.exact.settings).toMatch(/8-bit levels/);
    expect(res.mi.exact.ixt.length).toBe(6);
    for (const s of [...res.mi.exact.ixt, ...res.mi.exact.ity]) for (const v of s) expect(Number.isFinite(v)).toBe(true);
    for (const s of res.mi.exact.ixt) for (const v of s) expect(v).toBeLessThanOrEqual(12 + 1e-9);
    const bad = [
      [['--estimators', 'exact'], /exact.*--quantize/],
      [['--quantize', '0'], /--quantize: "0" is not a whole number of bits in 1\.\.15/],
      [['--quantize', '16', '--estimators', 'exact'], /--quantize/],
    ] as const;
    for (const [args, msg] of bad) {
      const b = cli(['run', '--epochs', '5', '--out', join(dir, 'bad'), ...args]);
      expect(b.code).toBe(2);
      expect(b.stderr.trim().split('\n').length).toBe(1);
      expect(b.stderr).toMatch(msg);
    }
  }, 120_000);

  for (const [activation, bits] of [['tanh', '8'], ['relu', '4']]) {
    it(`run --dump-activations of a ${bits}-bit ${activation} run: NumPy unique-row entropies of the dump equal the exact values, and so does plane --dump`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'infoplane-quant-dump-'));
      const dump = join(dir, 'dump'), out = join(dir, 'run'), plane = join(dir, 'plane');
      const r = cli(['run', '--preset', 'paper', '--activation', activation, '--quantize', bits, '--estimators', 'exact', '--epochs', '90',
        '--mi-schedule', 'every:30', '--threads', '1', '--dump-activations', dump, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const res = JSON.parse(readFileSync(join(out, 'infoplane.json'), 'utf8'));
      const manifest = JSON.parse(readFileSync(join(dump, 'dump.json'), 'utf8'));
      expect(manifest.quantized.bits).toBe(Number(bits));
      expect(Object.keys(manifest.quantized.layers)).toEqual(manifest.layers);
      res.epochs.forEach((epoch: number, k: number) => {
        const files = manifest.layers.map((name: string) => join(dump, 'activations', `e${epoch}_${name}.npy`));
        const py = spawnSync('python3', ['-c', PY, join(dump, 'labels.npy'), ...files], { encoding: 'utf8' });
        expect(py.status, py.stderr).toBe(0);
        (JSON.parse(py.stdout) as number[][]).forEach(([hT, ity, patterns], l) => {
          expect(res.mi.exact.ixt[l][k], `epoch ${epoch} layer ${l + 1}`).toBeCloseTo(hT, 10);
          expect(res.mi.exact.ity[l][k]).toBeCloseTo(ity, 10);
          expect(patterns).toBeLessThanOrEqual(Math.min(4096, 2 ** (Number(bits) * res.layers[l].width)));
        });
      });
      const p = cli(['plane', '--dump', dump, '--estimators', 'exact', '--threads', '1', '--out', plane]);
      expect(p.code, p.stderr).toBe(0);
      const pr = JSON.parse(readFileSync(join(plane, 'infoplane.json'), 'utf8'));
      expect(pr.mi.exact.ixt).toEqual(res.mi.exact.ixt);
      expect(pr.mi.exact.ity).toEqual(res.mi.exact.ity);
    }, 120_000);
  }

  it('plane --estimators exact refuses a dump that is not quantized, with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-float-dump-'));
    const r = cli(['run', '--preset', 'paper', '--epochs', '3', '--threads', '1', '--dump-activations', join(dir, 'dump'), '--out', join(dir, 'run')]);
    expect(r.code, r.stderr).toBe(0);
    const p = cli(['plane', '--dump', join(dir, 'dump'), '--estimators', 'exact', '--out', join(dir, 'plane')]);
    expect(p.code).toBe(2);
    expect(p.stderr.trim().split('\n').length).toBe(1);
    expect(p.stderr).toMatch(/exact.*quantized/);
  }, 60_000);
});
