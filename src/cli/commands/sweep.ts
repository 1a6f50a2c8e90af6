// infoplane sweep: a grid of run options, one file per finished network, resumable and shardable.
// infoplane merge: combine sweep folders (shards) into per-cell results and the sweep report.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { addRunOptions } from './run.js';
import { threadCount, UsageError, type RunFlags } from '../../config/flags.js';
import { parseShard, specFromFlags, specFromText, type SweepSpec } from '../../sweep/grid.js';
import { mergeSweeps } from '../../sweep/merge.js';
import { runSweep, type SweepOptions } from '../../sweep/run.js';
import { addRelaxedSimdOption, applyRelaxedSimd, epochRate, interruptible, progressBar } from '../terminal.js';

interface SweepFlags extends RunFlags { grid?: string; shard?: string; resume?: boolean; threads?: string; relaxedSimd?: boolean; out: string }

/** The run options of a sweep: commander's parsed values minus the sweep's own flags. */
function runFlagsOf(flags: SweepFlags): RunFlags {
  const { grid: _g, shard: _s, resume: _r, threads: _t, relaxedSimd: _x, out: _o, ...run } = flags;
  return run;
}

/** runSweep with a progress bar on stderr; Ctrl-C / SIGTERM stop it, keeping the saved networks. */
export async function sweepWithProgress(spec: SweepSpec, out: string, opts: Omit<SweepOptions, 'onProgress' | 'signal'>, label: string) {
  const bar = progressBar(`${label} |{bar}| {saved}/{networks} networks | {rate} epochs/s | ETA {eta_formatted}`, 100);
  const t0 = performance.now();
  let started = false;
  try {
    return await interruptible((signal) => runSweep(spec, out, {
      ...opts, signal,
      onProgress: (p) => {
        if (!started) { started = true; bar.start(Math.max(p.epochsTotal, 1), 0, { saved: p.saved, networks: p.networks, rate: '0' }); }
        bar.update(p.epochsDone, { saved: p.saved, networks: p.networks, rate: epochRate(p.epochsDone, t0) });
      },
    }));
  } finally {
    if (started) bar.stop();
  }
}

export async function sweepCommand(flags: SweepFlags, known: string[]): Promise<void> {
  const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const relaxed = applyRelaxedSimd(flags.relaxedSimd);
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
  const r = await sweepWithProgress(spec, flags.out, { threads, shard, resume: flags.resume === true }, 'sweep');
  const ran = `${r.trained} network(s) trained in ${r.seconds.toFixed(1)} s (${threads} thread(s)${relaxed ? ', relaxed SIMD' : ''})`;
  if (!r.merged) {
    process.stdout.write(`shard ${shard!.i}/${shard!.n}: ${ran}; ${r.networks} networks in ${flags.out}; combine the shards with: infoplane merge DIR... --out OUT\n`);
    return;
  }
  process.stdout.write(`${spec.name}: ${r.merged.cells.length} cell(s) x ${r.merged.cells[0].result.runs.length} network(s); ${ran}; report: ${r.merged.report}\n`);
}

export function register(program: Command): void {
  const cmd = addRunOptions(program.command('sweep'));
  cmd.option('--grid <file>', 'JSON or YAML: {"name", "base": {option: value}, "grid": {option: [values]}}')
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the networks (0 <= i < n)')
    .option('--resume', 'finish a sweep folder: skip the networks already saved')
    .option('--threads <n>', 'worker threads (default: number of cores)');
  addRelaxedSimdOption(cmd)
    .requiredOption('--out <dir>', 'sweep folder')
    .action((flags: SweepFlags) => sweepCommand(flags, cmd.options.map((o) => o.attributeName())));

  program.command('merge')
    .argument('<dirs...>', 'sweep folders holding the same grid')
    .requiredOption('--out <dir>', 'output folder (may be one of the inputs)')
    .action((dirs: string[], flags: { out: string }) => {
      const m = mergeSweeps(dirs, flags.out);
      process.stdout.write(`${m.manifest.name}: ${m.cells.length} cell(s) merged from ${dirs.length} folder(s); report: ${m.report}\n`);
    });
}
