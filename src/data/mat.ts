// MATLAB level-5 MAT-files (the reference code's var_u.mat): numeric matrices, plain or inside
// miCOMPRESSED (zlib) elements. Pure like parse.ts: the caller passes the zlib inflater (files.ts
// gives node:zlib's; a browser can pass its own), so this file stays importable in a browser while
// Node uses a native, checksum-verifying inflate instead of a hand-written one.
// Places are "byte B" (offset of an element in the file) and "variable NAME, row R, column C" (1-based).
import type { Dataset } from './dataset.js';
import { InputError } from './errors.js';
import { datasetClasses, MAX_LABEL } from './table.js';
import type { Matrix } from './parse.js';

/** zlib (RFC 1950) decompression that throws on corrupt input and on output beyond maxOutput bytes. */
export type Inflate = (compressed: Uint8Array, maxOutput: number) => Uint8Array;

export interface MatVariable {
  name: string;
  /** mxClass name: 'double', 'single', 'int8', ..., or 'cell', 'struct', 'char', 'sparse', ... */
  className: string;
  dims: number[];
  complex: boolean;
  /** Column-major values of a real numeric array; undefined for other classes. */
  values?: Float64Array;
  /** Offset of the variable's element in the file (for messages). */
  offset: number;
}

// Data types (miXXX) and their item sizes / little- or big-endian readers.
const MI_MATRIX = 14, MI_COMPRESSED = 15;
type Read = (d: DataView, o: number, le: boolean) => number;
const MI_TYPES: Record<number, [string, number, Read]> = {
  1: ['int8', 1, (d, o) => d.getInt8(o)],
  2: ['uint8', 1, (d, o) => d.getUint8(o)],
  3: ['int16', 2, (d, o, le) => d.getInt16(o, le)],
  4: ['uint16', 2, (d, o, le) => d.getUint16(o, le)],
  5: ['int32', 4, (d, o, le) => d.getInt32(o, le)],
  6: ['uint32', 4, (d, o, le) => d.getUint32(o, le)],
  7: ['single', 4, (d, o, le) => d.getFloat32(o, le)],
  9: ['double', 8, (d, o, le) => d.getFloat64(o, le)],
  12: ['int64', 8, (d, o, le) => Number(d.getBigInt64(o, le))],
  13: ['uint64', 8, (d, o, le) => Number(d.getBigUint64(o, le))],
  16: ['utf8', 1, (d, o) => d.getUint8(o)],
};
const CLASSES = ['', 'cell', 'struct', 'object', 'char', 'sparse', 'double', 'single', 'int8', 'uint8',
  'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'function', 'opaque'];
const isNumericClass = (c: number) => c >= 6 && c <= 15;

// deflate cannot expand data by more than about 1032:1, so this bounds memory without refusing valid files
const MAX_INFLATE_RATIO = 1032;

interface Element { type: number; start: number; size: number; next: number }

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly le: boolean, readonly file: string, readonly base: number, readonly inflate: Inflate) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(at: number, problem: string): never {
    throw new InputError(this.file, `byte ${this.base + at}`, problem);
  }

  /** The element whose tag is at `at`, within [at, end). */
  element(at: number, end: number, padded: boolean): Element {
    if (at + 8 > end) this.fail(at, `truncated element tag (${end - at} bytes left, need 8)`);
    const first = this.view.getUint32(at, this.le);
    if (first >>> 16 !== 0) { // small data element: size in the upper 16 bits, data in the tag
      const size = first >>> 16;
      if (size > 4) this.fail(at, `small data element claims ${size} bytes (at most 4)`);
      return { type: first & 0xffff, start: at + 4, size, next: at + 8 };
    }
    const size = this.view.getUint32(at + 4, this.le);
    if (size > end - at - 8) this.fail(at, `element of ${size} bytes runs past the end (${end - at - 8} bytes left): truncated or corrupt`);
    const next = at + 8 + (padded ? (size + 7) & ~7 : size);
    return { type: first, start: at + 8, size, next: Math.min(next, end) };
  }
}

