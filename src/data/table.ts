// Pure conversions from a parsed Matrix to labels and datasets (no Node imports: the browser UI
// builds datasets from dropped files with these too).
import type { Dataset } from './dataset.js';
import { InputError } from './errors.js';
import type { Matrix } from './parse.js';

/** Labels index a softmax output and count tables, so they must be small non-negative integers. */
export const MAX_LABEL = 65535;

/** Column `col` of m as labels; places are "data row R" (1-based, not counting a CSV header). */
export function labelsFromColumn(m: Matrix, col: number, file: string): Int32Array {
  const y = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i * m.cols + col];
    if (!Number.isInteger(v) || v < 0 || v > MAX_LABEL) {
      const where = m.cols === 1 ? `data row ${i + 1}` : `data row ${i + 1}, column ${col + 1}`;
      throw new InputError(file, where, `label ${v} is not an integer in 0..${MAX_LABEL}`);
    }
    y[i] = v;
  }
  return y;
}

/** A labels file: exactly one column (a 1-D npy/JSON array reads as one column). */
export function labelsFromMatrix(m: Matrix, file: string): Int32Array {
  if (m.cols !== 1) throw new InputError(file, '', `expected one column of labels, found ${m.cols} columns`);
  return labelsFromColumn(m, 0, file);
}

/**
 * Which column of m holds the labels: `spec` is a header name, a 0-based index, or undefined /
 * 'last' for the last column. A name wins over an index when the header has a field of that text.
 */
export function labelColumnIndex(m: Matrix, file: string, spec?: string): number {
  if (spec === undefined || spec === 'last') return m.cols - 1;
  const named: number[] = [];
  m.header?.forEach((h, j) => { if (h === spec) named.push(j); });
  if (named.length > 1) throw new InputError(file, 'header', `--label-column "${spec}" names ${named.length} columns (0-based ${named.join(', ')})`);
  if (named.length === 1) return named[0];
  if (/^\d+$/.test(spec)) {
    const j = Number(spec);
    if (j >= m.cols) throw new InputError(file, '', `--label-column ${spec} is past the last column (the file has ${m.cols} columns, 0..${m.cols - 1})`);
    return j;
  }
  throw new InputError(file, 'header', m.header
    ? `--label-column "${spec}" is not a column name (${m.header.map((h) => JSON.stringify(h)).join(', ')}) nor a 0-based index`
    : `--label-column "${spec}" is not a 0-based column index, and the file has no header row to name columns`);
}

/** A dataset table: one label column (the last unless `labelColumn` says otherwise), the others are
 *  inputs in their order; nClasses = max label + 1. */
export function datasetFromTable(m: Matrix, name: string, file: string, labelColumn?: string): Dataset {
  if (m.cols < 2) throw new InputError(file, '', `a dataset needs input columns and a label column, found ${m.cols} column`);
  const nInputs = m.cols - 1;
  const lc = labelColumnIndex(m, file, labelColumn);
  const y = labelsFromColumn(m, lc, file);
  const X = new Float32Array(m.rows * nInputs);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0, k = 0; j < m.cols; j++) {
      if (j === lc) continue;
      const v = m.data[i * m.cols + j];
      X[i * nInputs + k] = v;
      // The networks run in float32: a value beyond its range would silently become Infinity.
      if (!Number.isFinite(X[i * nInputs + k])) {
        throw new InputError(file, `data row ${i + 1}, column ${j + 1}`, `${v} is out of float32 range`);
      }
      k++;
    }
  }
  return { name, nRows: m.rows, nInputs, nClasses: datasetClasses(y, file, ''), X, y };
}

/**
 * The classes of a dataset's labels: at least two distinct values (one class, whatever its value,
 * leaves nothing to learn and H(Y) = 0). Labels that skip values (e.g. 1..10, or {0, 3, 7}) are
 * renumbered in place to 0..K-1 in their order, so the softmax has one unit per class that occurs
 * and no empty classes; labels that already are 0..K-1 are left as they are. Returns K.
 */
export function datasetClasses(y: Int32Array, file: string, where: string): number {
  const present = new Uint8Array(MAX_LABEL + 1);
  for (const c of y) present[c] = 1;
  const rank = new Int32Array(MAX_LABEL + 1);
  let k = 0, max = 0;
  for (let c = 0; c <= MAX_LABEL; c++) if (present[c]) { rank[c] = k++; max = c; }
  if (k < 2) throw new InputError(file, where, y.length ? `every label is ${y[0]}: a dataset needs at least 2 classes` : 'no rows');
  if (max !== k - 1) for (let i = 0; i < y.length; i++) y[i] = rank[y[i]];
  return k;
}

/**
 * A dataset as CSV text: header x0,...,x{n-1},y and one line per row, in ~1 MB pieces so large
 * datasets never become one giant string. Float32 values print as the shortest float64 text of
 * that value (integers as integers), which reads back to the same float32.
 */
export function* datasetCsvPieces(ds: Dataset): Generator<string> {
  const header = Array.from({ length: ds.nInputs }, (_, j) => `x${j}`);
  let chunk = header.join(',') + ',y\n';
  const fields: string[] = new Array(ds.nInputs + 1);
  for (let i = 0; i < ds.nRows; i++) {
    for (let j = 0; j < ds.nInputs; j++) {
      const v = ds.X[i * ds.nInputs + j];
      fields[j] = Object.is(v, -0) ? '-0' : String(v); // String(-0) is "0"
    }
    fields[ds.nInputs] = String(ds.y[i]);
    chunk += fields.join(',') + '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}
