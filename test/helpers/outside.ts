// What some tests need from outside the repo: the reference code's data files (kept beside the
// checkout in ../shared/data, or wherever INFOPLANE_REFERENCE_DATA points) and Debian's Python with
// NumPy / PyTorch. Locally a missing one skips those tests; in CI (CI set) it fails them, so a green
// CI run always ran them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './cli.js';

export const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
export const REFERENCE_DIR = process.env.INFOPLANE_REFERENCE_DATA ?? resolve(ROOT, '../shared/data');

/** A reference data file's path and whether tests on it run (present, or in CI where absence fails). */
export function referenceFile(name: string): { file: string; run: boolean } {
  const file = join(REFERENCE_DIR, name);
  return { file, run: existsSync(file) || IN_CI };
}

/** Inside such a test: fail with one line saying what is missing and where it was looked for. */
export function expectPresent(file: string, what = 'reference data'): void {
  expect(existsSync(file), `${what} ${file} is missing (set INFOPLANE_REFERENCE_DATA to the folder holding it)`).toBe(true);
}

/** Debian's python3 (where python3-numpy / python3-torch install), else the first python3 on PATH,
 * that imports every module; null if none does. */
export function python(modules: string[]): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}
