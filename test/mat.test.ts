// MATLAB level-5 MAT-files: the reference code's var_u.mat, written files in both byte orders,
// compressed and plain, and every kind of malformed file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/data/errors.js';
import { loadDatasetFile, nodeInflate, readLabels, readMatrix } from '../src/data/files.js';
import { ib12 } from '../src/data/ib12.js';
import { matCompressed, matDataset, matFile, matMatrixElement, parseMat } from '../src/data/mat.js';
import { cli } from './helpers/cli.js';
import { expectPresent, referenceFile } from './helpers/outside.js';

const { file: VAR_U_MAT, run: hasVarU } = referenceFile('var_u.mat');
const VAR_U_JSON = referenceFile('var_u.json').file;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-mat-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no InputError thrown');
}

const X = [[0, 1, 2.5], [3, -4, 5], [6, 7, 8e-3], [1, 1, 1]];
const y = [0, 1, 2, 1];
const flatX = X.flat();

function datasetFile(opts: { compressed?: boolean; le?: boolean; names?: [string, string]; yShape?: 'row' | 'col' } = {}): Uint8Array {
  const { compressed = false, le = true, names = ['X', 'y'], yShape = 'row' } = opts;
  const els = [
    matMatrixElement(names[0], X.length, X[0].length, flatX, le),
    yShape === 'row' ? matMatrixElement(names[1], 1, y.length, y, le) : matMatrixElement(names[1], y.length, 1, y, le),
  ];
  return matFile(compressed ? els.map((e) => matCompressed(deflateSync(e), le)) : els, le);
}

describe.skipIf(!hasVarU)('the reference var_u.mat', () => {
  it('holds F (4096x12 uint8) and y (1x4096 double)', () => {
    expectPresent(VAR_U_MAT);
    const vars = parseMat(fs.readFileSync(VAR_U_MAT), VAR_U_MAT, nodeInflate);
    expect(vars.map((v) => [v.name, v.className, v.dims.join('x'), v.complex])).toEqual([
      ['F', 'uint8', '4096x12', false], ['y', 'double', '1x4096', false], // y: class double, stored as uint8
    ]);
  });

  it('loads as X = F, labels = y: the 12-bit task, rows in counting order, same as var_u.json and ib12()', () => {
    const ds = loadDatasetFile(VAR_U_MAT);
    expect([ds.name, ds.nRows, ds.nInputs, ds.nClasses]).toEqual(['var_u', 4096, 12, 2]);
    const ref = ib12();
    expect(ds.X).toEqual(ref.X);
    expect(ds.y).toEqual(ref.y);
    if (fs.existsSync(VAR_U_JSON)) {
      const json = JSON.parse(fs.readFileSync(VAR_U_JSON, 'utf8')) as { X: number[][]; y: number[] };
      expect(Array.from(ds.X)).toEqual(json.X.flat());
      expect(Array.from(ds.y)).toEqual(json.y.flat());
    }
  });

  it('`infoplane run --dataset var_u.mat` runs on the original file', () => {
    const out = path.join(dir, 'run-varu');
    const r = cli(['run', '--dataset', VAR_U_MAT, '--epochs', '30', '--mi-schedule', 'every:10', '--threads', '1', '--out', out]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('infoplane:'))).toEqual([]);
    expect(r.code).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'infoplane.json'), 'utf8'));
    expect(res.dataset).toMatchObject({ name: 'var_u', nRows: 4096, nInputs: 12, nClasses: 2, duplicateRows: 0 });
    expect(res.epochs).toEqual([0, 10, 20]);
  });
});

describe('MAT-files written here', () => {
  for (const compressed of [false, true]) {
    for (const le of [true, false]) {
      it(`round-trip: ${compressed ? 'compressed' : 'plain'}, ${le ? 'little' : 'big'}-endian, y as 1xN and Nx1`, () => {
        for (const yShape of ['row', 'col'] as const) {
          const ds = matDataset(parseMat(datasetFile({ compressed, le, yShape }), 'd.mat', nodeInflate), 'd', 'd.mat');
          expect([ds.nRows, ds.nInputs, ds.nClasses]).toEqual([4, 3, 3]);
          expect(Array.from(ds.X)).toEqual(flatX.map(Math.fround));
          expect(Array.from(ds.y)).toEqual(y);
        }
      });
    }
  }

  it('accepts F for the inputs and picks the label variable by --label-column', () => {
    const bytes = datasetFile({ names: ['F', 'target'] });
    expect(inputError(() => matDataset(parseMat(bytes, 'd.mat', nodeInflate), 'd', 'd.mat')).message)
      .toMatch(/no label variable .* holds F \(4x3 double\), target \(1x4 double\)/);
    expect(Array.from(matDataset(parseMat(bytes, 'd.mat', nodeInflate), 'd', 'd.mat', 'target').y)).toEqual(y);
    const file = put('named.mat', bytes);
    expect(Array.from(loadDatasetFile(file, 'target').y)).toEqual(y);
  });

  it('readMatrix / readLabels read a file holding one variable (mi --activations / --labels)', () => {
    const a = put('act.mat', matFile([matMatrixElement('act', 4, 3, flatX)]));
    const l = put('lab.mat', matFile([matCompressed(deflateSync(matMatrixElement('labels', 1, 4, y)))]));
    const m = readMatrix(a);
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([4, 3, flatX]);
    expect(Array.from(readLabels(l))).toEqual(y);
  });
});

