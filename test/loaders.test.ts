import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { InputError } from '../src/data/errors.js';
import { loadDatasetFile, readLabels, readMatrix } from '../src/data/files.js';
import { writeDatasetCsv } from '../src/node/datasets.js';
import { ib12 } from '../src/data/ib12.js';
import { parseCsv, parseJson, parseMatrix, parseNpy, type Matrix } from '../src/data/parse.js';
import { datasetFromTable } from '../src/data/table.js';
import { streamRows } from '../src/data/stream.js';
import { edgeCell, linspaceEdgesF32, PatternCounter } from '../src/estimators/pattern-count.js';
import { cli } from './helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-data-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** The matrix as nested rows, for readable comparisons. */
function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** Asserts that fn throws an InputError whose message matches every pattern. */
function expectInputError(fn: () => unknown, ...patterns: (string | RegExp)[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  for (const p of patterns) expect((caught as Error).message).toMatch(p);
}

// ---------------------------------------------------------------------------------------------
// Hand-built .npy files

const WRITERS: Record<string, [number, (d: DataView, o: number, v: number) => void]> = {
  f4: [4, (d, o, v) => d.setFloat32(o, v, true)],
  f8: [8, (d, o, v) => d.setFloat64(o, v, true)],
  b1: [1, (d, o, v) => d.setUint8(o, v)],
  u1: [1, (d, o, v) => d.setUint8(o, v)],
  i1: [1, (d, o, v) => d.setInt8(o, v)],
  u2: [2, (d, o, v) => d.setUint16(o, v, true)],
  i2: [2, (d, o, v) => d.setInt16(o, v, true)],
  u4: [4, (d, o, v) => d.setUint32(o, v, true)],
  i4: [4, (d, o, v) => d.setInt32(o, v, true)],
  u8: [8, (d, o, v) => d.setBigUint64(o, BigInt(v), true)],
  i8: [8, (d, o, v) => d.setBigInt64(o, BigInt(v), true)],
};

/** Header dict exactly as numpy writes it, padded with spaces to a 64-byte boundary. */
function npyHeader(major: number, dict: string): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const padded = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + padded.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), pre);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function shapeText(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** An npy file of `rows` (a matrix, or a 1-D list when shape has one entry). */
function npy(opts: { major?: number; kind: string; order?: string; fortran?: boolean; rows: number[][]; shape?: number[] }): Uint8Array {
  const { major = 1, kind, fortran = false, rows } = opts;
  const order = opts.order ?? (kind.endsWith('1') ? '|' : '<');
  const shape = opts.shape ?? [rows.length, rows[0].length];
  const [size, write] = WRITERS[kind];
  const r = rows.length, c = rows[0].length;
  const body = new Uint8Array(r * c * size);
  const view = new DataView(body.buffer);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) write(view, (fortran ? j * r + i : i * c + j) * size, rows[i][j]);
  }
  const dict = `{'descr': '${order}${kind}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText(shape)}, }`;
  return concat(npyHeader(major, dict), body);
}

const SAMPLES: Record<string, number[][]> = {
  f4: [[1.5, -2.25, 0], [0.125, 65504, -7]],
  f8: [[0.1, -2e-300, 1e300], [Math.PI, -0, 42]],
  b1: [[1, 0, 1], [0, 0, 1]],
  u1: [[0, 255, 7], [128, 1, 2]],
  i1: [[-128, 127, 0], [-1, 5, 9]],
  u2: [[0, 65535, 3], [1000, 1, 2]],
  i2: [[-32768, 32767, 0], [-1, 5, 9]],
  u4: [[0, 4294967295, 3], [1000, 1, 2]],
  i4: [[-2147483648, 2147483647, 0], [-1, 5, 9]],
  u8: [[0, 2 ** 53, 3], [1000, 1, 2]],
  i8: [[-(2 ** 53), 2 ** 53, 0], [-1, 5, 9]],
};

