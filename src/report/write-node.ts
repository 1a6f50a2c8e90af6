// Node-only: writing a report file beside its infoplane.json.
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomic.js';
import type { InfoplaneResult, Timing } from '../record/schema.js';
import { renderReport, type UplotAssets } from './html.js';
import { loadUplotAssets } from './assets-node.js';

/** Write DIR/report.html atomically; returns its path. Callers writing many reports pass the
 *  uPlot assets, read once. */
export function writeReport(dir: string, result: InfoplaneResult, timing?: Timing, assets: UplotAssets = loadUplotAssets()): string {
  const file = join(dir, 'report.html');
  writeFileAtomic(file, renderReport(result, assets, timing));
  return file;
}
