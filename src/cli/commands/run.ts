// infoplane run: train networks, measure them, write DIR/infoplane.json, timing.json, report.html.
import { Option, type Command } from 'commander';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { configFromFlags, posInt, UsageError, type RunFlags } from '../options.js';
import { resolveDataset } from '../../node/datasets.js';
import { Interrupted, runRepeats } from '../../node/pool.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { buildResult } from '../../record/result.js';
import type { Timing } from '../../record/schema.js';
import { writeReport } from '../common.js';

export async function runCommand(flags: RunFlags & { out: string; threads?: string }): Promise<void> {
  const config = configFromFlags(flags);
  const threads = flags.threads !== undefined ? posInt('threads', flags.threads) : cpus().length;
  const data = resolveDataset(config.dataset);
  if (data.nRows < 2) throw new UsageError(`--dataset: ${config.dataset} has fewer than 2 rows`);
  const total = config.repeats * config.epochs;
  const bar = new cliProgress.SingleBar({
    stream: process.stderr, hideCursor: true, etaBuffer: 50,
    format: `${config.name} |{bar}| {percentage}% | {value}/{total} epochs | {rate} epochs/s | ETA {eta_formatted}`,
  }, cliProgress.Presets.shades_classic);
  const done = new Array<number>(config.repeats).fill(0);
  const t0 = performance.now();
  bar.start(total, 0, { rate: '0' });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let runs;
  try {
    runs = await runRepeats(config, data, threads, (p) => {
      done[p.repeat] = p.epochsDone;
      const sum = done.reduce((a, b) => a + b, 0);
      bar.update(sum, { rate: (sum / ((performance.now() - t0) / 1000)).toFixed(0) });
    }, controller.signal);
  } catch (err) {
    if (err instanceof Interrupted) throw new Interrupted('interrupted; nothing written for this run');
    throw err;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = buildResult(config, data, runs);
  const timing: Timing = {
    startedAt: new Date(Date.now() - seconds * 1000).toISOString(), seconds, threads,
    epochsPerSecond: total / seconds, node: process.version, host: hostname(),
  };
  // infoplane.json depends only on config and seeds; timing lives beside it.
  writeFileAtomic(join(flags.out, 'infoplane.json'), JSON.stringify(result));
  writeFileAtomic(join(flags.out, 'timing.json'), JSON.stringify(timing, null, 1));
  const report = writeReport(flags.out, result, timing);
  const diverged = runs.filter((r) => r.status === 'diverged').length;
  const last = result.epochs.length - 1;
  process.stdout.write(`${config.name}: ${config.repeats} network(s) x ${config.epochs} epochs in ${seconds.toFixed(1)} s ` +
    `(${threads} thread(s)); test accuracy ${(result.testAcc[last] * 100).toFixed(1)}% at epoch ${result.epochs[last]}` +
    `${diverged ? `; ${diverged} diverged` : ''}; report: ${report}\n`);
}

/** The options that describe an experiment (shared by `run` and `sweep`, whose values may be lists). */
export function addRunOptions(command: Command): Command {
  return command
    .option('--preset <name>', 'paper | idnns | saxe (explicit flags override)')
    .option('--name <text>', 'a name for the run (default: the preset name or "run")')
    .option('--dataset <name|file>', 'ib12, or a CSV/JSON/.npy file whose last column is the label (default ib12)')
    .option('--layers <widths>', 'hidden widths; a softmax output is added (default 10,7,5,4,3)')
    .option('--activation <name>', 'tanh | relu | sigmoid | linear | softsign | softplus (default tanh)')
    .option('--optimizer <name>', 'sgd | momentum | adam (default adam)')
    .option('--lr <x>', 'learning rate (default 4e-4)')
    .option('--momentum <x>', 'momentum coefficient for --optimizer momentum (default 0.9)')
    .option('--batch <n>', 'mini-batch size (default 512)')
    .option('--epochs <n>', 'epochs (default 8000)')
    .option('--init <name>', 'weight std 1/sqrt(fan_in) (reference code) or fan_out (Saxe et al.) (default fan_in)')
    .option('--train-fraction <x>', 'fraction of rows used for training (default 0.8)')
    .option('--split <kind>', 'random (seeded) | ordered (the reference code: first rows train) (default random)')
    .addOption(new Option('--no-shuffle', 'keep a fixed batch order every epoch (the reference code)').default(undefined))
    .option('--mi-schedule <s>', 'log | saxe | all | every:K (default log)')
    .option('--mi-points <n>', 'points of the log schedule before de-duplication (default 400)')
    .option('--bins <n>', 'number of bin edges, linspace(lo, hi, n) (default 30, as the reference code)')
    .option('--bin-range <lo,hi>', 'range of the edges (default -1,1)')
    .option('--bin-width <w>', 'bins of width w: floor(v / w) (Saxe et al.)')
    .option('--estimators <list>', 'comma-separated estimators (default bin)')
    .option('--repeats <n>', 'networks with seeds seed..seed+n-1, averaged (default 1)')
    .option('--seed <n>', 'first seed (default 0)');
}

export function register(program: Command): void {
  addRunOptions(program.command('run')
    .description('train networks, measure MI at logged epochs, write DIR/infoplane.json and DIR/report.html'))
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .requiredOption('--out <dir>', 'output folder')
    .action(runCommand);
}
