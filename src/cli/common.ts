// Helpers shared by the commands.
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomic.js';
import type { InfoplaneResult, Timing } from '../record/schema.js';
import { renderReport } from '../report/html.js';
import { loadUplotAssets } from '../report/assets-node.js';

/** Write DIR/report.html atomically; returns its path. */
export function writeReport(dir: string, result: InfoplaneResult, timing?: Timing): string {
  const file = join(dir, 'report.html');
  writeFileAtomic(file, renderReport(result, loadUplotAssets(), timing));
  return file;
}
