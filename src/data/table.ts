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

/** A dataset table: the last column is the label, the others are inputs; nClasses = max label + 1. */
export function datasetFromTable(m: Matrix, name: string, file: string): Dataset {
  if (m.cols < 2) throw new InputError(file, '', `a dataset needs input columns and a label column, found ${m.cols} column`);
  const nInputs = m.cols - 1;
  const y = labelsFromColumn(m, nInputs, file);
  const X = new Float32Array(m.rows * nInputs);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < nInputs; j++) {
      const v = m.data[i * m.cols + j];
      X[i * nInputs + j] = v;
      // The networks run in float32: a value beyond its range would silently become Infinity.
      if (!Number.isFinite(X[i * nInputs + j])) {
        throw new InputError(file, `data row ${i + 1}, column ${j + 1}`, `${v} is out of float32 range`);
      }
    }
  }
  let maxLabel = 0;
  for (const c of y) if (c > maxLabel) maxLabel = c;
  if (maxLabel === 0) throw new InputError(file, '', 'every label is 0: a dataset needs at least 2 classes');
  return { name, nRows: m.rows, nInputs, nClasses: maxLabel + 1, X, y };
}