/** Every top-level variable of a level-5 MAT-file. */
export function parseMat(bytes: Uint8Array, file: string, inflate: Inflate): MatVariable[] {
  if (bytes.length < 128) throw new InputError(file, 'header', `not a MAT-file: ${bytes.length} bytes, the header alone is 128`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) {
    throw new InputError(file, 'header', 'MATLAB 7.3 (HDF5) MAT-files are not supported: save with -v7 (or -v6)');
  }
  const e0 = bytes[126], e1 = bytes[127];
  const le = e0 === 0x49 && e1 === 0x4d; // "IM": written little-endian
  const be = e0 === 0x4d && e1 === 0x49; // "MI"
  if (!le && !be) throw new InputError(file, 'header', 'not a level-5 MAT-file (no "IM"/"MI" endian mark at bytes 126-127)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) throw new InputError(file, 'header', `unsupported MAT-file version 0x${version.toString(16)}`);

  const vars: MatVariable[] = [];
  const top = new Reader(bytes, le, file, 0, inflate);
  for (let at = 128; at < bytes.length;) {
    // a few zero bytes of padding may end a file
    if (bytes.length - at < 8 && bytes.subarray(at).every((b) => b === 0)) break;
    const el = top.element(at, bytes.length, true);
    if (el.type === MI_COMPRESSED) {
      const inner = inflateElement(top, el);
      const r = new Reader(inner, le, file, el.start, inflate);
      for (let p = 0; p < inner.length;) {
        const sub = r.element(p, inner.length, true);
        if (sub.type !== MI_MATRIX) r.fail(p, `compressed element holds data type ${sub.type}, expected a matrix (14)`);
        const v = readMatrixElement(r, sub, el.start - 8);
        if (v) vars.push(v);
        p = sub.next;
      }
      at = at + 8 + el.size; // compressed elements are not padded
    } else if (el.type === MI_MATRIX) {
      const v = readMatrixElement(top, el, at);
      if (v) vars.push(v);
      at = el.next;
    } else {
      top.fail(at, `unexpected top-level data type ${el.type} (expected a matrix (14) or compressed (15) element)`);
    }
  }
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.name)) throw new InputError(file, `byte ${v.offset}`, `variable "${v.name}" appears twice`);
    seen.add(v.name);
  }
  return vars;
}

function inflateElement(r: Reader, el: Element): Uint8Array {
  const max = Math.min(2 ** 31 - 1, MAX_INFLATE_RATIO * el.size + 1024);
  try {
    return r.inflate(r.bytes.subarray(el.start, el.start + el.size), max);
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, ' ');
    return r.fail(el.start - 8, `corrupt compressed element (${msg})`);
  }
}

/** One miMATRIX: flags, dimensions, name, real part (and imaginary part). Returns undefined for an
 *  empty placeholder element. Non-numeric classes are listed with their name but no values. */
