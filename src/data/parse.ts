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

/** The extensions read as delimited text. */
export const isTextTable = (ext: string): boolean => ext === '.csv' || ext === '.tsv' || ext === '.txt';

/** Parses by the file name's extension: .csv/.tsv/.txt, .json or .npy. */
export function parseMatrix(bytes: Uint8Array, file: string): Matrix {
  const ext = extension(file);
  if (isTextTable(ext)) return parseCsv(bytes, file);
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
  if (delim === 'space') return line.trim().split(/\s+/).map(unquote);
  if (!line.includes('"')) return line.split(delim).map((f) => f.trim());
  // RFC 4180 quoting, as R's write.csv and spreadsheets write headers: "x1","y" (a delimiter inside
  // quotes is part of the field, "" is one quote)
  const fields: string[] = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') { field += '"'; i++; }
      else quoted = false;
    } else if (ch === '"' && field.trim() === '') { field = ''; quoted = true; }
    else if (ch === delim) { fields.push(field.trim()); field = ''; }
    else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

/** "x1" -> x1 for whitespace-separated fields. */
const unquote = (f: string) => (f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f);

/**
 * Delimited text, line by line (parseCsv below, and the streaming reader in stream.ts). The
 * delimiter is the first of , ; TAB found in the first content line, else runs of whitespace
 * (numpy.savetxt's default), and must then be used throughout. The first line is a header when any
 * of its fields is not a number. Lines starting with # are comments; blank lines at the end are
 * ignored, blank lines between data lines are an error (they usually mean a concatenation went wrong).
 */
export class CsvLines {
  header?: string[];
  cols = 0;
  rows = 0;
  private delim: Delimiter | null = null;
  private blankLine = 0; // line number of a blank line seen after data, if any

  constructor(readonly file: string) {}

  /** One line (1-based lineNo, without its newline); a data row's values go to `out`. */
  line(raw: string, lineNo: number, out: { push(v: number): void }): void {
    const { file } = this;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '') {
      if (this.delim !== null && this.blankLine === 0) this.blankLine = lineNo;
      return;
    }
    if (trimmed.startsWith('#')) return;
    if (this.blankLine) throw new InputError(file, `line ${this.blankLine}`, 'blank line between data lines');

    if (this.delim === null) {
      const bare = line.replace(/"(?:[^"]|"")*"/g, ''); // a delimiter inside a quoted field does not count
      const delim: Delimiter = bare.includes(',') ? ',' : bare.includes(';') ? ';' : bare.includes('\t') ? '\t' : 'space';
      this.delim = delim;
      const fields = splitFields(line, delim);
      this.cols = fields.length;
      const values = fields.map((f, j) => fieldValue(f, file, `line ${lineNo}, column ${j + 1}`));
      if (values.some((v) => v === null)) {
        this.header = fields;
        return;
      }
      for (const v of values) out.push(v as number);
      this.rows++;
      return;
    }

    const delim = this.delim, cols = this.cols;
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
        const shown = fields[j].length > 40 ? fields[j].slice(0, 40) + '...' : fields[j];
        throw new InputError(file, where, fields[j] === '' ? 'empty field' : `${JSON.stringify(shown)} is not a number`);
      }
      out.push(v);
    }
    this.rows++;
  }

  /** After the last line: a file must hold at least one data row. */
  finish(): void {
    if (this.rows === 0) throw new InputError(this.file, '', this.header ? 'a header but no data rows' : 'no data rows');
  }
}

