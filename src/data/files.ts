// Node-only file access: read a matrix, labels or a dataset from a file. (Writing files is node/'s
// job: node/atomic.ts, node/datasets.ts writeDatasetCsv.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Dataset } from './dataset.js';
import { InputError, unreadable } from './errors.js';
import { parseMatrix, type Matrix } from './parse.js';
import { datasetFromTable, labelsFromMatrix } from './table.js';
import { matDataset, matSingleMatrix, parseMat, MAT_LABEL_NAMES, type Inflate } from './mat.js';

/** node:zlib's native inflate (it verifies the Adler-32 checksum) with an output cap. */
export const nodeInflate: Inflate = (compressed, maxOutput) => inflateSync(compressed, { maxOutputLength: maxOutput });

const isMat = (file: string) => path.extname(file).toLowerCase() === '.mat';

/**
 * A descriptor of `file`, which must be a regular file: a device (/dev/zero), FIFO or folder would
 * be read forever, block, or fail later with a raw error. O_NONBLOCK keeps a FIFO's open from
 * waiting for a writer; it changes nothing for regular files.
 */
export function openRegular(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw unreadable(file, e);
  }
  let regular = false;
  try { regular = fs.fstatSync(fd).isFile(); } catch { /* reported below */ }
  if (!regular) {
    fs.closeSync(fd);
    throw new InputError(file, '', 'not a regular file (a folder, device or pipe); give a file');
  }
  return fd;
}

/** The whole of a regular file. */
export function readBytes(file: string): Uint8Array {
  const fd = openRegular(file);
  try {
    return fs.readFileSync(fd);
  } catch (e) {
    throw unreadable(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

/** A numeric matrix from a .csv/.tsv/.txt, .json or .npy file (chosen by extension). */
export function readMatrix(file: string): Matrix {
  if (isMat(file)) return matSingleMatrix(parseMat(readBytes(file), file, nodeInflate), file);
  return parseMatrix(readBytes(file), file);
}

/** Labels from a one-column matrix or a 1-D npy/JSON array: integers in 0..65535. */
export function readLabels(file: string): Int32Array {
  if (isMat(file)) return labelsFromVector(matSingleMatrix(parseMat(readBytes(file), file, nodeInflate), file, MAT_LABEL_NAMES), file);
  return labelsFromMatrix(readMatrix(file), file);
}

/** A MATLAB label vector may be stored 1xN. */
function labelsFromVector(m: Matrix, file: string): Int32Array {
  return labelsFromMatrix(m.rows === 1 ? { rows: m.cols, cols: 1, data: m.data } : m, file);
}

/**
 * A dataset from a CSV/npy table whose last column is the label (or the column `labelColumn`
 * names: a header name or 0-based index), a JSON {"X", "y"} object, or a MAT-file with inputs X or
 * F and labels y (or the variable `labelColumn` names). Its name is the file's base name without
 * extension (data/ib12.csv -> "ib12").
 */
export function loadDatasetFile(file: string, labelColumn?: string): Dataset {
  const name = path.basename(file, path.extname(file));
  if (isMat(file)) return matDataset(parseMat(readBytes(file), file, nodeInflate), name, file, labelColumn === 'last' ? undefined : labelColumn);
  return datasetFromTable(readMatrix(file), name, file, labelColumn);
}
