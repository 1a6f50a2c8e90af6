// Bad option values, divergence between logged epochs, duplicate input rows, resource bounds,
// output folders, and user text in the HTML report.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromFlags, LIMITS, UsageError, type RunFlags } from '../src/config/flags.js';
import { DEFAULTS, type ExperimentConfig } from '../src/config/config.js';
import type { Dataset } from '../src/data/dataset.js';
import { findDuplicates, withDuplicates } from '../src/data/duplicates.js';
import { GroupConditionalEntropy } from '../src/estimators/group-entropy.js';
import { ib12 } from '../src/data/ib12.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { checkRunFits } from '../src/node/datasets.js';
import { buildResult } from '../src/record/result.js';
import { refMiBinnedRows } from '../src/reference/mi.js';
import { TrainingSession } from '../src/train/session.js';
import { cli } from './helpers/cli.js';
import { TestData } from './helpers/data.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-hard-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
describe('option values out of range fail before any work, naming the flag', () => {
  const bad: [keyof RunFlags, string][] = [
    ['lr', '-1'], ['lr', '0'], ['lr', 'abc'], ['lr', ''], ['lr', 'NaN'], ['lr', 'Infinity'], ['lr', '1e39'],
    ['momentum', '1'], ['momentum', '-0.1'], ['momentum', 'x'],
    ['batch', '0'], ['batch', '1.5'], ['batch', '-3'],
    ['epochs', '0'], ['epochs', '2.5'], ['epochs', String(LIMITS.epochs + 1)], ['epochs', '1e12'],
    ['layers', '10,,3'], ['layers', ''], ['layers', '0'], ['layers', '10,-3'], ['layers', '3.5'], ['layers', 'a,b'],
    ['layers', String(LIMITS.width + 1)], ['layers', Array(31).fill(2).join(',')],
    ['trainFraction', '1.5'], ['trainFraction', '0'], ['trainFraction', '-0.5'], ['trainFraction', 'half'],
    ['bins', '0'], ['bins', '1'], ['bins', '4097'], ['bins', '2.5'],
    ['binWidth', '0'], ['binWidth', '-0.07'], ['binWidth', 'wide'],
    ['binRange', '1,1'], ['binRange', '1,-1'], ['binRange', '0'], ['binRange', '0,1,2'], ['binRange', 'a,b'], ['binRange', '-1e999,1'],
    ['miSchedule', 'every:0'], ['miSchedule', 'every'], ['miSchedule', 'sometimes'], ['miPoints', '0'], ['miPoints', String(LIMITS.miPoints + 1)],
    ['estimators', 'nope'], ['estimators', ''], ['estimators', 'bin,bin'],
    ['repeats', '0'], ['repeats', String(LIMITS.repeats + 1)], ['seed', '-1'], ['seed', '4294967296'], ['seed', '0.5'],
    ['activation', 'gelu'], ['optimizer', 'lbfgs'], ['init', 'xavier'], ['split', 'shuffled'], ['preset', 'nope'],
    ['name', ''], ['name', 'x'.repeat(LIMITS.nameLength + 1)], ['dataset', ' '], ['labelColumn', ''],
  ];
  for (const [flag, value] of bad) {
    const kebab = flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    it(`--${kebab} ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '...' : value)}`, () => {
      let err: unknown;
      try { configFromFlags({ [flag]: value }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(new RegExp(`^--${kebab}\\b`));
    });
  }

  it('--bins with --bin-width', () => {
    expect(() => configFromFlags({ bins: '30', binWidth: '0.1' })).toThrow(/--bins and --bin-width exclude each other/);
  });

  it('good values still pass', () => {
    const c = configFromFlags({ lr: '1e-3', layers: '10, 7,5', trainFraction: '1', bins: '2', binRange: '-2,2', miSchedule: 'every:7',
      estimators: 'bin', seed: '4294967295', labelColumn: 'y', split: 'stratified', name: '<b>x</b>' });
    expect(c).toMatchObject({ lr: 1e-3, layers: [10, 7, 5], trainFraction: 1, seed: 4294967295, labelColumn: 'y', split: 'stratified' });
  });

  // through the CLI: exit 2, one line, no output folder created
  const cliCases: [string[], RegExp][] = [
    [['run', '--lr', '-1'], /--lr: "-1"/],
    [['run', '--threads', '0'], /--threads: "0"/],
    [['run', '--threads', String(LIMITS.threads + 1)], /--threads/],
    [['run', '--layers', '10,,3'], /--layers/],
    [['run', '--dataset', 'constructor'], /constructor: cannot read file/],
    [['run', '--dataset', 'ib12', '--label-column', 'y'], /--label-column applies to dataset files/],
    [['run', '--layers', '60000,60000'], /need about .* GiB of wasm memory/],
    [['mi', '--activations', 'x.npy', '--labels', 'y.npy', '--bins', '0'], /--bins/],
    [['mi', '--activations', 'x.npy', '--labels', 'y.npy', '--chunk-rows', '0'], /--chunk-rows/],
    [['mi', '--activations', '/nonexistent/a.npy', '--labels', 'y.npy'], /a\.npy: cannot read file \(ENOENT\)/],
    [['dataset', 'nope', '--out', 'x.csv'], /not a built-in dataset/],
    [['dataset', 'constructor', '--out', 'x.csv'], /not a built-in dataset/],
    [['report', '/nonexistent-dir'], /infoplane\.json: cannot read file/],
  ];
  for (const [args, pattern] of cliCases) {
    it(`CLI: ${args.join(' ')}`, () => {
      const out = path.join(tmp, `never-${Math.random().toString(36).slice(2)}`);
      const full = args[0] === 'run' ? [...args, '--epochs', '3', '--out', out] : args;
      const r = cli(full, { cwd: tmp });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  it('CLI: an --out that cannot be a folder fails before training, naming it', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = cli(['run', '--epochs', '100000', '--out', path.join(file, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a-file\/sub: cannot write output folder \(ENOTDIR\)/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('divergence between logged epochs', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.create(loadWasmModule()); });
  // only epoch 0 is logged: without a check between logged epochs, nothing would notice
  const base: ExperimentConfig = { ...DEFAULTS, epochs: 60, layers: [8, 4], miSchedule: { kind: 'every', k: 1000 } };
  const exploding: ExperimentConfig = { ...base, activation: 'linear', optimizer: 'sgd', lr: 1e30 };

  it('stops the network at the first epoch with non-finite weights, keeps its logged data', () => {
    const s = new TrainingSession(engine, exploding, ib12(), 0);
    s.advance(60);
    const r = s.record;
    expect(r.status).toBe('diverged');
    expect(r.divergedAt).toBeGreaterThan(0); // not a logged epoch: caught by the weight check
    expect(r.divergedAt).toBeLessThan(60);
    expect(s.epoch).toBe(r.divergedAt);
    expect(Number.isFinite(r.trainLoss[0])).toBe(true);
    expect(Number.isFinite(r.mi.bin.ixt[0][0])).toBe(true);
    expect(s.done).toBe(true);
  });

  it('the same config with a sane lr finishes', () => {
    const s = new TrainingSession(engine, { ...exploding, lr: 1e-3 }, ib12(), 0);
    s.advance(60);
    expect([s.record.status, s.epoch]).toEqual(['ok', 60]);
  });

  it('in a pool: the diverging job stops, the other job finishes, and the result averages what exists', async () => {
    const data = ib12();
    const good: ExperimentConfig = { ...base, miSchedule: { kind: 'every', k: 20 } };
    const bad: ExperimentConfig = { ...exploding, miSchedule: { kind: 'every', k: 20 } };
    // the built pool: its worker threads load dist/node/worker.js
    const { runJobs } = await import('../dist/node/pool.js') as typeof import('../src/node/pool.js');
    const records = await runJobs([{ config: bad, repeat: 0 }, { config: good, repeat: 1 }], new Map([[base.dataset, data]]), 2);
    expect(records[0].status).toBe('diverged');
    expect(records[0].divergedAt).toBeLessThan(20);
    expect(records[1].status).toBe('ok');
    expect(records[1].trainLoss.every(Number.isFinite)).toBe(true);
    const res = buildResult(good, data, records);
    // epoch 0: both networks contribute; later epochs: only the one that did not diverge
    expect(res.trainLoss[0]).toBeCloseTo((records[0].trainLoss[0] + records[1].trainLoss[0]) / 2, 12);
    expect(res.trainLoss[2]).toBe(records[1].trainLoss[2]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('duplicate input rows', () => {
  // 6 distinct 3-bit rows, rows 0 and 3 appearing 3 times, row 5 twice: 10 rows
  const distinct = [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1]];
  const rowsIdx = [0, 1, 0, 2, 3, 0, 3, 4, 5, 5, 3];
  const dup: Dataset = {
    name: 'dup', nRows: rowsIdx.length, nInputs: 3, nClasses: 2,
    X: Float32Array.from(rowsIdx.flatMap((i) => distinct[i])), y: Int32Array.from(rowsIdx.map((i) => i % 2)),
  };

  it('are grouped at load time: counts, groups and H(X)', () => {
    const d = findDuplicates(dup.X, dup.nRows, dup.nInputs);
    expect([d.duplicateRows, d.distinctRows, d.maxGroup]).toEqual([5, 6, 3]);
    const groups = Array.from({ length: d.start.length - 1 }, (_, g) => Array.from(d.rows.subarray(d.start[g], d.start[g + 1])));
    expect(groups).toEqual([[0, 2, 5], [4, 6, 10], [8, 9]]);
    const p = [3, 1, 1, 3, 1, 2].map((c) => c / 11);
    expect(d.hX).toBeCloseTo(-p.reduce((a, q) => a + q * Math.log2(q), 0), 12);
  });

  it('+0 and -0 are one input; hash collisions never merge different rows', () => {
    const X = Float32Array.from([0, 1, -0, 1, 0, 2]);
    expect(findDuplicates(X, 3, 2).duplicateRows).toBe(1);
    const g = new TestData(3);
    const big = g.f32(5000 * 2, -1, 1); // all distinct with probability ~1
    expect(findDuplicates(big, 5000, 2).duplicateRows).toBe(0);
  });

  it('H(T|X) per group matches the reference binning on activations that differ within groups', async () => {
    const engine = await Engine.create(loadWasmModule());
    const d = findDuplicates(dup.X, dup.nRows, dup.nInputs);
    const N = dup.nRows, width = 2, stride = (N + 3) & ~3;
    const g = new TestData(9);
    const act = g.f32(width * stride, -1, 1);
    const ptr = engine.alloc(4 * act.length);
    const binning = { kind: 'edges', bins: 4, lo: -1, hi: 1 } as const;
    const h = new GroupConditionalEntropy(engine, d, width, binning);
    engine.f32(ptr, act.length).set(act);
    let want = 0;
    for (let k = 0; k + 1 < d.start.length; k++) {
      const rows = Array.from(d.rows.subarray(d.start[k], d.start[k + 1]));
      const r = refMiBinnedRows(rows.map((s) => [act[s], act[stride + s]]), new Int32Array(rows.length), { mode: 'edges', lo: -1, hi: 1, nbins: 4 });
      want += (rows.length / N) * r.hT;
    }
    expect(want).toBeGreaterThan(0); // the data makes the term non-trivial
    expect(h.measure(ptr, width, N, stride)).toBeCloseTo(want, 12);
  });

  it('in a run: H(T|X) of a deterministic network is 0, so I(X;T) = H(T); infoplane.json says which case holds', async () => {
    const engine = await Engine.create(loadWasmModule());
    const data = withDuplicates(dup);
    const config: ExperimentConfig = { ...DEFAULTS, layers: [5, 3], epochs: 30, lr: 1e-2, miSchedule: { kind: 'every', k: 10 }, trainFraction: 1 };
    const s = new TrainingSession(engine, config, data, 0);
    s.advance(30);
    const plain = new TrainingSession(engine, config, { ...dup, duplicates: undefined }, 0);
    plain.advance(30);
    expect(s.record.mi.bin.ixt).toEqual(plain.record.mi.bin.ixt);
    const res = buildResult(config, data, [s.record]);
    expect(res.dataset.duplicateRows).toBe(5);
    expect(res.dataset.hX).toBeCloseTo(findDuplicates(dup.X, dup.nRows, 3).hX, 12);
    expect(res.dataset.note).toMatch(/5 of 11 input rows repeat an earlier row \(6 distinct x\): I\(X;T\) = H\(T\) - H\(T\|X\)/);
    for (const layer of res.mi.bin.ixt) for (const v of layer) expect(v).toBeLessThanOrEqual(res.dataset.hX! + 1e-9);
    const distinctRes = buildResult(config, ib12(), [s.record]);
    expect(distinctRes.dataset.duplicateRows).toBe(0);
    expect(distinctRes.dataset.note).toMatch(/every input row is distinct/);
  });

  it('through the CLI: the report header states the case', () => {
    const file = path.join(tmp, 'dup.csv');
    fs.writeFileSync(file, 'a,b,c,y\n' + rowsIdx.map((i) => [...distinct[i], i % 2].join(',')).join('\n') + '\n');
    const out = path.join(tmp, 'dup-run');
    const r = cli(['run', '--dataset', file, '--epochs', '5', '--mi-schedule', 'every:1', '--threads', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'infoplane.json'), 'utf8'));
    expect(res.dataset.duplicateRows).toBe(5);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('5 of 11 input rows repeat an earlier row');
  });
});

// ---------------------------------------------------------------------------------------------
describe('resource bounds', () => {
  it('a network that would not fit in wasm memory is refused before any allocation', () => {
    const shape = { name: 'big', nRows: 1_000_000, nInputs: 1000, nClasses: 10, X: new Float32Array(0), y: new Int32Array(0) };
    expect(() => checkRunFits({ ...DEFAULTS, dataset: 'big.npy', layers: [10] }, shape)).toThrow(/big\.npy: .*GiB of wasm memory/);
    expect(() => checkRunFits({ ...DEFAULTS, layers: [1024, 20, 20, 20] }, { ...shape, nRows: 10000, nInputs: 784 })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
describe('user text in the HTML report is escaped', () => {
  it('a <script> run name and a markup file name, through the CLI', () => {
    const evilName = '</script><script>alert("name")</script><img src=x onerror=alert(1)>';
    const evilFile = path.join(tmp, '<script>alert(2)<\\script>.csv');
    fs.writeFileSync(evilFile, 'x,"<b>",y\n' + ib12().X.subarray(0, 64 * 12).reduce<string[]>((acc, _v, i) => {
      if (i % 12 === 0) acc.push(`${ib12().X[i]},${ib12().X[i + 1]},${(i / 12) % 2}`);
      return acc;
    }, []).join('\n') + '\n');
    const run = (name: string, dataset: string, out: string) => {
      const r = cli(['run', '--name', name, '--dataset', dataset, '--epochs', '4', '--mi-schedule', 'every:2', '--threads', '1', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      return fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    };
    const plainFile = path.join(tmp, 'plain.csv');
    fs.copyFileSync(evilFile, plainFile);
    const baseline = run('plain', plainFile, path.join(tmp, 'html-plain'));
    const html = run(evilName, evilFile, path.join(tmp, 'html-evil'));
    const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
    // the user's text adds no element: as many <script and <img as in the baseline report
    expect(count(html, /<script/gi)).toBe(count(baseline, /<script/gi));
    expect(count(html, /<img/gi)).toBe(count(baseline, /<img/gi));
    expect(count(html, /<\/script/gi)).toBe(count(baseline, /<\/script/gi));
    expect(html).not.toContain('alert("name")</script>');
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(&#34;name&#34;)'); // shown as text in the header
  });
});
