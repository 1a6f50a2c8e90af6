// Running a sweep on this machine: the networks not yet saved, on worker threads, each written as
// soon as it finishes; then the merge. The caller owns the terminal: it gets progress through
// onProgress and stops the sweep through an AbortSignal (everything finished is kept).
import { expandGrid, sweepJobs, type Cell, type SweepSpec } from './grid.js';
import { manifestOf, openSweep, readRuns, writeRun } from './store.js';
import type { SweepManifest } from '../record/sweep.js';
import { InputError } from '../data/errors.js';
import { mergeSweeps, type MergeOutcome } from './merge.js';
import { checkRunFits, datasetKey, datasetOf } from '../node/datasets.js';
import { Interrupted, runJobs, type Job } from '../node/pool.js';
import { checkBoundLabels } from '../config/flags.js';
import type { Dataset } from '../data/dataset.js';

export interface SweepRun { trained: number; networks: number; seconds: number; merged?: MergeOutcome }

/** Where a sweep stands: networks saved (earlier runs included) of this shard's, epochs trained now of all to train. */
export interface SweepProgress { saved: number; networks: number; epochsDone: number; epochsTotal: number }

export interface SweepOptions {
  threads: number;
  shard?: { i: number; n: number };
  resume: boolean;
  /** Called when work starts, as networks advance (often: keep it cheap) and as each is saved. */
  onProgress?: (p: SweepProgress) => void;
  /** Aborting stops the sweep with Interrupted; the networks saved so far stay for --resume. */
  signal?: AbortSignal;
}

/** Runs (the rest of) a sweep into `out` and, unless it is a shard, merges it there. */
export async function runSweep(spec: SweepSpec, out: string, opts: SweepOptions): Promise<SweepRun> {
  const cells = expandGrid(spec); // every value is checked here, before any work
  const datasets = new Map<string, Dataset>();
  for (const c of cells) {
    const key = datasetKey(c.config);
    if (!datasets.has(key)) datasets.set(key, datasetOf(c.config));
    // before any work, like `run`
    checkRunFits(c.config, datasets.get(key)!);
    checkBoundLabels(c.config, datasets.get(key)!);
  }
  const manifest = manifestOf(spec, cells);
  const release = openSweep(out, manifest, opts.resume);
  try {
    return await runLocked(out, opts, cells, datasets, manifest);
  } finally {
    release();
  }
}

async function runLocked(out: string, opts: SweepOptions, cells: Cell[], datasets: Map<string, Dataset>, manifest: SweepManifest): Promise<SweepRun> {
  const { threads, shard } = opts;
  const { runs, invalid } = readRuns(out, manifest, (config) => Math.log2(datasets.get(datasetKey(config))!.nRows));
  // a damaged or implausible network file is said by path and trained again (it is overwritten)
  for (const bad of invalid) process.stderr.write(`infoplane: ${bad.file}: ${bad.problem}; training this network again\n`);
  const done = new Set(runs.map((r) => `${r.cell}/${r.repeat}`));
  const mine = sweepJobs(cells, shard);
  const todo = mine.filter((j) => !done.has(`${j.cell.id}/${j.repeat}`));
  const jobs: Job[] = todo.map((j) => ({ config: j.cell.config, repeat: j.repeat }));
  const epochsTotal = jobs.reduce((s, j) => s + j.config.epochs, 0);
  const progress = new Array<number>(jobs.length).fill(0);
  let finished = 0, epochsDone = 0;
  const report = () => opts.onProgress?.({ saved: mine.length - todo.length + finished, networks: mine.length, epochsDone, epochsTotal });
  const t0 = performance.now();
  report();
  try {
    await runJobs(jobs, datasets, threads, {
      onProgress: (i, e) => { epochsDone += e - progress[i]; progress[i] = e; report(); },
      onDone: (i, record) => {
        const j = todo[i];
        writeRun(out, { cell: j.cell.id, repeat: j.repeat, config: j.cell.config, record });
        finished++;
        report();
      },
    }, opts.signal);
  } catch (err) {
    const saved = `${mine.length - todo.length + finished} of ${mine.length} networks are saved in ${out}`;
    if (err instanceof Interrupted) throw new Interrupted(`interrupted: ${saved}; rerun with --resume to finish`);
    // e.g. a full disk: the one line names the file; what was saved stays
    if (err instanceof InputError) throw new InputError(err.file, err.where, `${err.problem}; ${saved}; rerun with --resume to finish`);
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { trained: jobs.length, networks: mine.length, seconds, merged: shard ? undefined : mergeSweeps([out], out, datasets) };
}
