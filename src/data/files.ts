// Node-only file access for the CLI: read a matrix, labels or dataset, and write a dataset CSV.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset } from './dataset.js';
import { InputError } from './errors.js';
import { parseMatrix, type Matrix } from './parse.js';
import { datasetFromTable, labelsFromMatrix } from './table.js';

function readBytes(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    // Turn ENOENT and friends into an InputError so the CLI reports them like any bad input.
    const err = e as NodeJS.ErrnoException;
    throw new InputError(file, '', `cannot read file (${err.code ?? err.message})`);
  }
}

/** A numeric matrix from a .csv/.tsv/.txt, .json or .npy file (chosen by extension). */
export function readMatrix(file: string): Matrix {
  return parseMatrix(readBytes(file), file);
}

/** Labels from a one-column matrix or a 1-D npy/JSON array: integers in 0..65535. */
export function readLabels(file: string): Int32Array {
  return labelsFromMatrix(readMatrix(file), file);
}

/**
 * A dataset from a CSV/npy table whose last column is the label, or a JSON {"X", "y"} object.
 * Its name is the file's base name without extension (data/ib12.csv -> "ib12").
 */
export function loadDatasetFile(file: string): Dataset {
  const name = path.basename(file, path.extname(file));
  return datasetFromTable(readMatrix(file), name, file);
}

/**
 * Writes header x0,...,x{n-1},y and one line per row. Float32 values print as the shortest
 * float64 text of that value (integers as integers), which reads back to the same float32.
 * Atomic: written to a temporary file next to the target, then renamed over it.
 */
export function writeDatasetCsv(ds: Dataset, file: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
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
      // Flush in ~1 MB pieces so large datasets never become one giant string.
      if (chunk.length > 1 << 20) {
        fs.writeFileSync(fd, chunk); // loops until all is written
        chunk = '';
      }
    }
    fs.writeFileSync(fd, chunk);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    try { fs.unlinkSync(tmp); } catch { /* nothing to remove */ }
    throw e;
  }
}