function readMatrixElement(r: Reader, el: Element, offset: number): MatVariable | undefined {
  if (el.size === 0) return undefined;
  const end = el.start + el.size;
  const at0 = el.start;
  const flagsEl = r.element(at0, end, true);
  if (flagsEl.type !== 6 || flagsEl.size !== 8) r.fail(at0, 'array flags: expected 8 bytes of uint32');
  const flags = r.view.getUint32(flagsEl.start, r.le);
  const cls = flags & 0xff;
  const complex = (flags & 0x800) !== 0;
  if (cls === 0 || cls >= CLASSES.length) r.fail(flagsEl.start, `unknown array class ${cls}`);

  const dimsEl = r.element(flagsEl.next, end, true);
  if (dimsEl.type !== 5 || dimsEl.size % 4 !== 0 || dimsEl.size < 8) r.fail(flagsEl.next, 'dimensions: expected at least two int32 values');
  const dims: number[] = [];
  for (let i = 0; i < dimsEl.size / 4; i++) {
    const d = r.view.getInt32(dimsEl.start + 4 * i, r.le);
    if (d < 0) r.fail(dimsEl.start, `negative dimension ${d}`);
    dims.push(d);
  }

  const nameEl = r.element(dimsEl.next, end, true);
  if (nameEl.type !== 1 && nameEl.type !== 2) r.fail(dimsEl.next, `array name: data type ${nameEl.type}, expected int8 text`);
  const name = new TextDecoder('latin1').decode(r.bytes.subarray(nameEl.start, nameEl.start + nameEl.size));
  const base = { name, className: CLASSES[cls], dims, complex, offset: r.base + offset };
  if (!isNumericClass(cls)) return base; // cells, structs, text, sparse: listed, not read

  const count = dims.reduce((a, b) => a * b, 1);
  const realEl = r.element(nameEl.next, end, true);
  const t = MI_TYPES[realEl.type];
  if (!t || t[0] === 'utf8') r.fail(nameEl.next, `variable "${name}": unsupported data type ${realEl.type} for numeric values`);
  const [, size, read] = t;
  if (realEl.size !== count * size) {
    r.fail(nameEl.next, `variable "${name}": dimensions ${dims.join('x')} need ${count * size} bytes of ${t[0]}, the element has ${realEl.size}`);
  }
  if (complex) return base; // listed (and refused when used), values not read
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = read(r.view, realEl.start + i * size, r.le);
  return { ...base, values };
}

const describe = (v: MatVariable) => `${v.name} (${v.dims.join('x')} ${v.complex ? 'complex ' : ''}${v.className})`;

function listOf(vars: MatVariable[]): string {
  return vars.length ? vars.map(describe).join(', ') : 'no variables';
}

/** A real numeric 2-D variable as a row-major Matrix, every value finite. */
export function matVariableMatrix(v: MatVariable, file: string): Matrix {
  if (!v.values || v.complex) throw new InputError(file, `variable ${v.name}`, `is ${describe(v)}, not a real numeric matrix`);
  if (v.dims.length !== 2) throw new InputError(file, `variable ${v.name}`, `has ${v.dims.length} dimensions (${v.dims.join('x')}), expected 2`);
  const [rows, cols] = v.dims;
  if (rows === 0 || cols === 0) throw new InputError(file, `variable ${v.name}`, `is empty (${rows}x${cols})`);
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      const x = v.values[j * rows + i]; // column-major in the file
      if (!Number.isFinite(x)) throw new InputError(file, `variable ${v.name}, row ${i + 1}, column ${j + 1}`, `${x} is not a finite number`);
      data[i * cols + j] = x;
    }
  }
  return { rows, cols, data };
}

/** The file's only numeric variable as a matrix (for `infoplane mi --activations/--labels`). */
export function matSingleMatrix(vars: MatVariable[], file: string, prefer: readonly string[] = []): Matrix {
  for (const name of prefer) {
    const v = vars.find((x) => x.name === name);
    if (v) return matVariableMatrix(v, file);
  }
  const numeric = vars.filter((v) => v.values);
  if (numeric.length !== 1) throw new InputError(file, '', `expected one numeric variable, found ${listOf(vars)}`);
  return matVariableMatrix(numeric[0], file);
}

export const MAT_INPUT_NAMES = ['X', 'F', 'x', 'inputs', 'data'] as const;
export const MAT_LABEL_NAMES = ['y', 'Y', 'labels', 'label'] as const;

/**
 * A dataset from a MAT-file: inputs from the first variable named X, F (the reference code's
 * name), x, inputs or data, one row per sample; labels from `labelName` or y, Y, labels, label,
 * a vector (1xN or Nx1) of integers 0..65535 with one entry per input row.
 */
