// Node-only: binned I(X;T), I(T;Y) of an activation file streamed in chunks of rows
// (data/stream.ts + pattern-count.ts), for files too large to hold in memory or in wasm's 4 GiB. Peak memory is
// one chunk plus the distinct patterns' keys and counts (docs/RELIABILITY.md has measurements).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Binning } from '../config/config.js';
import { InputError } from '../data/errors.js';
import { PatternCounter } from './pattern-count.js';
import { npyShape, streamRows } from '../data/stream.js';
import { isTextTable } from '../data/parse.js';

/** Matrices with more values than this are streamed (the in-memory path holds them as f64 + f32). */
export const STREAM_ABOVE_VALUES = 2 ** 25;
/** CSV files larger than this are streamed (their row count is unknown until read). */
export const STREAM_ABOVE_CSV_BYTES = 256 * 2 ** 20;
export const DEFAULT_CHUNK_ROWS = 4096;

/** Whether `infoplane mi` should stream this activations file. */
export function shouldStream(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') {
    const { rows, cols } = npyShape(file);
    return rows * cols > STREAM_ABOVE_VALUES;
  }
  if (isTextTable(ext)) {
    try { return fs.statSync(file).size > STREAM_ABOVE_CSV_BYTES; } catch { return false; }
  }
  return false;
}

export interface StreamedMi { hT: number; hTgivenY: number; patterns: number; n: number; cols: number; chunks: number }

/** Streams `file` in chunks of chunkRows rows against labels (one per row). */
export function streamedBinnedMi(file: string, labels: Int32Array, labelsFile: string, binning: Binning, chunkRows = DEFAULT_CHUNK_ROWS): StreamedMi {
  let K = 0;
  for (const y of labels) K = Math.max(K, y + 1);
  let counter: PatternCounter | undefined;
  let cols = 0, chunks = 0, n = 0;
  for (const chunk of streamRows(file, chunkRows)) {
    if (chunk.first + chunk.rows > labels.length) {
      throw new InputError(labelsFile, '', `${labels.length} labels but ${file} has more rows (at least ${chunk.first + chunk.rows})`);
    }
    counter ??= new PatternCounter(binning, chunk.cols, K);
    cols = chunk.cols;
    counter.add(chunk.data, chunk.rows, labels.subarray(chunk.first, chunk.first + chunk.rows));
    n = chunk.first + chunk.rows;
    chunks++;
  }
  if (!counter) throw new InputError(file, '', 'no data rows');
  if (n !== labels.length) throw new InputError(labelsFile, '', `${labels.length} labels but ${file} has ${n} rows`);
  return { ...counter.result(), cols, chunks };
}
