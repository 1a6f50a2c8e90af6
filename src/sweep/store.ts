// A sweep on disk: DIR/sweep.json (the grid), one file per finished network written atomically as
// DIR/cells/<cell>/runs/r<repeat>.json, and after merging, per cell infoplane.json + report.html and
// the sweep's report.html. Finished networks survive any interruption; --resume skips them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, SweepSpec } from './grid.js';
import type { ExperimentConfig } from '../config/config.js';
import type { RunRecord } from '../record/schema.js';
import type { SweepManifest } from '../record/sweep.js';
import { prepareOutDir, writeFileAtomic } from '../node/atomic.js';
import { UsageError } from '../config/flags.js';

export interface RunFile { cell: string; repeat: number; config: ExperimentConfig; record: RunRecord }

export function manifestOf(spec: SweepSpec, cells: Cell[]): SweepManifest {
  return {
    format: 'infoplane-sweep/1', name: spec.name, axes: spec.axes,
    cells: cells.map((c) => ({ id: c.id, label: c.label, values: c.values, config: c.config })),
  };
}

const runPath = (dir: string, cell: string, repeat: number) => join(dir, 'cells', cell, 'runs', `r${String(repeat).padStart(4, '0')}.json`);

export function readManifest(dir: string): SweepManifest {
  const file = join(dir, 'sweep.json');
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no sweep here' : 'not a sweep manifest'}`);
  }
  if (m?.format !== 'infoplane-sweep/1') throw new UsageError(`${file}: not a sweep manifest (format "${String(m?.format)}")`);
  return m;
}

/** Start a sweep folder, or check that a resumed one holds the same grid. */
export function openSweep(dir: string, manifest: SweepManifest, resume: boolean): void {
  const file = join(dir, 'sweep.json');
  if (existsSync(file)) {
    const old = readManifest(dir);
    if (!resume) throw new UsageError(`${dir}: already holds a sweep; add --resume to finish it, or choose another --out`);
    if (JSON.stringify(old.cells) !== JSON.stringify(manifest.cells)) {
      throw new UsageError(`${dir}: holds a sweep with a different grid; --resume needs the same options`);
    }
    return;
  }
  prepareOutDir(dir); // a bad --out is one line and exit 2, like `run`
  writeFileAtomic(file, JSON.stringify(manifest, null, 1));
}

export function writeRun(dir: string, run: RunFile): void {
  writeFileAtomic(runPath(dir, run.cell, run.repeat), JSON.stringify(run));
}

/** The finished networks of a folder, checked against the manifest's configs. */
export function readRuns(dir: string, manifest: SweepManifest): RunFile[] {
  const out: RunFile[] = [];
  for (const c of manifest.cells) {
    const runsDir = join(dir, 'cells', c.id, 'runs');
    if (!existsSync(runsDir)) continue;
    for (const f of readdirSync(runsDir).sort()) {
      if (!/^r\d{4}\.json$/.test(f)) continue; // leftovers of interrupted atomic writes are ignored
      const file = join(runsDir, f);
      let run: RunFile;
      try { run = JSON.parse(readFileSync(file, 'utf8')); } catch { throw new UsageError(`${file}: unreadable network result (delete it and --resume)`); }
      if (run.cell !== c.id || JSON.stringify(run.config) !== JSON.stringify(c.config)) {
        throw new UsageError(`${file}: belongs to another grid (cell or config differs)`);
      }
      out.push(run);
    }
  }
  return out;
}

export function cellResultPath(dir: string, cell: string): string { return join(dir, 'cells', cell, 'infoplane.json'); }
