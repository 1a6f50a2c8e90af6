// Names, numbers and files chosen to break things: prototype names, non-decimal numbers, a dataset
// of one class, deep JSON, devices and FIFOs, quoted CSV headers, tall inputs past the wasm arena,
// and the raw errors that used to escape (EISDIR, a report of a bare format line, --out /proc/x,
// --train-fraction 1).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromFlags, UsageError, type RunFlags } from '../src/config/flags.js';
import { DEFAULTS } from '../src/config/config.js';
import { loadDatasetFile, readMatrix } from '../src/data/files.js';
import { parseCsv } from '../src/data/parse.js';
import { datasetClasses, datasetFromTable } from '../src/data/table.js';
import { checkRunFits, miFits, wasmBytesEstimate, WASM_BUDGET } from '../src/node/datasets.js';
import { cli } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const put = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };

function usage(flags: RunFlags): string {
  try { configFromFlags(flags); } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; }
  throw new Error(`accepted ${JSON.stringify(flags)}`);
}

describe('names are looked up as own keys only', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`--preset ${name} and --estimators ${name} are unknown names`, () => {
      expect(usage({ preset: name })).toMatch(/^--preset: ".*" is not one of paper, idnns, saxe, mnist/);
      expect(usage({ estimators: name })).toMatch(/^--estimators: ".*" is not one of bin/);
    });
  }

  it('CLI: mi --estimator constructor, and a sweep with --estimators toString leaves nothing behind', () => {
    const m = cli(['mi', '--activations', 'x.npy', '--labels', 'y.npy', '--estimator', 'constructor'], { cwd: tmp });
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/^infoplane: --estimator: "constructor" is not one of/);
    const out = path.join(tmp, 'proto-sweep');
    const s = cli(['sweep', '--estimators', 'toString,bin', '--epochs', '2', '--out', out]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--estimators: "toString"/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('numbers are decimal', () => {
  const cases: [keyof RunFlags, string][] = [['epochs', '0x10'], ['epochs', '0b11'], ['epochs', '0o7'], ['epochs', '1_000'],
    ['batch', '0x20'], ['lr', '0x1'], ['seed', '0x0'], ['bins', '0x1e'], ['binRange', '0x1,2'], ['binRange', '-1,0b1'], ['momentum', '.5.']];
  for (const [flag, v] of cases) {
    it(`--${flag} ${v}`, () => expect(usage({ [flag]: v })).toMatch(/^--(epochs|batch|lr|seed|bins|bin-range|momentum): /));
  }
  it('decimal forms still pass', () => {
    expect(configFromFlags({ epochs: '1e3', lr: '.5', momentum: '0.', seed: '+7', binRange: '-1.5,2e0' })).toMatchObject({ epochs: 1000, lr: 0.5, momentum: 0, seed: 7 });
  });
});

describe('a dataset needs two classes, and gets the classes its labels have', () => {
  it('every label 7 (or any single value) is refused', () => {
    for (const v of [0, 1, 7, 65535]) {
      const f = put(`one${v}.csv`, `x1,x2,y\n1,2,${v}\n3,4,${v}\n5,6,${v}\n`);
      expect(() => loadDatasetFile(f)).toThrow(new RegExp(`one${v}\\.csv: every label is ${v}: a dataset needs at least 2 classes`));
    }
  });

  it('labels {0, 3, 7} are three classes, renumbered 0, 1, 2; 0..K-1 stays as it is', () => {
    const ds = datasetFromTable(parseCsv('x,y\n1,7\n2,0\n3,3\n4,7\n', 'g.csv'), 'g', 'g.csv');
    expect([ds.nClasses, Array.from(ds.y)]).toEqual([3, [2, 0, 1, 2]]);
    const y = new Int32Array([1, 0, 2, 2]);
    expect(datasetClasses(y, 'f', '')).toBe(3);
    expect(Array.from(y)).toEqual([1, 0, 2, 2]);
  });

  it('CLI: run on a one-class CSV is one line, exit 2', () => {
    const r = cli(['run', '--dataset', put('seven.csv', 'x1,y\n1,7\n2,7\n'), '--epochs', '2', '--out', path.join(tmp, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/seven\.csv: every label is 7/);
  });
});

describe('deep JSON', () => {
  for (const depth of [5000, 500000]) {
    it(`nested ${depth} deep: one line naming the place, no stack overflow`, () => {
      const f = put(`deep${depth}.json`, '['.repeat(depth) + ']'.repeat(depth));
      expect(() => loadDatasetFile(f)).toThrow(/deep\d+\.json: line 1, column 65: nested more than 64 levels deep/);
    });
  }
  it('brackets inside strings do not count', () => {
    const f = put('strings.json', JSON.stringify({ X: [[1, 2], [3, 4]], y: [0, 1], note: '['.repeat(200) }));
    expect(loadDatasetFile(f).nRows).toBe(2);
  });
});

describe('only regular files are read', () => {
  it('/dev/zero, a FIFO and a folder are refused at once', () => {
    const fifo = path.join(tmp, 'pipe.npy');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const f of ['/dev/zero', fifo, tmp]) {
      expect(() => readMatrix(f)).toThrow(/not a regular file \(a folder, device or pipe\)/);
    }
  });

  it('CLI: mi --activations /dev/zero is one line, exit 2, in bounded time and memory', () => {
    const t0 = Date.now();
    const r = cli(['mi', '--activations', '/dev/zero', '--labels', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('infoplane: /dev/zero: not a regular file (a folder, device or pipe); give a file');
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});

describe('quoted CSV headers (R\'s write.csv, spreadsheets)', () => {
  it('"x1","x2","y" with --label-column y', () => {
    const f = put('r.csv', '"x1","x2","y"\n0.5,1,0\n0.25,2,1\n0.125,3,1\n');
    const ds = loadDatasetFile(f, 'y');
    expect([ds.nRows, ds.nInputs, ds.nClasses]).toEqual([3, 2, 2]);
    expect(parseCsv('"a, b";"say ""hi""";y\n1;2;0\n', 'q.csv').header).toEqual(['a, b', 'say "hi"', 'y']);
  });

  it('CLI: run --label-column y on an R-written file', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${(i % 5) / 5},${(i % 3) / 3},${i % 2}`).join('\n');
    const r = cli(['run', '--dataset', put('rcli.csv', `"x1","x2","y"\n${rows}\n`), '--label-column', 'y', '--epochs', '3', '--mi-schedule', 'every:1', '--out', path.join(tmp, 'rcli')]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('tall inputs: the wasm arena is checked before work, estimators included', () => {
  const tall = (nRows: number, nInputs = 1) => ({ name: 'tall', nRows, nInputs, nClasses: 2, X: new Float32Array(0), y: new Int32Array(0) });
  it('a 10^7-row dataset is refused before training, with the limit', () => {
    expect(() => checkRunFits({ ...DEFAULTS, dataset: 'tall.csv' }, tall(1e7))).toThrow(/tall\.csv: 10000000 rows x 1 inputs .* need about 2\.\d+ GiB of wasm memory; the limit is 1\.94 GiB/);
    expect(() => checkRunFits({ ...DEFAULTS, dataset: 'ok.csv' }, tall(1e5, 12))).not.toThrow();
  });

  it('the estimators\' buffers count: KDE and adaptive add to the bin estimator\'s', () => {
    const data = tall(2e6, 12), layers = DEFAULTS.layers;
    const bin = wasmBytesEstimate(layers, data, 256, { estimators: ['bin'] }).total;
    const all = wasmBytesEstimate(layers, data, 256, { estimators: ['bin', 'adaptive', 'kde-upper', 'kde-lower'], kdeSamples: 0 }).total;
    expect(all).toBeGreaterThan(bin + 13 * 2e6 * 12); // adaptive's sort scratch over the widest layer
  });

  it('mi: 33,000,000 x 1 does not fit in memory (streamed for bin with a fixed range, refused otherwise); 4096 x 12 fits', () => {
    expect(miFits(33e6, 1, 2, 'bin')).toBe(false);
    expect(miFits(33e6, 1, 2, 'adaptive')).toBe(false);
    expect(miFits(4096, 12, 2, 'bin')).toBe(true);
    expect(miFits(4096, 12, 2, 'kde-upper')).toBe(true);
    expect(WASM_BUDGET.total).toBeLessThan(2 ** 31); // offsets come back to the host as i32
  });
});

describe('errors that used to escape raw', () => {
  it('dataset ib12 --out /tmp: the target is a folder', () => {
    const r = cli(['dataset', 'ib12', '--out', tmp]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`infoplane: ${tmp}: is a folder; give a file name`);
    expect(fs.readdirSync(path.dirname(tmp)).filter((f) => f.startsWith(`.${path.basename(tmp)}.tmp-`))).toEqual([]);
  });

  it('report of {"format":"infoplane/1"} is one line, exit 2', () => {
    const d = path.join(tmp, 'bare');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'infoplane.json'), '{"format":"infoplane/1"}');
    const r = cli(['report', d]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/bare\/infoplane\.json: not a complete infoplane result: "config" is missing or incomplete$/);
  });

  it('run --out /proc/x fails at once (Node\'s recursive mkdir loops forever there)', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'infoplane.js'), 'run', '--epochs', '2', '--out', '/proc/infoplane-x'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('infoplane: /proc/infoplane-x: cannot write output folder (ENOENT)');
  });

  it('--train-fraction 1 reports the training accuracy, not "NaN%"', () => {
    const r = cli(['run', '--train-fraction', '1', '--epochs', '3', '--mi-schedule', 'every:1', '--out', path.join(tmp, 'tf1')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NaN/);
    expect(r.stdout).toMatch(/training accuracy \d+\.\d% \(no test rows\) at epoch 2/);
  });
});
