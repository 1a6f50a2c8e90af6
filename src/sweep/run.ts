// Running a sweep on this machine: the networks not yet saved, on worker threads, each written as
// soon as it finishes; then the merge. Ctrl-C / SIGTERM stop it with everything finished kept.
import cliProgress from 'cli-progress';
import { expandGrid, sweepJobs, type Cell, type SweepSpec } from './grid.js';
import { manifestOf, openSweep, readRuns, writeRun, type SweepManifest } from './store.js';
import { InputError } from '../data/errors.js';
import { mergeSweeps, type MergeOutcome } from './merge.js';
import { checkRunFits, datasetKey, datasetOf } from '../node/datasets.js';
import { Interrupted, runJobs, type Job } from '../node/pool.js';
import { checkBoundLabels } from '../cli/options.js';
import type { Dataset } from '../data/dataset.js';

export interface SweepRun { trained: number; networks: number; seconds: number; merged?: MergeOutcome }

export interface SweepOptions { threads: number; shard?: { i: number; n: number }; resume: boolean; label?: string }

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
    return await runLocked(spec, out, opts, cells, datasets, manifest);
  } finally {
    release();
  }
}

async function runLocked(spec: SweepSpec, out: string, opts: SweepOptions, cells: Cell[], datasets: Map<string, Dataset>, manifest: SweepManifest): Promise<SweepRun> {
  const { threads, shard } = opts;
  const { runs, invalid } = readRuns(out, manifest, (config) => Math.log2(datasets.get(datasetKey(config))!.nRows));
  // a damaged or implausible network file is said by path and trained again (it is overwritten)
  for (const bad of invalid) process.stderr.write(`infoplane: ${bad.file}: ${bad.problem}; training this network again\n`);
  const done = new Set(runs.map((r) => `${r.cell}/${r.repeat}`));
  const mine = sweepJobs(cells, shard);
  const todo = mine.filter((j) => !done.has(`${j.cell.id}/${j.repeat}`));
  const jobs: Job[] = todo.map((j) => ({ config: j.cell.config, repeat: j.repeat }));
  const totalEpochs = jobs.reduce((s, j) => s + j.config.epochs, 0);
  const bar = new cliProgress.SingleBar({
    stream: process.stderr, hideCursor: true, etaBuffer: 100,
    format: `${opts.label ?? 'sweep'} |{bar}| {finished}/{networks} networks | {rate} epochs/s | ETA {eta_formatted}`,
  }, cliProgress.Presets.shades_classic);
  const progress = new Array<number>(jobs.length).fill(0);
  let finished = 0, epochsDone = 0;
  const t0 = performance.now();
  bar.start(Math.max(totalEpochs, 1), 0, { finished: mine.length - todo.length, networks: mine.length, rate: '0' });
  const update = () => bar.update(epochsDone, { finished: mine.length - todo.length + finished, rate: (epochsDone / ((performance.now() - t0) / 1000)).toFixed(0) });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runJobs(jobs, datasets, threads, {
      onProgress: (i, e) => { epochsDone += e - progress[i]; progress[i] = e; update(); },
      onDone: (i, record) => {
        const j = todo[i];
        writeRun(out, { cell: j.cell.id, repeat: j.repeat, config: j.cell.config, record });
        finished++;
        update();
      },
    }, controller.signal);
  } catch (err) {
    const saved = `${mine.length - todo.length + finished} of ${mine.length} networks are saved in ${out}`;
    if (err instanceof Interrupted) throw new Interrupted(`interrupted: ${saved}; rerun with --resume to finish`);
    // e.g. a full disk: the one line names the file; what was saved stays
    if (err instanceof InputError) throw new InputError(err.file, err.where, `${err.problem}; ${saved}; rerun with --resume to finish`);
    throw err;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { trained: jobs.length, networks: mine.length, seconds, merged: shard ? undefined : mergeSweeps([out], out, datasets) };
}