describe('malformed MAT-files: one InputError naming the file, the place and the problem', () => {
  const good = datasetFile({ compressed: true });
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['too short', () => good.slice(0, 100), /bad\.mat: header: not a MAT-file: 100 bytes/],
    ['wrong endian mark', () => { const b = good.slice(); b[126] = 0x41; return b; }, /header: not a level-5 MAT-file/],
    ['MATLAB 7.3 (HDF5)', () => { const b = good.slice(); b.set(new TextEncoder().encode('MATLAB 7.3 MAT-file')); return b; }, /7\.3 \(HDF5\).*-v7/],
    ['wrong version', () => { const b = good.slice(); b[124] = 2; return b; }, /unsupported MAT-file version/],
    ['truncated compressed element', () => good.slice(0, good.length - 10), /bad\.mat: byte \d+: element of \d+ bytes runs past the end/],
    ['corrupt zlib data', () => { const b = good.slice(); b[128 + 8 + 20] ^= 0xff; return b; }, /bad\.mat: byte 128: corrupt compressed element/],
    ['X and y of different lengths', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 3, [0, 1, 1])]),
      /variable y: 3 labels for the 4 rows of X \(4x3\)/],
    ['labels that are not integers', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 4, [0, 1.5, 1, 0])]),
      /variable y, element 2: label 1\.5 is not an integer/],
    ['negative labels', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 4, [0, -1, 1, 0])]),
      /variable y, element 2: label -1/],
    ['a single class', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 4, [0, 0, 0, 0])]),
      /every label is 0/],
    ['a matrix of labels', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 2, 2, [0, 1, 1, 0])]),
      /variable y: is 2x2, expected a vector/],
    ['NaN in X', () => matFile([matMatrixElement('X', 4, 3, [NaN, ...flatX.slice(1)]), matMatrixElement('y', 1, 4, y)]),
      /variable X, row 1, column 1: NaN is not a finite number/],
    ['Inf in X', () => matFile([matMatrixElement('X', 4, 3, [...flatX.slice(0, 4), Infinity, ...flatX.slice(5)]), matMatrixElement('y', 1, 4, y)]),
      /variable X, row 2, column 2: Infinity/],
    ['no input variable', () => matFile([matMatrixElement('y', 1, 4, y)]), /no input variable .* holds y \(1x4 double\)/],
    ['an empty variable list', () => matFile([]), /no input variable .* holds no variables/],
    ['a variable twice', () => matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 4, y)]),
      /variable "X" appears twice/],
    ['dimensions that disagree with the data', () => {
      const el = matMatrixElement('X', 4, 3, flatX);
      new DataView(el.buffer).setInt32(8 + 16 + 8, 5, true); // rows 4 -> 5
      return matFile([el, matMatrixElement('y', 1, 4, y)]);
    }, /variable "X": dimensions 5x3 need 120 bytes of double, the element has 96/],
    ['a lying element size', () => {
      const el = matMatrixElement('X', 4, 3, flatX);
      new DataView(el.buffer).setUint32(4, 1e6, true);
      return matFile([el, matMatrixElement('y', 1, 4, y)]);
    }, /byte 128: element of 1000000 bytes runs past the end/],
    ['an unknown top-level element', () => { const b = datasetFile(); new DataView(b.buffer).setUint32(128, 3, true); return b; },
      /byte 128: unexpected top-level data type 3/],
  ];
  for (const [what, make, pattern] of cases) {
    it(what, () => {
      const e = inputError(() => matDataset(parseMat(make(), 'bad.mat', nodeInflate), 'bad', 'bad.mat'));
      expect(e.message).toMatch(pattern);
      expect(e.message.startsWith('bad.mat')).toBe(true);
      expect(e.message).not.toContain('\n');
    });
  }

  it('decompression is capped (deflate ratio bound, 2 GiB) and an oversized output is an InputError', () => {
    const el = matCompressed(deflateSync(matMatrixElement('X', 4, 3, flatX)));
    let asked = 0;
    const spy = (b: Uint8Array, max: number) => { asked = max; return nodeInflate(b, max); };
    parseMat(matFile([el]), 'ok.mat', spy);
    expect(asked).toBe(1032 * (el.length - 8) + 1024);
    const zeros = deflateSync(new Uint8Array(4 << 20)); // 4 MB of zeros in about 4 KB
    const tight = (b: Uint8Array) => nodeInflate(b, 1 << 20);
    expect(inputError(() => parseMat(matFile([matCompressed(zeros)]), 'bomb.mat', tight)).message)
      .toMatch(/^bomb\.mat: byte 128: corrupt compressed element/);
  });

  it('the CLI: exit 2, one line, nothing written', () => {
    const file = put('mismatch.mat', matFile([matMatrixElement('X', 4, 3, flatX), matMatrixElement('y', 1, 3, [0, 1, 1])]));
    const out = path.join(dir, 'never');
    const r = cli(['run', '--dataset', file, '--epochs', '5', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/mismatch\.mat: variable y: 3 labels for the 4 rows/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
