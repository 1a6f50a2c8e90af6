// The `infoplane` command: a thin shell over the library. Bad input: one line on stderr, exit 2.
import { Command, CommanderError, Option } from 'commander';
import { cpus, hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { configFromFlags, posInt, UsageError, type RunFlags } from './options.js';
import { InputError } from '../data/errors.js';
import { resolveDataset } from '../node/datasets.js';
import { readLabels, readMatrix, writeDatasetCsv } from '../data/files.js';
import { runRepeats } from '../node/pool.js';
import { writeFileAtomic } from '../node/atomic.js';
import { buildResult } from '../record/result.js';
import type { InfoplaneResult, Timing } from '../record/schema.js';
import { renderReport, decodeResultJson } from '../report/html.js';
import { loadUplotAssets } from '../report/assets-node.js';
import { Engine } from '../engine/engine.js';
import { loadWasmModule } from '../engine/wasm-node.js';
import { miOfMatrix } from '../api.js';
import type { Binning } from '../config.js';

function writeReport(dir: string, result: InfoplaneResult, timing?: Timing): string {
  const file = join(dir, 'report.html');
  writeFileAtomic(file, renderReport(result, loadUplotAssets(), timing));
  return file;
}

async function runCommand(flags: RunFlags & { out: string; threads?: string }): Promise<void> {
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

async function miCommand(flags: { activations: string; labels: string; bins?: string; binWidth?: string; binRange?: string; estimator?: string }): Promise<void> {
  const m = readMatrix(flags.activations);
  const labels = readLabels(flags.labels);
  if (labels.length !== m.rows) throw new InputError(flags.labels, '', `${labels.length} labels but ${flags.activations} has ${m.rows} rows`);
  const c = configFromFlags({ bins: flags.bins, binWidth: flags.binWidth, binRange: flags.binRange, estimators: flags.estimator });
  const engine = await Engine.create(loadWasmModule());
  const r = miOfMatrix(engine, m.data, m.rows, m.cols, labels, { estimator: c.estimators[0], binning: c.binning as Binning });
  process.stdout.write(JSON.stringify(r) + '\n');
}

function reportCommand(dir: string): void {
  const file = join(dir, 'infoplane.json');
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new InputError(file, '', `cannot read file (${(e as NodeJS.ErrnoException).code})`); }
  let result: InfoplaneResult;
  try { result = decodeResultJson(text); } catch (e) { throw new InputError(file, '', `not an infoplane result: ${(e as Error).message}`); }
  if (result?.format !== 'infoplane/1') throw new InputError(file, '', 'not an infoplane result (no "format": "infoplane/1")');
  let timing: Timing | undefined;
  try { timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8')); } catch { timing = undefined; }
  process.stdout.write(`report: ${writeReport(dir, result, timing)}\n`);
}

export function buildProgram(): Command {
  const program = new Command('infoplane')
    .description('Train small networks and put every layer on the information plane (Shwartz-Ziv & Tishby 2017).')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program.command('run')
    .description('train networks, measure MI at logged epochs, write DIR/infoplane.json and DIR/report.html')
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
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .option('--seed <n>', 'first seed (default 0)')
    .requiredOption('--out <dir>', 'output folder')
    .action(runCommand);

  program.command('mi')
    .description('I(X;T) and I(T;Y) of one activation matrix (rows = samples), printed as JSON')
    .requiredOption('--activations <file>', 'CSV, JSON array of rows, or .npy')
    .requiredOption('--labels <file>', 'one label per row: CSV column, JSON array or .npy')
    .option('--bins <n>', 'number of bin edges linspace(lo, hi, n) (default 30)')
    .option('--bin-range <lo,hi>', 'range of the edges (default -1,1)')
    .option('--bin-width <w>', 'bins of width w instead')
    .option('--estimator <name>', 'estimator (default bin)')
    .action(miCommand);

  program.command('dataset')
    .description('write a built-in dataset as CSV (input columns, then y)')
    .argument('<name>', 'ib12')
    .requiredOption('--out <file>', 'output CSV file')
    .action((name: string, flags: { out: string }) => {
      if (name !== 'ib12') throw new UsageError(`dataset: "${name}" is not a built-in dataset (ib12)`);
      const ds = resolveDataset(name);
      writeDatasetCsv(ds, flags.out);
      process.stdout.write(`${ds.name}: ${ds.nRows} rows x ${ds.nInputs} inputs -> ${flags.out}\n`);
    });

  program.command('report')
    .description('rebuild DIR/report.html from DIR/infoplane.json')
    .argument('<dir>', 'a folder written by `infoplane run`')
    .action(reportCommand);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; commander has already printed its one-line error
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`infoplane: ${err.message}\n`);
      return 2;
    }
    if ((err as Error).message === 'interrupted') {
      process.stderr.write('infoplane: interrupted; nothing written for this run\n');
      return 130;
    }
    process.stderr.write(`infoplane: ${(err as Error).message}\n`);
    return 1;
  }
}
