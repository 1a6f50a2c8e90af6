// Parsers from bytes to a numeric matrix. Pure (no Node imports) so the browser UI can use them
// on a dropped File's bytes. Every malformed input throws InputError naming the file and the place:
// CSV places are "line L, column C" (1-based, as editors show them), JSON places are paths such as
// X[2][1] (0-based, as the JSON reads), npy places are "row R, column C" (1-based).
import { InputError } from './errors.js';

export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major rows x cols. */
  data: Float64Array;
  /** Column names, when a CSV file had a header row. */
  header?: string[];
}

/** Parses by the file name's extension: .csv/.tsv/.txt, .json or .npy. */
export function parseMatrix(bytes: Uint8Array, file: string): Matrix {
  const ext = extension(file);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return parseCsv(bytes, file);
  if (ext === '.json') return parseJson(bytes, file);
  if (ext === '.npy') return parseNpy(bytes, file);
  throw new InputError(file, '', `unknown file type "${ext}" (expected .csv, .tsv, .txt, .json or .npy)`);
}

function extension(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

// ---------------------------------------------------------------------------------------------
// Numbers in text

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** The finite value of a numeric field; null for text (which may be a header); throws otherwise. */
function fieldValue(s: string, file: string, where: string): number | null {
  if (NUMBER.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(file, where, `${s} is out of range`);
    return v;
  }
  if (NON_FINITE.test(s)) throw new InputError(file, where, `${s} is not a finite number`);
  return null;
}

/** Growable Float64Array: the row count of text formats is unknown until the end. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

type Delimiter = ',' | ';' | '\t' | 'space';

function splitFields(line: string, delim: Delimiter): string[] {
  if (delim === 'space') return line.trim().split(/\s+/);
  return line.split(delim).map((f) => f.trim());
}

/**
 * Delimited text. The delimiter is the first of , ; TAB found in the first content line, else runs
 * of whitespace (numpy.savetxt's default), and must then be used throughout. The first line is a
 * header when any of its fields is not a number. Lines starting with # are comments; blank lines
 * at the end are ignored, blank lines between data lines are an error (they usually mean a
 * concatenation went wrong).
 */
export function parseCsv(input: Uint8Array | string, file: string): Matrix {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const decoder = new TextDecoder('utf-8');
  const out = new Column();
  let delim: Delimiter | null = null;
  let header: string[] | undefined;
  let cols = 0;
  let rows = 0;
  let blankLine = 0; // line number of a blank line seen after data, if any
  let pos = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // skip a UTF-8 BOM

  // Decode one line at a time so a large file never becomes one huge JS string.
  for (let lineNo = 1; pos < bytes.length; lineNo++) {
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = bytes.length;
    const line = decoder.decode(bytes.subarray(pos, end)).replace(/\r$/, '');
    pos = end + 1;

    const trimmed = line.trim();
    if (trimmed === '') {
      if (delim !== null && blankLine === 0) blankLine = lineNo;
      continue;
    }
    if (trimmed.startsWith('#')) continue;
    if (blankLine) throw new InputError(file, `line ${blankLine}`, 'blank line between data lines');

    if (delim === null) {
      delim = line.includes(',') ? ',' : line.includes(';') ? ';' : line.includes('\t') ? '\t' : 'space';
      const fields = splitFields(line, delim);
      cols = fields.length;
      const values = fields.map((f, j) => fieldValue(f, file, `line ${lineNo}, column ${j + 1}`));
      if (values.some((v) => v === null)) {
        header = fields;
        continue;
      }
      for (const v of values) out.push(v as number);
      rows++;
      continue;
    }

    const fields = splitFields(line, delim);
    if (fields.length !== cols) {
      const shown = delim === 'space' ? 'whitespace' : delim === '\t' ? 'TAB' : `"${delim}"`;
      throw new InputError(file, `line ${lineNo}`,
        `${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${cols} (the delimiter is ${shown})`);
    }
    for (let j = 0; j < cols; j++) {
      const where = `line ${lineNo}, column ${j + 1}`;
      const v = fieldValue(fields[j], file, where);
      if (v === null) {
        throw new InputError(file, where, fields[j] === '' ? 'empty field' : `${JSON.stringify(fields[j])} is not a number`);
      }
      out.push(v);
    }
    rows++;
  }
  if (rows === 0) throw new InputError(file, '', header ? 'a header but no data rows' : 'no data rows');
  return { rows, cols, data: out.data.slice(0, out.length), header };
}

// ---------------------------------------------------------------------------------------------
// JSON

/**
 * An array of rows (arrays of numbers), a 1-D array of numbers (one column), or a dataset object
 * {"X": rows, "y": labels} (the reference implementation's shape). For the object, the result is
 * X with y appended as its last column: the same layout as a dataset CSV or npy.
 */
export function parseJson(input: Uint8Array | string, file: string): Matrix {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 sometimes quotes the offending text in its message; keep the message to one short line.
    const message = (e as Error).message.replace(/, ".*" is not valid JSON$/s, '').replace(/\s+/g, ' ');
    throw new InputError(file, jsonErrorPlace(text, message), `invalid JSON: ${message}`);
  }
  if (Array.isArray(value)) return jsonMatrix(value, file, '');
  if (value !== null && typeof value === 'object' && 'X' in value) {
    const obj = value as { X: unknown; y?: unknown };
    if (!('y' in obj)) throw new InputError(file, 'top level', 'an object with "X" needs "y" (one label per row)');
    const X = jsonMatrix(obj.X, file, 'X');
    const y = jsonMatrix(obj.y, file, 'y');
    if (y.cols !== 1) throw new InputError(file, 'y', `expected one label per row, found rows of ${y.cols} values`);
    if (y.rows !== X.rows) throw new InputError(file, 'y', `${y.rows} labels for ${X.rows} rows of X`);
    const data = new Float64Array(X.rows * (X.cols + 1));
    for (let i = 0; i < X.rows; i++) {
      data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * (X.cols + 1));
      data[i * (X.cols + 1) + X.cols] = y.data[i];
    }
    return { rows: X.rows, cols: X.cols + 1, data };
  }
  throw new InputError(file, 'top level', 'expected an array of rows or an object {"X": rows, "y": labels}');
}