/** A whole delimited-text file (see CsvLines). */
export function parseCsv(input: Uint8Array | string, file: string): Matrix {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const decoder = new TextDecoder('utf-8');
  const out = new Column();
  const csv = new CsvLines(file);
  let pos = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // skip a UTF-8 BOM
  // Decode one line at a time so a large file never becomes one huge JS string.
  for (let lineNo = 1; pos < bytes.length; lineNo++) {
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = bytes.length;
    csv.line(decoder.decode(bytes.subarray(pos, end)), lineNo, out);
    pos = end + 1;
  }
  csv.finish();
  return { rows: csv.rows, cols: csv.cols, data: out.data.slice(0, out.length), header: csv.header };
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
  const tooDeep = nestingPast(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    throw new InputError(file, jsonErrorPlace(text, `position ${tooDeep}`), `nested more than ${MAX_JSON_DEPTH} levels deep; a dataset is rows of numbers or {"X": rows, "y": labels}`);
  }
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

/** A dataset needs 3 levels ({"X": [[...]]}); deep nesting would only exhaust the stack of
 *  JSON.parse or of code walking the value. */
const MAX_JSON_DEPTH = 64;

/** The offset of the bracket that opens level `max` + 1 (outside strings), or -1. */
function nestingPast(text: string, max: number): number {
  let depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) { if (++depth > max) return i; }
    else if (c === 93 || c === 125) depth--;
  }
  return -1;
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
    // nesting is capped (MAX_JSON_DEPTH) before parsing, so this cannot overflow the stack
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

export type Reader = (view: DataView, offset: number) => number;

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

/** What an .npy header says; data starts at dataStart and holds rows * cols items of itemSize bytes. */
export interface NpyHeader {
  descr: string; itemSize: number; read: Reader; fortran: boolean; rows: number; cols: number; dataStart: number;
  shapeText: string;
  /** The full shape; rows = shape[0], cols = the product of the others (1 for 1-D). */
  shape: number[];
}

/**
 * Parses and checks the header of an .npy file from its first bytes (at least the whole header:
 * 10 + 65535 bytes always suffice for versions 1 and 2) and the file's total length, so that a
 * streaming reader can check a file without reading its data.
 */
export function parseNpyHeader(bytes: Uint8Array, fileLength: number, file: string, maxDims = 2): NpyHeader {
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
  if (dataStart > fileLength) {
    throw new InputError(file, 'header', `truncated: header says ${headerLen} bytes, file ends after ${fileLength - headerStart}`);
  }
  if (dataStart > bytes.length) throw new InputError(file, 'header', `header of ${headerLen} bytes is too long to read`);
  // Versions 1 and 2 use latin1 headers, version 3 UTF-8; the fields we read are ASCII either way.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    const shown = header.trim().slice(0, 120);
    throw new InputError(file, 'header', `cannot read descr, fortran_order and shape from ${JSON.stringify(shown)}`);
  }

  const order = descr[0];
  const kind = '<>|='.includes(order) ? descr.slice(1) : descr;
  const dtype = Object.hasOwn(DTYPES, kind) ? DTYPES[kind] : undefined;
  if (!dtype) throw new InputError(file, 'header', `unsupported dtype ${JSON.stringify(descr)} (expected float32/64, (u)int8-64 or bool)`);
  const [size, read] = dtype;
  if (order === '>' && size > 1) throw new InputError(file, 'header', `big-endian dtype "${descr}" is not supported`);

  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : NaN));
  if (shape.length < 1 || shape.length > maxDims || shape.some((n) => !Number.isSafeInteger(n))) {
    throw new InputError(file, 'header', `shape (${shapeText}) is not ${maxDims === 2 ? '1-D or 2-D' : `1-D to ${maxDims}-D`}`);
  }
  const rows = shape[0];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  if (rows === 0 || cols === 0) throw new InputError(file, 'header', `shape (${shapeText}) holds no data`);

  const need = rows * cols * size;
  const have = fileLength - dataStart;
  if (have !== need) {
    throw new InputError(file, 'data', `header shape (${shapeText}) of ${descr} needs ${need} bytes, file has ${have}` +
      (have < need ? ' (truncated)' : ''));
  }
  return { descr, itemSize: size, read, fortran: fortran === 'True', rows, cols, dataStart, shapeText, shape };
}

/** A 1-D array (read as one column) or a 2-D array, in C or Fortran order. */
export function parseNpy(bytes: Uint8Array, file: string): Matrix {
  const h = parseNpyHeader(bytes, bytes.length, file);
  const { rows, cols, itemSize: size, read, dataStart } = h;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = h.fortran ? j * rows + i : i * cols + j;
      const v = read(view, dataStart + k * size);
      if (!Number.isFinite(v)) throw new InputError(file, `row ${i + 1}, column ${j + 1}`, `${v} is not a finite number`);
      data[i * cols + j] = v;
    }
  }
  return { rows, cols, data };
}
