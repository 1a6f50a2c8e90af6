// infoplane sweep: a grid of run options, one file per finished network, resumable and shardable.
// infoplane merge: combine sweep folders (shards) into per-cell results and the sweep report.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { addRunOptions } from './run.js';
import { posInt, UsageError, type RunFlags } from '../options.js';
import { expandGrid, parseShard, specFromFlags, specFromText, sweepJobs, type SweepSpec } from '../../sweep/grid.js';
import { manifestOf, openSweep, readRuns, writeRun } from '../../sweep/store.js';
import { mergeSweeps } from '../../sweep/merge.js';
import { resolveDataset } from '../../node/datasets.js';
import { Interrupted, runJobs, type Job } from '../../node/pool.js';
import type { Dataset } from '../../data/dataset.js';

interface SweepFlags extends RunFlags { grid?: string; shard?: string; resume?: boolean; threads?: string; out: string }

/** The run options of a sweep: commander's parsed values minus the sweep's own flags. */
function runFlagsOf(flags: SweepFlags): RunFlags {
  const { grid: _g, shard: _s, resume: _r, threads: _t, out: _o, ...run } = flags;
  return run;
}

export async function sweepCommand(flags: SweepFlags, known: string[]): Promise<void> {
  const threads = flags.threads !== undefined ? posInt('threads', flags.threads) : cpus().length;
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  let spec: SweepSpec;
  if (flags.grid !== undefined) {
    let text: string;
    try { text = readFileSync(flags.grid, 'utf8'); } catch (e) { throw new UsageError(`--grid: cannot read ${flags.grid} (${(e as NodeJS.ErrnoException).code})`); }
    spec = specFromText(text, flags.grid, known);
    const extra = specFromFlags(spec.name, runFlagsOf(flags));
    if (extra.axes.length) throw new UsageError(`with --grid, ${extra.axes.map((a) => '--' + a.key).join(', ')} must have one value (put lists in the grid file)`);
    spec.base = { ...spec.base, ...extra.base };
  } else {
    spec = specFromFlags(flags.name ?? 'sweep', runFlagsOf(flags));
  }
  const cells = expandGrid(spec); // every value is checked here, before any work
  const datasets = new Map<string, Dataset>();
  for (const c of cells) if (!datasets.has(c.config.dataset)) datasets.set(c.config.dataset, resolveDataset(c.config.dataset));
  const manifest = manifestOf(spec, cells);
  openSweep(flags.out, manifest, flags.resume === true);

  const done = new Set(readRuns(flags.out, manifest).map((r) => `${r.cell}/${r.repeat}`));
  const mine = sweepJobs(cells, shard);
  const todo = mine.filter((j) => !done.has(`${j.cell.id}/${j.repeat}`));
  const jobs: Job[] = todo.map((j) => ({ config: j.cell.config, repeat: j.repeat }));
  const totalEpochs = jobs.reduce((s, j) => s + j.config.epochs, 0);
  const bar = new cliProgress.SingleBar({
    stream: process.stderr, hideCursor: true, etaBuffer: 100,
    format: `sweep |{bar}| {finished}/{networks} networks | {rate} epochs/s | ETA {eta_formatted}`,
  }, cliProgress.Presets.shades_classic);
  const progress = new Array<number>(jobs.length).fill(0);
  let finished = 0, epochsDone = 0;
  const t0 = performance.now();
  bar.start(totalEpochs, 0, { finished: mine.length - todo.length, networks: mine.length, rate: '0' });
  const update = () => bar.update(epochsDone, { finished: mine.length - todo.length + finished, rate: (epochsDone / ((performance.now() - t0) / 1000)).toFixed(0) });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    await runJobs(jobs, datasets, threads, {
      onProgress: (i, e) => { epochsDone += e - progress[i]; progress[i] = e; update(); },
      onDone: (i, record) => {
        const j = todo[i];
        writeRun(flags.out, { cell: j.cell.id, repeat: j.repeat, config: j.cell.config, record });
        finished++;
        update();
      },
    }, controller.signal);
  } catch (err) {
    if (err instanceof Interrupted) {
      throw new Interrupted(`interrupted: ${mine.length - todo.length + finished} of ${mine.length} networks are saved in ${flags.out}; rerun with --resume to finish`);
    }
    throw err;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ran = `${jobs.length} network(s) trained in ${seconds.toFixed(1)} s (${threads} thread(s))`;
  if (shard) {
    process.stdout.write(`shard ${shard.i}/${shard.n}: ${ran}; ${mine.length} networks in ${flags.out}; combine the shards with: infoplane merge DIR... --out OUT\n`);
    return;
  }
  const merged = mergeSweeps([flags.out], flags.out);
  process.stdout.write(`${spec.name}: ${cells.length} cell(s) x ${cells[0].config.repeats} network(s); ${ran}; report: ${merged.report}\n`);
}

export function register(program: Command): void {
  const cmd = addRunOptions(program.command('sweep')
    .description('run a grid of run options: a list of values for any option (--layers and --estimators lists are separated by ":"), or --grid FILE'));
  cmd.option('--grid <file>', 'JSON or YAML: {"name", "base": {option: value}, "grid": {option: [values]}}')
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the networks (0 <= i < n)')
    .option('--resume', 'finish a sweep folder: skip the networks already saved')
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .requiredOption('--out <dir>', 'sweep folder')
    .action((flags: SweepFlags) => sweepCommand(flags, cmd.options.map((o) => o.attributeName())));

  program.command('merge')
    .description('combine sweep folders (e.g. the shards of one sweep) into per-cell results and a sweep report')
    .argument('<dirs...>', 'sweep folders holding the same grid')
    .requiredOption('--out <dir>', 'output folder (may be one of the inputs)')
    .action((dirs: string[], flags: { out: string }) => {
      const m = mergeSweeps(dirs, flags.out);
      process.stdout.write(`${m.manifest.name}: ${m.cells.length} cell(s) merged from ${dirs.length} folder(s); report: ${m.report}\n`);
    });
}
