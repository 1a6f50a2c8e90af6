// Seeded mutation fuzzing of every loader: valid files are mutated (byte and bit flips, truncations,
// insertions of troublesome tokens, deletions, header edits) and each loader must either load the
// file or throw InputError, never crash with another exception or hang.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/data/errors.js';
import { parseCsv, parseJson, parseNpy } from '../src/data/parse.js';
import { datasetFromTable } from '../src/data/table.js';
import { matCompressed, matDataset, matFile, matMatrixElement, parseMat } from '../src/data/mat.js';
import { nodeInflate } from '../src/data/files.js';
import { streamRows } from '../src/data/stream.js';
import { TestData } from './helpers/data.js';

export const FILES_PER_LOADER = 3000;
const PER_FILE_LIMIT_MS = 5000; // a hang detector, not a speed test

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const enc = new TextEncoder();
const TOKENS = [',', ';', '\t', ' ', '\n', '\r\n', '#', '-', '+', '.', 'e', 'E', '0', '9', '1e999', '-1e999', 'NaN', 'inf',
  '-Infinity', 'x', '"', '[', ']', '{', '}', ':', 'null', 'true', '1.5', '-3', '65536', '\u00e9', '\ufeff', '\0',
  "'descr': '<f8'", "'shape': (99999999999, 3)", "'fortran_order': True", '(', ')', 'L'].map((t) => enc.encode(t));

/** One seeded mutation of `base` (never the identical bytes twice in a row by construction of the mix). */
function mutate(base: Uint8Array, g: TestData, headerLen: number): Uint8Array {
  let b = base.slice();
  const rounds = 1 + g.int(4);
  for (let r = 0; r < rounds; r++) {
    const kind = g.int(8);
    const at = b.length ? g.int(b.length) : 0;
    if (kind === 0 && b.length) b[at] = g.int(256); // byte flip
    else if (kind === 1 && b.length) b[at] ^= 1 << g.int(8); // bit flip
    else if (kind === 2) b = b.slice(0, g.int(b.length + 1)); // truncation
    else if (kind === 3) { // insertion of a token
      const t = TOKENS[g.int(TOKENS.length)];
      b = Uint8Array.from([...b.subarray(0, at), ...t, ...b.subarray(at)]);
    } else if (kind === 4) { // deletion of a short run
      b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + 1 + g.int(8)))]);
    } else if (kind === 5 && headerLen > 0) { // header edit: a random byte or u32 inside the header
      const h = g.int(Math.min(headerLen, b.length) || 1);
      if (g.int(2) && h + 4 <= b.length) new DataView(b.buffer).setUint32(h, g.int(2) ? 0xffffffff : g.int(1 << 30), true);
      else if (h < b.length) b[h] = g.int(256);
    } else if (kind === 6 && b.length) { // duplicate a slice (lying lengths, repeated rows)
      const n = g.int(64);
      b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + n), ...b.subarray(at)]);
    } else if (b.length) { // overwrite with a run of one byte
      b.fill(g.int(256), at, at + 1 + g.int(16));
    }
  }
  return b;
}

interface Outcome { loaded: number; rejected: number; maxMs: number; other: string[] }

