// A sweep on disk: DIR/sweep.json (the grid), one file per finished network written atomically as
// DIR/cells/<cell>/runs/r<repeat>.json, and after merging, per cell infoplane.json + report.html and
// the sweep's report.html. Finished networks survive any interruption; --resume skips them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, SweepSpec } from './grid.js';
import type { ExperimentConfig } from '../config/config.js';
import type { RunRecord } from '../record/schema.js';
import type { SweepManifest } from '../record/sweep.js';
import { inside, lockFolder, prepareOutDir, writeFileAtomic, writeFileExclusive } from '../node/atomic.js';
import { LIMITS, UsageError } from '../config/flags.js';
import { CELL_ID, runFileProblem } from './validate.js';

export interface RunFile { cell: string; repeat: number; config: ExperimentConfig; record: RunRecord }

export function manifestOf(spec: SweepSpec, cells: Cell[]): SweepManifest {
  return {
    format: 'infoplane-sweep/1', name: spec.name, axes: spec.axes,
    cells: cells.map((c) => ({ id: c.id, label: c.label, values: c.values, config: c.config })),
  };
}

const runPath = (dir: string, cell: string, repeat: number) => inside(dir, join(dir, 'cells', cell, 'runs', `r${String(repeat).padStart(4, '0')}.json`));

export function readManifest(dir: string): SweepManifest {
  const file = join(dir, 'sweep.json');
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no sweep here' : 'not a sweep manifest'}`);
  }
  if (m?.format !== 'infoplane-sweep/1') throw new UsageError(`${file}: not a sweep manifest (format "${String(m?.format)}")`);
  const problem = manifestProblem(m);
  if (problem) throw new UsageError(`${file}: ${problem}`);
  return m;
}

/** The manifest's cells must be what expandGrid writes: their ids become folder names. */
function manifestProblem(m: SweepManifest): string | null {
  if (!Array.isArray(m.cells) || m.cells.length === 0) return 'no cells';
  const ids = new Set<string>();
  for (const [i, c] of m.cells.entries()) {
    if (typeof c !== 'object' || c === null) return `cells[${i}] is not an object`;
    if (typeof c.id !== 'string' || !CELL_ID.test(c.id)) return `cells[${i}].id ${JSON.stringify(c.id)} is not a cell id (c000, c001, ...)`;
    if (ids.has(c.id)) return `cells[${i}].id "${c.id}" appears twice`;
    ids.add(c.id);
    const r = c.config?.repeats;
    if (!Number.isInteger(r) || r < 1 || r > LIMITS.repeats) return `cells[${i}].config.repeats ${JSON.stringify(r)} is not in 1..${LIMITS.repeats}`;
  }
  return null;
}

/**
 * Start a sweep folder, or check that a resumed one holds the same grid. The folder is locked
 * (two sweeps never share it) and sweep.json is created exclusively; call the returned release
 * when done (it is also released when the process exits).
 */
export function openSweep(dir: string, manifest: SweepManifest, resume: boolean): () => void {
  prepareOutDir(dir); // a bad --out is one line and exit 2, like `run`
  const release = lockFolder(dir);
  try {
    if (writeFileExclusive(join(dir, 'sweep.json'), JSON.stringify(manifest, null, 1))) return release;
    const old = readManifest(dir);
    if (!resume) throw new UsageError(`${dir}: already holds a sweep; add --resume to finish it, or choose another --out`);
    if (JSON.stringify(old.cells) !== JSON.stringify(manifest.cells)) {
      throw new UsageError(`${dir}: holds a sweep with a different grid; --resume needs the same options`);
    }
    return release;
  } catch (e) {
    release();
    throw e;
  }
}

export function writeRun(dir: string, run: RunFile): void {
  writeFileAtomic(runPath(dir, run.cell, run.repeat), JSON.stringify(run));
}

/** A run file that failed the checks: never merged. */
export interface InvalidRun { file: string; cell: string; repeat: number; problem: string }

/** The finished networks of a folder, each checked against the manifest's config and the RunRecord
 *  shape (runFileProblem); `log2N(config)`: the MI bound of the cell's dataset. */
export function readRuns(dir: string, manifest: SweepManifest, log2N: (config: ExperimentConfig) => number): { runs: RunFile[]; invalid: InvalidRun[] } {
  const runs: RunFile[] = [], invalid: InvalidRun[] = [];
  for (const c of manifest.cells) {
    const runsDir = inside(dir, join(dir, 'cells', c.id, 'runs'));
    if (!existsSync(runsDir)) continue;
    for (const f of readdirSync(runsDir).sort()) {
      const m = /^r(\d{4})\.json$/.exec(f);
      if (!m) continue; // leftovers of interrupted atomic writes are ignored
      const file = join(runsDir, f);
      let run: unknown, problem: string | null;
      try {
        run = JSON.parse(readFileSync(file, 'utf8'));
        problem = runFileProblem(run, c.id, c.config, log2N(c.config));
        if (!problem && (run as RunFile).repeat !== Number(m[1])) problem = `holds repeat ${(run as RunFile).repeat}, not ${Number(m[1])}`;
      } catch (e) {
        problem = e instanceof SyntaxError ? 'not valid JSON' : `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      }
      if (problem) invalid.push({ file, cell: c.id, repeat: Number(m[1]), problem });
      else runs.push(run as RunFile);
    }
  }
  return { runs, invalid };
}

export function cellResultPath(dir: string, cell: string): string { return inside(dir, join(dir, 'cells', cell, 'infoplane.json')); }
