// Node-only: a numeric matrix file read in chunks of rows, so memory stays bounded by the chunk
// whatever the file's size (`infoplane mi` on a 1,000,000 x 1,000 float32 .npy of 4 GB). .npy
// files are read by offset (C or Fortran order), CSV files line by line. Values are checked as
// the whole-file parsers check them, with the same places in messages.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors.js';
import { CsvLines, isTextTable, parseNpyHeader } from './parse.js';
import { openRegular } from './files.js';

export interface RowChunk {
  /** 0-based index of the chunk's first row. */
  first: number;
  rows: number;
  cols: number;
  /** rows x cols, row-major, rounded to float32 (the activations' type in the core). */
  data: Float32Array;
}


function readAt(fd: number, buf: Uint8Array, pos: number, file: string): void {
  for (let off = 0; off < buf.length;) {
    const n = fs.readSync(fd, buf, off, buf.length - off, pos + off);
    if (n === 0) throw new InputError(file, '', `file ended at byte ${pos + off} while reading (changed while being read?)`);
    off += n;
  }
}

/** Rows and columns of an .npy file from its header alone (the data is checked against it). */
export function npyShape(file: string): { rows: number; cols: number } {
  const fd = openRegular(file);
  try {
    const h = readNpyHeader(fd, file);
    return { rows: h.rows, cols: h.cols };
  } finally {
    fs.closeSync(fd);
  }
}

/** The parsed header of an open .npy file (at most the largest v1-v3 header is read). */
function readNpyHeader(fd: number, file: string): ReturnType<typeof parseNpyHeader> {
  const size = fs.fstatSync(fd).size;
  const head = new Uint8Array(Math.min(size, 12 + 65535 + 16));
  readAt(fd, head, 0, file);
  return parseNpyHeader(head, size, file);
}

/** Chunks of at most chunkRows rows of a .npy, .csv/.tsv/.txt file. */
export function* streamRows(file: string, chunkRows: number): Generator<RowChunk> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') yield* streamNpy(file, chunkRows);
  else if (isTextTable(ext)) yield* streamCsv(file, chunkRows);
  else throw new InputError(file, '', `cannot stream "${ext}" files (expected .npy, .csv, .tsv or .txt)`);
}

function* streamNpy(file: string, chunkRows: number): Generator<RowChunk> {
  const fd = openRegular(file);
  try {
    const h = readNpyHeader(fd, file);
    const { rows, cols, itemSize, read, dataStart } = h;
    const step = Math.max(1, Math.min(chunkRows, Math.floor(2 ** 28 / (cols * itemSize)) || 1));
    const raw = new Uint8Array(step * cols * itemSize);
    const view = new DataView(raw.buffer);
    for (let first = 0; first < rows; first += step) {
      const n = Math.min(step, rows - first);
      const data = new Float32Array(n * cols);
      if (!h.fortran) {
        const bytes = raw.subarray(0, n * cols * itemSize);
        readAt(fd, bytes, dataStart + first * cols * itemSize, file);
        for (let k = 0; k < n * cols; k++) data[k] = check(read(view, k * itemSize), file, first + Math.floor(k / cols), k % cols);
      } else {
        // column j holds rows contiguously: one read per column per chunk
        for (let j = 0; j < cols; j++) {
          const bytes = raw.subarray(0, n * itemSize);
          readAt(fd, bytes, dataStart + (j * rows + first) * itemSize, file);
          for (let i = 0; i < n; i++) data[i * cols + j] = check(read(view, i * itemSize), file, first + i, j);
        }
      }
      yield { first, rows: n, cols, data };
    }
  } finally {
    fs.closeSync(fd);
  }
}

function check(v: number, file: string, row: number, col: number): number {
  if (!Number.isFinite(v)) throw new InputError(file, `row ${row + 1}, column ${col + 1}`, `${v} is not a finite number`);
  return v;
}

function* streamCsv(file: string, chunkRows: number): Generator<RowChunk> {
  const fd = openRegular(file);
  const csv = new CsvLines(file);
  const decoder = new TextDecoder('utf-8');
  let values: number[] = [];
  const sink = { push: (v: number) => { values.push(v); } };
  let first = 0;
  const flush = (): RowChunk => {
    const rows = values.length / csv.cols;
    const chunk = { first, rows, cols: csv.cols, data: Float32Array.from(values) };
    first += rows;
    values = [];
    return chunk;
  };
  try {
    const buf = new Uint8Array(1 << 20);
    let carry: Uint8Array = new Uint8Array(0);
    let lineNo = 1, pos = 0, atStart = true;
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, pos);
      pos += got;
      let bytes: Uint8Array = carry.length ? concat(carry, buf.subarray(0, got)) : buf.subarray(0, got);
      if (atStart && bytes.length >= 3) {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3); // UTF-8 BOM
        atStart = false;
      }
      let start = 0;
      for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
        csv.line(decoder.decode(bytes.subarray(start, nl)), lineNo++, sink);
        start = nl + 1;
        if (csv.rows - first >= chunkRows) yield flush();
      }
      carry = bytes.slice(start);
      if (got === 0) break;
      if (carry.length > 64 << 20) throw new InputError(file, `line ${lineNo}`, 'a line longer than 64 MB');
    }
    if (carry.length) csv.line(decoder.decode(carry), lineNo, sink);
    csv.finish();
    if (values.length) yield flush();
  } finally {
    fs.closeSync(fd);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