function fuzz(name: string, bases: Uint8Array[], headerLen: (b: Uint8Array) => number, load: (bytes: Uint8Array, file: string) => unknown, seed: number): Outcome {
  const g = new TestData(seed, 777);
  const out: Outcome = { loaded: 0, rejected: 0, maxMs: 0, other: [] };
  for (let i = 0; i < FILES_PER_LOADER; i++) {
    const base = bases[i % bases.length];
    const bytes = mutate(base, g, headerLen(base));
    const t0 = performance.now();
    try {
      load(bytes, `fuzz-${i}.${name}`);
      out.loaded++;
    } catch (e) {
      if (e instanceof InputError) out.rejected++;
      else if (out.other.length < 5) out.other.push(`file ${i}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
    out.maxMs = Math.max(out.maxMs, performance.now() - t0);
  }
  return out;
}

function expectClean(o: Outcome): void {
  if (process.env.FUZZ_STATS) console.log(JSON.stringify(o));
  expect(o.other).toEqual([]);
  expect(o.loaded + o.rejected).toBe(FILES_PER_LOADER);
  expect(o.rejected).toBeGreaterThan(FILES_PER_LOADER / 4); // the mutations do reach the checks
  expect(o.maxMs).toBeLessThan(PER_FILE_LIMIT_MS);
}

// ---------------------------------------------------------------------------------------------
// Valid base files

const g0 = new TestData(1, 5);
function table(rows: number, cols: number, K: number): number[][] {
  return Array.from({ length: rows }, () => [...Array.from({ length: cols }, () => Math.round(g0.uniform(-2, 2) * 1000) / 1000), g0.int(K)]);
}
const tables = [table(12, 3, 2), table(30, 5, 4), table(8, 1, 3)];

const csvBases = [
  enc.encode('a,b,c,y\n' + tables[0].map((r) => r.join(',')).join('\n') + '\n'),
  enc.encode(tables[1].map((r) => r.join(' ')).join('\n')),
  enc.encode('# comment\nx;label\r\n' + tables[2].map((r) => r.join(';')).join('\r\n') + '\r\n'),
];
const jsonBases = [
  enc.encode(JSON.stringify(tables[0])),
  enc.encode(JSON.stringify({ X: tables[1].map((r) => r.slice(0, -1)), y: tables[1].map((r) => r[r.length - 1]) })),
  enc.encode(JSON.stringify({ X: tables[2].map((r) => r.slice(0, -1)), y: tables[2].map((r) => r[r.length - 1]) }, null, 1)),
];

function npy(rows: number[][], descr: string, fortran: boolean, major = 1): Uint8Array {
  const r = rows.length, c = rows[0].length;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${r}, ${c}), }`;
  const pre = major === 1 ? 10 : 12;
  const padded = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const size = descr.endsWith('8') ? 8 : descr.endsWith('4') ? 4 : 1;
  const out = new Uint8Array(pre + padded.length + r * c * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const d = new DataView(out.buffer);
  if (major === 1) d.setUint16(8, padded.length, true); else d.setUint32(8, padded.length, true);
  out.set(enc.encode(padded), pre);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const k = fortran ? j * r + i : i * c + j, o = pre + padded.length + k * size;
      if (size === 8) d.setFloat64(o, rows[i][j], true);
      else if (size === 4) d.setFloat32(o, rows[i][j], true);
      else d.setUint8(o, Math.abs(Math.round(rows[i][j])));
    }
  }
  return out;
}
const npyBases = [npy(tables[0], '<f8', false), npy(tables[1], '<f4', true, 2), npy(tables[2].map((r) => r.map(Math.abs)), '|u1', false, 3)];
const npyHeaderLen = (b: Uint8Array) => (b[6] === 1 ? 10 + (b[8] | (b[9] << 8)) : 12 + (b[8] | (b[9] << 8)));

function matOf(rows: number[][], compressed: boolean, le = true): Uint8Array {
  const X = rows.map((r) => r.slice(0, -1)), y = rows.map((r) => r[r.length - 1]);
  const els = [matMatrixElement('F', X.length, X[0].length, X.flat(), le), matMatrixElement('y', 1, y.length, y, le)];
  return matFile(compressed ? els.map((e) => matCompressed(deflateSync(e), le)) : els, le);
}
const matBases = [matOf(tables[0], false), matOf(tables[1], true), matOf(tables[2], false, false), matOf(tables[0], true, false)];

describe('fuzz: every loader loads or throws InputError', () => {
  it('the base files load', () => {
    for (const b of csvBases) expect(datasetFromTable(parseCsv(b, 'base.csv'), 'b', 'base.csv').nRows).toBeGreaterThan(0);
    for (const b of jsonBases) expect(datasetFromTable(parseJson(b, 'base.json'), 'b', 'base.json').nRows).toBeGreaterThan(0);
    for (const b of npyBases) expect(datasetFromTable(parseNpy(b, 'base.npy'), 'b', 'base.npy').nRows).toBeGreaterThan(0);
    for (const b of matBases) expect(matDataset(parseMat(b, 'base.mat', nodeInflate), 'b', 'base.mat').nRows).toBeGreaterThan(0);
  });

  it(`CSV: ${FILES_PER_LOADER} mutated files`, () => {
    expectClean(fuzz('csv', csvBases, () => 0, (b, f) => datasetFromTable(parseCsv(b, f), 'd', f), 11));
  });

  it(`JSON: ${FILES_PER_LOADER} mutated files`, () => {
    expectClean(fuzz('json', jsonBases, () => 0, (b, f) => datasetFromTable(parseJson(b, f), 'd', f), 12));
  });

  it(`npy: ${FILES_PER_LOADER} mutated files`, () => {
    expectClean(fuzz('npy', npyBases, npyHeaderLen, (b, f) => datasetFromTable(parseNpy(b, f), 'd', f), 13));
  });

  it(`mat: ${FILES_PER_LOADER} mutated files (compressed and plain, both byte orders)`, () => {
    expectClean(fuzz('mat', matBases, () => 128 + 64, (b, f) => matDataset(parseMat(b, f, nodeInflate), 'd', f), 14));
  });

  it(`mat: ${FILES_PER_LOADER} files whose compressed content is mutated before compression`, () => {
    const inner = [tables[0], tables[1]].map((t) => {
      const X = t.map((r) => r.slice(0, -1));
      return matMatrixElement('X', X.length, X[0].length, X.flat());
    });
    const load = (b: Uint8Array, f: string) => {
      const ys = tables[0].map((r) => r[r.length - 1]);
      const file = matFile([matCompressed(deflateSync(b)), matMatrixElement('y', ys.length, 1, ys)]);
      return matDataset(parseMat(file, f, nodeInflate), 'd', f);
    };
    expectClean(fuzz('mat', inner, () => 64, load, 15));
  });

  it('streamed npy and CSV (400 files each, through the disk)', () => {
    for (const [ext, bases, hl] of [['npy', npyBases, npyHeaderLen], ['csv', csvBases, () => 0]] as const) {
      const g = new TestData(16, ext.length);
      let rejected = 0;
      for (let i = 0; i < 400; i++) {
        const file = path.join(dir, `s${i}.${ext}`);
        fs.writeFileSync(file, mutate(bases[i % bases.length], g, hl(bases[i % bases.length])));
        try {
          for (const c of streamRows(file, 1 + (i % 7))) expect(c.data.length).toBe(c.rows * c.cols);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          rejected++;
        }
        fs.rmSync(file);
      }
      expect(rejected).toBeGreaterThan(40);
    }
  });
});