export function matDataset(vars: MatVariable[], name: string, file: string, labelName?: string): Dataset {
  const xv = vars.find((v) => (MAT_INPUT_NAMES as readonly string[]).includes(v.name) && v.name !== labelName);
  if (!xv) throw new InputError(file, '', `no input variable (named ${MAT_INPUT_NAMES.join(', ')}); the file holds ${listOf(vars)}`);
  const yv = labelName !== undefined ? vars.find((v) => v.name === labelName) : vars.find((v) => (MAT_LABEL_NAMES as readonly string[]).includes(v.name));
  if (!yv) {
    throw new InputError(file, '', labelName !== undefined ? `no variable "${labelName}" (--label-column); the file holds ${listOf(vars)}`
      : `no label variable (named ${MAT_LABEL_NAMES.join(', ')}); the file holds ${listOf(vars)}`);
  }
  const X = matVariableMatrix(xv, file);
  const Y = matVariableMatrix(yv, file);
  if (Y.rows !== 1 && Y.cols !== 1) throw new InputError(file, `variable ${yv.name}`, `is ${Y.rows}x${Y.cols}, expected a vector of labels`);
  const n = Y.rows * Y.cols;
  if (n !== X.rows) {
    throw new InputError(file, `variable ${yv.name}`, `${n} labels for the ${X.rows} rows of ${xv.name} (${X.rows}x${X.cols}): expected one label per row`);
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Y.data[i];
    if (!Number.isInteger(v) || v < 0 || v > MAX_LABEL) {
      throw new InputError(file, `variable ${yv.name}, element ${i + 1}`, `label ${v} is not an integer in 0..${MAX_LABEL}`);
    }
    y[i] = v;
  }
  const nClasses = datasetClasses(y, file, `variable ${yv.name}`);
  const Xf = new Float32Array(X.data.length);
  for (let i = 0; i < Xf.length; i++) {
    Xf[i] = X.data[i];
    if (!Number.isFinite(Xf[i])) {
      throw new InputError(file, `variable ${xv.name}, row ${Math.floor(i / X.cols) + 1}, column ${(i % X.cols) + 1}`, `${X.data[i]} is out of float32 range`);
    }
  }
  return { name, nRows: X.rows, nInputs: X.cols, nClasses, X: Xf, y };
}

// ---------------------------------------------------------------------------------------------
// Writing (used by the tests): uncompressed elements, or compressed by the caller's deflate.

/** The bytes of one miMATRIX element holding a real double matrix (row-major input). */
export function matMatrixElement(name: string, rows: number, cols: number, rowMajor: ArrayLike<number>, le = true): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const pad = (n: number) => (n + 7) & ~7;
  const body = 16 + 16 + 8 + pad(nameBytes.length) + 8 + pad(rows * cols * 8);
  const out = new Uint8Array(8 + body);
  const d = new DataView(out.buffer);
  let o = 0;
  const tag = (type: number, size: number) => { d.setUint32(o, type, le); d.setUint32(o + 4, size, le); o += 8; };
  tag(MI_MATRIX, body);
  tag(6, 8); d.setUint32(o, 6, le); o += 8; // class double
  tag(5, 8); d.setInt32(o, rows, le); d.setInt32(o + 4, cols, le); o += 8;
  tag(1, nameBytes.length); out.set(nameBytes, o); o += pad(nameBytes.length);
  tag(9, rows * cols * 8);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) { d.setFloat64(o, rowMajor[i * cols + j], le); o += 8; }
  return out;
}

/** A whole MAT-file from elements (each from matMatrixElement, or wrapped by matCompressed). */
export function matFile(elements: Uint8Array[], le = true): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by infoplane'));
  header.fill(0, 116, 124);
  header.set(le ? [0x00, 0x01, 0x49, 0x4d] : [0x01, 0x00, 0x4d, 0x49], 124);
  const total = 128 + elements.reduce((a, e) => a + e.length, 0);
  const out = new Uint8Array(total);
  out.set(header);
  let o = 128;
  for (const e of elements) { out.set(e, o); o += e.length; }
  return out;
}

/** An miCOMPRESSED element around zlib-compressed element bytes. */
export function matCompressed(zlibBytes: Uint8Array, le = true): Uint8Array {
  const out = new Uint8Array(8 + zlibBytes.length);
  const d = new DataView(out.buffer);
  d.setUint32(0, MI_COMPRESSED, le);
  d.setUint32(4, zlibBytes.length, le);
  out.set(zlibBytes, 8);
  return out;
}