/** "line L, column C" from the "position N" that V8 puts in JSON syntax errors, when present. */
function jsonErrorPlace(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const at = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `line ${line}, column ${at - before.lastIndexOf('\n')}`;
}

function jsonNumber(v: unknown, file: string, where: string): number {
  if (typeof v !== 'number') {
    const shown = JSON.stringify(v) ?? String(v);
    throw new InputError(file, where, `${shown.length > 40 ? shown.slice(0, 40) + '...' : shown} is not a number`);
  }
  if (!Number.isFinite(v)) throw new InputError(file, where, 'number out of range');
  return v;
}

function jsonMatrix(v: unknown, file: string, name: string): Matrix {
  if (!Array.isArray(v)) throw new InputError(file, name || 'top level', 'expected an array');
  if (v.length === 0) throw new InputError(file, name || 'top level', 'no rows');
  const rows = v.length;
  if (!Array.isArray(v[0])) {
    // A 1-D array is one column.
    const data = new Float64Array(rows);
    for (let i = 0; i < rows; i++) data[i] = jsonNumber(v[i], file, `${name}[${i}]`);
    return { rows, cols: 1, data };
  }
  const cols = (v[0] as unknown[]).length;
  if (cols === 0) throw new InputError(file, `${name}[0]`, 'empty row');
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = v[i];
    if (!Array.isArray(row)) throw new InputError(file, `${name}[${i}]`, 'expected a row (an array of numbers)');
    if (row.length !== cols) throw new InputError(file, `${name}[${i}]`, `${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = jsonNumber(row[j], file, `${name}[${i}][${j}]`);
  }
  return { rows, cols, data };
}

// ---------------------------------------------------------------------------------------------
// NumPy .npy (format versions 1.0, 2.0, 3.0)

type Reader = (view: DataView, offset: number) => number;

// Item size and little-endian reader of each supported dtype (the descr without its byte-order char).
const DTYPES: Record<string, [number, Reader]> = {
  f4: [4, (d, o) => d.getFloat32(o, true)],
  f8: [8, (d, o) => d.getFloat64(o, true)],
  b1: [1, (d, o) => (d.getUint8(o) ? 1 : 0)],
  u1: [1, (d, o) => d.getUint8(o)],
  i1: [1, (d, o) => d.getInt8(o)],
  u2: [2, (d, o) => d.getUint16(o, true)],
  i2: [2, (d, o) => d.getInt16(o, true)],
  u4: [4, (d, o) => d.getUint32(o, true)],
  i4: [4, (d, o) => d.getInt32(o, true)],
  u8: [8, (d, o) => Number(d.getBigUint64(o, true))],
  i8: [8, (d, o) => Number(d.getBigInt64(o, true))],
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** A 1-D array (read as one column) or a 2-D array, in C or Fortran order. */
export function parseNpy(bytes: Uint8Array, file: string): Matrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(file, 'header', 'not a .npy file (wrong magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new InputError(file, 'header', `unsupported .npy format version ${major}.${bytes[7]}`);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new InputError(file, 'header', 'truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new InputError(file, 'header', `truncated: header says ${headerLen} bytes, file ends after ${bytes.length - headerStart}`);
  }
  // Versions 1 and 2 use latin1 headers, version 3 UTF-8; the fields we read are ASCII either way.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(file, 'header', `cannot read descr, fortran_order and shape from ${JSON.stringify(header.trim())}`);
  }

  const order = descr[0];
  const kind = '<>|='.includes(order) ? descr.slice(1) : descr;
  const dtype = DTYPES[kind];
  if (!dtype) throw new InputError(file, 'header', `unsupported dtype "${descr}" (expected float32/64, (u)int8-64 or bool)`);
  const [size, read] = dtype;
  if (order === '>' && size > 1) throw new InputError(file, 'header', `big-endian dtype "${descr}" is not supported`);

  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new InputError(file, 'header', `shape (${shapeText}) is not 1-D or 2-D`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  if (rows === 0 || cols === 0) throw new InputError(file, 'header', `shape (${shapeText}) holds no data`);

  const need = rows * cols * size;
  const have = bytes.length - dataStart;
  if (have !== need) {
    throw new InputError(file, 'data', `header shape (${shapeText}) of ${descr} needs ${need} bytes, file has ${have}` +
      (have < need ? ' (truncated)' : ''));
  }

  const data = new Float64Array(rows * cols);
  const isFortran = fortran === 'True';
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = isFortran ? j * rows + i : i * cols + j;
      const v = read(view, dataStart + k * size);
      if (!Number.isFinite(v)) throw new InputError(file, `row ${i + 1}, column ${j + 1}`, `${v} is not a finite number`);
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}