describe('npy', () => {
  for (const major of [1, 2, 3]) {
    for (const kind of Object.keys(SAMPLES)) {
      for (const fortran of [false, true]) {
        it(`reads v${major}.0 ${kind} ${fortran ? 'Fortran' : 'C'} order`, () => {
          const m = parseNpy(npy({ major, kind, fortran, rows: SAMPLES[kind] }), 'a.npy');
          expect([m.rows, m.cols]).toEqual([2, 3]);
          expect(rowsOf(m)).toEqual(SAMPLES[kind]);
        });
      }
    }
  }

  it('reads a 1-D array as one column', () => {
    const m = parseNpy(npy({ kind: 'i4', rows: [[3], [1], [4], [1], [5]], shape: [5] }), 'y.npy');
    expect([m.rows, m.cols]).toEqual([5, 1]);
    expect(Array.from(m.data)).toEqual([3, 1, 4, 1, 5]);
  });

  it('reads a v2 header longer than 65535 bytes (why v2 exists)', () => {
    const dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 2), }" + ' '.repeat(70000);
    const bytes = concat(npyHeader(2, dict), new Uint8Array([1, 0, 0xff, 0xff]));
    expect(rowsOf(parseNpy(bytes, 'a.npy'))).toEqual([[1, -1]]);
  });

  it('reads from a view that does not start at byte 0 of its buffer', () => {
    const bytes = npy({ kind: 'f8', rows: SAMPLES.f8 });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(rowsOf(parseNpy(big.subarray(3), 'a.npy'))).toEqual(SAMPLES.f8);
  });

  it('accepts "=" and big-endian single-byte descrs', () => {
    expect(rowsOf(parseNpy(npy({ kind: 'u1', order: '>', rows: [[1, 2]] }), 'a.npy'))).toEqual([[1, 2]]);
    expect(rowsOf(parseNpy(npy({ kind: 'i4', order: '=', rows: [[-1, 2]] }), 'a.npy'))).toEqual([[-1, 2]]);
  });

  it('rejects malformed files, naming the file and the place', () => {
    const good = npy({ kind: 'f8', rows: [[1, 2, 3], [4, 5, 6]] });
    const bad = good.slice();
    bad[1] = 0x58;
    expectInputError(() => parseNpy(bad, 'm.npy'), /^m\.npy: header: not a \.npy file \(wrong magic bytes\)$/);
    expectInputError(() => parseNpy(new Uint8Array(4), 'm.npy'), 'm.npy: header', 'magic');
    const v4 = good.slice();
    v4[6] = 4;
    expectInputError(() => parseNpy(v4, 'm.npy'), 'm.npy: header', 'version 4.0');
    expectInputError(() => parseNpy(good.subarray(0, good.length - 1), 'm.npy'), 'm.npy: data', 'needs 48 bytes, file has 47 (truncated)');
    expectInputError(() => parseNpy(good.subarray(0, 40), 'm.npy'), 'm.npy: header', 'truncated');
    expectInputError(() => parseNpy(concat(good, new Uint8Array(8)), 'm.npy'), 'm.npy: data', 'shape (2, 3)', 'file has 56');
    expectInputError(() => parseNpy(concat(npyHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }"), good.subarray(good.length - 48)), 'm.npy'),
      'm.npy: data: header shape (3, 3) of <f8 needs 72 bytes, file has 48');
    expectInputError(() => parseNpy(npy({ kind: 'f8', order: '>', rows: [[1]] }), 'm.npy'), 'm.npy: header', 'big-endian');
    expectInputError(() => parseNpy(concat(npyHeader(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"), new Uint8Array(16)), 'm.npy'),
      'm.npy: header', 'unsupported dtype "<c16"');
    expectInputError(() => parseNpy(concat(npyHeader(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }"), new Uint8Array(8)), 'm.npy'),
      'm.npy: header', 'cannot read');
    expectInputError(() => parseNpy(npy({ kind: 'u1', rows: [[1, 2], [3, 4]], shape: [1, 2, 2] }), 'm.npy'), 'm.npy: header', 'not 1-D or 2-D');
    expectInputError(() => parseNpy(npyHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }"), 'm.npy'), 'm.npy: header', 'no data');
    expectInputError(() => parseNpy(npyHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"), 'm.npy'), 'm.npy: header', 'not 1-D or 2-D');
    expectInputError(() => parseNpy(npy({ kind: 'f8', rows: [[1, 2], [NaN, 4]] }), 'm.npy'), /^m\.npy: row 2, column 1: NaN is not a finite number$/);
    expectInputError(() => parseNpy(npy({ kind: 'f4', fortran: true, rows: [[1, 2], [3, -Infinity]] }), 'm.npy'), 'm.npy: row 2, column 2: -Infinity');
  });
});

// ---------------------------------------------------------------------------------------------
// CSV

describe('csv', () => {
  it('reads numbers with and without a header, any common delimiter and line ending', () => {
    const want = [[1, -2.5, 3e-2], [0.5, 6, -7e10]];
    const variants = [
      '1,-2.5,3e-2\n.5,6.,-7E+10\n',
      'a,b,c\n1,-2.5,3e-2\n0.5,6,-7e10',
      '\ufeffa;b;c\r\n1;-2.5;0.03\r\n0.5;6;-7e10\r\n\r\n\n',
      '# comment\n1\t-2.5\t0.03\n 0.5\t6\t-7e10 \n',
      '1 -2.5   0.03\n0.5 6 -7e10\n\n',
      '"x", "y", "z"\n1 , -2.5, +0.03\n0.5,6,-7e10\n',
    ];
    for (const text of variants) expect(rowsOf(parseCsv(text, 'a.csv')), JSON.stringify(text)).toEqual(want);
    expect(parseCsv('a,b,c\n1,2,3\n', 'a.csv').header).toEqual(['a', 'b', 'c']);
    expect(parseCsv('1,2,3\n', 'a.csv').header).toBeUndefined();
  });

  it('reads one column', () => {
    const m = parseCsv('label\n0\n1\n2\n', 'y.csv');
    expect([m.rows, m.cols]).toEqual([3, 1]);
    expect(Array.from(m.data)).toEqual([0, 1, 2]);
  });

  it('reads bytes (a Buffer) as well as text', () => {
    expect(rowsOf(parseCsv(Buffer.from('x,y\n1,2\n'), 'a.csv'))).toEqual([[1, 2]]);
  });

  it('rejects malformed files, naming the file, line and column', () => {
    expectInputError(() => parseCsv('a,b\n1,2\n3,abc\n', 'data.csv'), /^data\.csv: line 3, column 2: "abc" is not a number$/);
    expectInputError(() => parseCsv('1,2\n3,4,5\n', 'data.csv'), /^data\.csv: line 2: 3 fields, expected 2/);
    expectInputError(() => parseCsv('1,2\n3\n', 'data.csv'), 'data.csv: line 2: 1 field, expected 2');
    expectInputError(() => parseCsv('1;2\n3,4\n', 'data.csv'), 'data.csv: line 2: 1 field, expected 2 (the delimiter is ";")');
    expectInputError(() => parseCsv('x,y\n1,2\n3,NaN\n', 'data.csv'), /^data\.csv: line 3, column 2: NaN is not a finite number$/);
    expectInputError(() => parseCsv('nan,2\n', 'data.csv'), 'data.csv: line 1, column 1: nan is not a finite number');
    expectInputError(() => parseCsv('1,2\n-inf,2\n', 'data.csv'), 'data.csv: line 2, column 1: -inf is not a finite number');
    expectInputError(() => parseCsv('1,2\n1e999,2\n', 'data.csv'), 'data.csv: line 2, column 1: 1e999 is out of range');
    expectInputError(() => parseCsv('1,2,3\n1,,3\n', 'data.csv'), 'data.csv: line 2, column 2: empty field');
    expectInputError(() => parseCsv('1,2\n0x10,2\n', 'data.csv'), 'data.csv: line 2, column 1: "0x10" is not a number');
    expectInputError(() => parseCsv('1,2\n\n3,4\n', 'data.csv'), 'data.csv: line 2: blank line between data lines');
    expectInputError(() => parseCsv('a,b\n\n', 'data.csv'), /^data\.csv: a header but no data rows$/);
    expectInputError(() => parseCsv('', 'data.csv'), /^data\.csv: no data rows$/);
    expectInputError(() => parseCsv('\n\n  \n', 'data.csv'), 'no data rows');
  });
});

// ---------------------------------------------------------------------------------------------
// JSON

describe('json', () => {
  it('reads rows, a 1-D column, and {"X","y"} with y appended as the last column', () => {
    expect(rowsOf(parseJson('[[1,2],[3,4.5]]', 'a.json'))).toEqual([[1, 2], [3, 4.5]]);
    expect(rowsOf(parseJson('[0,1,1]', 'a.json'))).toEqual([[0], [1], [1]]);
    expect(rowsOf(parseJson('{"X": [[0,1],[1,0]], "y": [1, 0], "note": "x"}', 'a.json'))).toEqual([[0, 1, 1], [1, 0, 0]]);
    expect(rowsOf(parseJson('{"X": [[0,1],[1,0]], "y": [[1], [0]]}', 'a.json'))).toEqual([[0, 1, 1], [1, 0, 0]]);
  });

  it('rejects malformed files, naming the file and the place', () => {
    expectInputError(() => parseJson('[[1,2],\n[3,}', 'b.json'), /^b\.json: .*invalid JSON/);
    expectInputError(() => parseJson('[[1,2],\n[3', 'b.json'), /^b\.json: .*invalid JSON/);
    expectInputError(() => parseJson('[[1,2],[3]]', 'b.json'), /^b\.json: \[1\]: 1 values, expected 2$/);
    expectInputError(() => parseJson('[[1,2],[3,"abc"]]', 'b.json'), /^b\.json: \[1\]\[1\]: "abc" is not a number$/);
    expectInputError(() => parseJson('[[1,2],[3,null]]', 'b.json'), 'b.json: [1][1]: null is not a number');
    expectInputError(() => parseJson('[[1,2],[3,1e999]]', 'b.json'), 'b.json: [1][1]: number out of range');
    expectInputError(() => parseJson('[[1,2],5]', 'b.json'), 'b.json: [1]: expected a row');
    expectInputError(() => parseJson('[1,[2]]', 'b.json'), 'b.json: [1]: [2] is not a number');
    expectInputError(() => parseJson('[]', 'b.json'), /^b\.json: top level: no rows$/);
    expectInputError(() => parseJson('[[]]', 'b.json'), 'b.json: [0]: empty row');
    expectInputError(() => parseJson('"hello"', 'b.json'), 'b.json: top level: expected an array of rows');
    expectInputError(() => parseJson('{"X": [[1]]}', 'b.json'), 'b.json: top level', '"y"');
    expectInputError(() => parseJson('{"X": [[1],[2]], "y": [0]}', 'b.json'), 'b.json: y: 1 labels for 2 rows of X');
    expectInputError(() => parseJson('{"X": [[1],[2]], "y": [[0,1],[1,0]]}', 'b.json'), 'b.json: y: expected one label per row');
    expectInputError(() => parseJson('{"X": [[1],[2,3]], "y": [0,1]}', 'b.json'), 'b.json: X[1]: 2 values, expected 1');
    expectInputError(() => parseJson('{"X": [[1],["2"]], "y": [0,1]}', 'b.json'), 'b.json: X[1][0]: "2" is not a number');
  });
});

// ---------------------------------------------------------------------------------------------
// Files

function expectSameDataset(a: Dataset, b: Dataset): void {
  expect([a.nRows, a.nInputs, a.nClasses]).toEqual([b.nRows, b.nInputs, b.nClasses]);
  expect(a.X).toEqual(b.X);
  expect(a.y).toEqual(b.y);
}

describe('files', () => {
  it('round-trips CSV, JSON and npy through the file system', () => {
    const rows = [[1, 0.25, -3], [4e-7, 5, 6]];
    expect(rowsOf(readMatrix(put('m.csv', 'a,b,c\n' + rows.map((r) => r.join(',')).join('\n') + '\n')))).toEqual(rows);
    expect(rowsOf(readMatrix(put('m.txt', rows.map((r) => r.join(' ')).join('\n'))))).toEqual(rows);
    expect(rowsOf(readMatrix(put('m.json', JSON.stringify(rows))))).toEqual(rows);
    expect(rowsOf(readMatrix(put('m.npy', npy({ major: 2, kind: 'f8', fortran: true, rows }))))).toEqual(rows);
    expect(rowsOf(readMatrix(put('M.NPY', npy({ kind: 'f8', rows }))))).toEqual(rows);
  });

  it('writeDatasetCsv then loadDatasetFile gives ib12 back', () => {
    const file = path.join(dir, 'ib12.csv');
    const ds = ib12();
    writeDatasetCsv(ds, file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.slice(0, text.indexOf('\n'))).toBe('x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,y');
    expect(text.split('\n')[6]).toBe('0,0,0,0,0,0,0,0,0,1,0,1,0'); // row 5, integers as integers
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const back = loadDatasetFile(file);
    expect(back.name).toBe('ib12');
    expectSameDataset(back, ds);
  });

  it('writeDatasetCsv keeps non-integer float32 values exactly and overwrites atomically', () => {
    const X = new Float32Array([0.1, -1.5e-7, 3.4e38, 1 / 3, -0, 7]);
    const ds: Dataset = { name: 'f', nRows: 3, nInputs: 2, nClasses: 3, X, y: new Int32Array([2, 0, 1]) };
    const file = path.join(dir, 'f.csv');
    fs.writeFileSync(file, 'old contents');
    writeDatasetCsv(ds, file);
    const back = loadDatasetFile(file);
    expect(back.name).toBe('f');
    expectSameDataset(back, ds);
  });

  it('loads datasets from npy tables and JSON {"X","y"}, and labels from any format', () => {
    const table = [[0, 1, 0], [1, 1, 2], [1, 0, 1]];
    const fromNpy = loadDatasetFile(put('t.npy', npy({ kind: 'u1', rows: table })));
    expect([fromNpy.name, fromNpy.nRows, fromNpy.nInputs, fromNpy.nClasses]).toEqual(['t', 3, 2, 3]);
    expect(Array.from(fromNpy.X)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(Array.from(fromNpy.y)).toEqual([0, 2, 1]);
    expectSameDataset(loadDatasetFile(put('t.json', JSON.stringify({ X: table.map((r) => r.slice(0, 2)), y: [0, 2, 1] }))), fromNpy);

    expect(Array.from(readLabels(put('y.npy', npy({ kind: 'i8', rows: [[3], [0], [1]], shape: [3] }))))).toEqual([3, 0, 1]);
    expect(Array.from(readLabels(put('y.json', '[3,0,1]')))).toEqual([3, 0, 1]);
    expect(Array.from(readLabels(put('y.csv', 'label\n3\n0\n65535\n')))).toEqual([3, 0, 65535]);
  });

  it('rejects bad files with InputError naming the file and place', () => {
    expectInputError(() => readMatrix(put('x.xlsx', '1,2')), /x\.xlsx: unknown file type "\.xlsx"/);
    expectInputError(() => readMatrix(put('noext', '1,2')), /noext: unknown file type ""/);
    expectInputError(() => readMatrix(path.join(dir, 'missing.csv')), /missing\.csv: cannot read file \(ENOENT\)/);
    expectInputError(() => readMatrix(put('bad.csv', '1,2\n3,x\n')), /bad\.csv: line 2, column 2: "x" is not a number/);
    expectInputError(() => readLabels(put('neg.csv', '0\n-1\n')), /neg\.csv: data row 2: label -1 is not an integer in 0\.\.65535/);
    expectInputError(() => readLabels(put('frac.json', '[0, 1.5]')), /frac\.json: data row 2: label 1\.5/);
    expectInputError(() => readLabels(put('big.csv', '0\n65536\n')), /big\.csv: data row 2: label 65536/);
    expectInputError(() => readLabels(put('two.csv', '0,1\n1,0\n')), /two\.csv: expected one column of labels, found 2 columns/);
    expectInputError(() => loadDatasetFile(put('lab.csv', 'x,y\n0,1\n1,0.5\n')), /lab\.csv: data row 2, column 2: label 0\.5/);
    expectInputError(() => loadDatasetFile(put('one.csv', 'y\n0\n1\n')), /one\.csv: a dataset needs input columns and a label column/);
    expectInputError(() => loadDatasetFile(put('zero.csv', '1,0\n2,0\n')), /zero\.csv: every label is 0/);
    expectInputError(() => loadDatasetFile(put('huge.csv', '1e39,0\n2,1\n')), /huge\.csv: data row 1, column 1: 1e\+39 is out of float32 range/);
  });
});

describe('parse.ts stays browser-safe', () => {
  it('imports nothing from Node', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const f of ['parse.ts', 'table.ts', 'errors.ts', 'dataset.ts', 'ib12.ts', 'mat.ts', 'duplicates.ts']) {
      const src = fs.readFileSync(path.resolve(here, '../src/data', f), 'utf8');
      const imports = [...src.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      // relative imports within src/data only (no node:, no packages, no higher layer)
      expect(imports.filter((m) => !m.startsWith('./')), f).toEqual([]);
    }
  });

  it('parseMatrix dispatches on the extension', () => {
    expect(rowsOf(parseMatrix(new TextEncoder().encode('[[1]]'), 'dir.v2/a.JSON'))).toEqual([[1]]);
    expect(rowsOf(parseMatrix(new TextEncoder().encode('1\t2'), 'a.tsv'))).toEqual([[1, 2]]);
  });
});

// ---------------------------------------------------------------------------------------------
// Label column (--label-column)

describe('label column by name or 0-based index', () => {
  const text = 'id,label,a,b\n1,0,0.5,-1\n2,2,1.5,3\n3,1,2.5,4\n';

  it('by header name, by index, and "last" / default', () => {
    const m = parseCsv(text, 't.csv');
    const byName = datasetFromTable(m, 't', 't.csv', 'label');
    expect(Array.from(byName.y)).toEqual([0, 2, 1]);
    expect(byName.nInputs).toBe(3);
    expect(Array.from(byName.X)).toEqual([1, 0.5, -1, 2, 1.5, 3, 3, 2.5, 4]); // the other columns, in order
    expect(datasetFromTable(m, 't', 't.csv', '1')).toEqual(byName);
    const last = datasetFromTable(parseCsv('1,0,0\n2,1,1\n', 'u.csv'), 'u', 'u.csv');
    expect(datasetFromTable(parseCsv('1,0,0\n2,1,1\n', 'u.csv'), 'u', 'u.csv', 'last')).toEqual(last);
    expect(Array.from(last.y)).toEqual([0, 1]);
    expect(datasetFromTable(parseCsv('0,1,5\n1,0,5\n', 'v.csv'), 'v', 'v.csv', '0').y).toEqual(Int32Array.from([0, 1]));
  });

  it('a header name wins over an index of the same text', () => {
    const m = parseCsv('a,0,y\n1,5,1\n0,1,0\n', 'n.csv');
    // column "0" holds 5 and 1: the classes that occur, renumbered in order (1 -> 0, 5 -> 1)
    const ds = datasetFromTable(m, 'n', 'n.csv', '0');
    expect([Array.from(ds.y), ds.nClasses]).toEqual([[1, 0], 2]);
  });

  it('rejects unknown names, indices past the end, ambiguous names, and non-label columns', () => {
    const m = parseCsv(text, 't.csv');
    expectInputError(() => datasetFromTable(m, 't', 't.csv', 'class'), 't.csv: header:', '"class" is not a column name ("id", "label", "a", "b")');
    expectInputError(() => datasetFromTable(m, 't', 't.csv', '4'), 't.csv:', '--label-column 4 is past the last column (the file has 4 columns, 0..3)');
    expectInputError(() => datasetFromTable(parseCsv('1,2\n3,4\n', 'h.csv'), 'h', 'h.csv', 'y'), 'no header row');
    expectInputError(() => datasetFromTable(parseCsv('y,y,a\n1,1,0\n0,0,1\n', 'd.csv'), 'd', 'd.csv', 'y'), 'names 2 columns (0-based 0, 1)');
    expectInputError(() => datasetFromTable(m, 't', 't.csv', '2'), 'data row 1, column 3', 'label 0.5 is not an integer');
  });

  it('through loadDatasetFile and the CLI flag', () => {
    const file = put('labelled.csv', text);
    expect(Array.from(loadDatasetFile(file, 'label').y)).toEqual([0, 2, 1]);
  });
});

// ---------------------------------------------------------------------------------------------
// Streaming reads and chunked pattern counting (infoplane mi on large files)

describe('streamRows', () => {
  const g = (() => { let s = 12345; return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1; })();
  const rows = Array.from({ length: 103 }, () => Array.from({ length: 5 }, () => Math.fround(g())));

  for (const fortran of [false, true]) {
    for (const kind of ['f4', 'f8']) {
      it(`npy ${kind} ${fortran ? 'Fortran' : 'C'} order: chunks of 1, 7 and 1000 rows give the whole matrix`, () => {
        const file = put(`s-${kind}-${fortran}.npy`, npy({ kind, fortran, rows }));
        for (const n of [1, 7, 1000]) {
          const got: number[] = [];
          let first = 0;
          for (const c of streamRows(file, n)) {
            expect(c.first).toBe(first);
            expect(c.rows).toBeLessThanOrEqual(n);
            first += c.rows;
            got.push(...c.data);
          }
          expect(got).toEqual(rows.flat());
        }
      });
    }
  }

  it('CSV with a header, CRLF and a BOM: the same rows as parseCsv, any chunk size', () => {
    const text = '\ufeffa,b,c,d,e\r\n' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
    const file = put('s.csv', text);
    const whole = parseCsv(fs.readFileSync(file), file);
    for (const n of [1, 10, 500]) {
      const got: number[] = [];
      for (const c of streamRows(file, n)) got.push(...c.data);
      expect(got).toEqual(Array.from(whole.data, Math.fround));
    }
  });

  it('reports bad values with the same places as the whole-file parsers', () => {
    const bad = rows.map((r) => r.slice());
    bad[57][3] = NaN;
    const f1 = put('bad.npy', npy({ kind: 'f8', rows: bad }));
    expectInputError(() => { for (const _ of streamRows(f1, 10)) { /* drain */ } }, 'bad.npy: row 58, column 4: NaN is not a finite number');
    const f2 = put('bad.csv', rows.map((r, i) => (i === 80 ? [...r.slice(0, 4)] : r).join(',')).join('\n'));
    expectInputError(() => { for (const _ of streamRows(f2, 10)) { /* drain */ } }, 'bad.csv: line 81: 4 fields, expected 5');
    const f3 = put('trunc.npy', npy({ kind: 'f4', rows }).slice(0, -3));
    expectInputError(() => { for (const _ of streamRows(f3, 10)) { /* drain */ } }, 'trunc.npy: data:', '(truncated)');
  });
});

describe('PatternCounter (chunked) against the wasm kernel and the reference', () => {
  it('gives the same H(T), H(T|Y) and pattern count, whatever the chunk size, for both binning rules', async () => {
    const { Engine } = await import('../src/engine/engine.js');
    const { loadWasmModule } = await import('../src/engine/wasm-node.js');
    const { miOfMatrix } = await import('../src/api.js');
    const { refMiBinnedRows } = await import('../src/reference/mi.js');
    const engine = await Engine.create(loadWasmModule());
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const N = 3001, D = 4, K = 3;
    const data = new Float32Array(N * D);
    for (let i = 0; i < data.length; i++) {
      // tanh-like values, some exactly on edges, some outside the range, a few special values
      const r = rnd();
      data[i] = r < 0.02 ? [-1, 1, -0, 2, -3][Math.floor(rnd() * 5)] : r < 0.04 ? -1 + (2 / 29) * Math.floor(rnd() * 30) : Math.tanh(4 * rnd() - 2);
    }
    const labels = Int32Array.from({ length: N }, () => Math.floor(rnd() * K));
    const binnings = [{ kind: 'edges', bins: 30, lo: -1, hi: 1 }, { kind: 'edges', bins: 4, lo: -0.5, hi: 0.5 }, { kind: 'width', width: 0.07 }, { kind: 'width', width: 0.5 }] as const;
    for (const b of binnings) {
      const want = miOfMatrix(engine, data, N, D, labels, { estimator: 'bin', binning: b });
      const rows = Array.from({ length: N }, (_, i) => Array.from(data.subarray(i * D, (i + 1) * D)));
      const ref = refMiBinnedRows(rows, labels, b.kind === 'edges' ? { mode: 'edges', lo: b.lo, hi: b.hi, nbins: b.bins } : { mode: 'width', width: b.width }, K);
      for (const chunk of [1, 64, 1000, N]) {
        const pc = new PatternCounter(b, D, K);
        for (let a = 0; a < N; a += chunk) {
          const n = Math.min(chunk, N - a);
          pc.add(data.subarray(a * D, (a + n) * D), n, labels.subarray(a, a + n));
        }
        const got = pc.result();
        expect(got.patterns).toBe(want.patterns);
        expect(got.patterns).toBe(ref.patterns);
        expect(got.hT).toBeCloseTo(want.ixt, 12);
        expect(got.hT - got.hTgivenY).toBeCloseTo(want.ity, 12);
      }
    }
  });

  it('edgeCell follows numpy digitize with the wrap-around of the reference code', () => {
    const edges = linspaceEdgesF32(-1, 1, 5); // -1 -0.5 0 0.5 1
    expect([-2, -1, -0.75, -0.5, 0, 0.49, 0.5, 0.99, 1, 5, NaN].map((v) => edgeCell(v, edges))).toEqual([4, 0, 0, 1, 2, 2, 3, 3, 4, 4, 4]);
  });
});

describe('infoplane mi streams large files (forced with --chunk-rows) with the same answer', () => {
  it('npy and CSV, edges and width bins', () => {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const rows = Array.from({ length: 2000 }, () => Array.from({ length: 6 }, () => Math.fround(Math.tanh(3 * rnd() - 1.5))));
    const a = put('mi-act.npy', npy({ kind: 'f4', rows }));
    const c = put('mi-act.csv', rows.map((r) => r.join(',')).join('\n') + '\n');
    const l = put('mi-lab.json', JSON.stringify(rows.map((_, i) => (i * 7) % 5)));
    for (const bins of [['--bins', '8'], ['--bin-width', '0.25']]) {
      const whole = cli(['mi', '--activations', a, '--labels', l, ...bins]);
      expect(whole.code, whole.stderr).toBe(0);
      const w = JSON.parse(whole.stdout);
      for (const file of [a, c]) {
        const r = cli(['mi', '--activations', file, '--labels', l, ...bins, '--chunk-rows', '333']);
        expect(r.code, r.stderr).toBe(0);
        const got = JSON.parse(r.stdout);
        expect(got.streamed.chunks).toBe(7);
        expect([got.n, got.patterns, got.settings]).toEqual([w.n, w.patterns, w.settings]);
        expect(got.ixt).toBeCloseTo(w.ixt, 12);
        expect(got.ity).toBeCloseTo(w.ity, 12);
      }
    }
    const short = put('mi-short.json', JSON.stringify([0, 1, 2]));
    const bad = cli(['mi', '--activations', a, '--labels', short, '--chunk-rows', '100']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mi-short\.json: 3 labels but .*mi-act\.npy has more rows/);
  }, 60_000); // eight process starts: seconds each on a loaded machine
});
