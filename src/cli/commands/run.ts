// infoplane run: train networks, measure them, write DIR/infoplane.json, timing.json, report.html.
import { Option, type Command } from 'commander';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { checkBoundLabels, configFromFlags, threadCount, type RunFlags } from '../../config/flags.js';
import { checkRunFits, datasetOf } from '../../node/datasets.js';
import { Interrupted, runRepeats } from '../../node/pool.js';
import { prepareOutDir, writeFileAtomic } from '../../node/atomic.js';
import { buildResult } from '../../record/result.js';
import type { Timing } from '../../record/schema.js';
import { writeReport } from '../../report/write-node.js';
import { epochRate, interruptible, progressBar } from '../terminal.js';
import { dumpDirOf } from '../../node/dump-writer.js';

export async function runCommand(flags: RunFlags & { out: string; threads?: string; dumpActivations?: string }): Promise<void> {
  const config = configFromFlags(flags);
  const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
  const data = datasetOf(config);
  checkRunFits(config, data);
  checkBoundLabels(config, data);
  prepareOutDir(flags.out);
  const dump = flags.dumpActivations;
  if (dump !== undefined) for (let r = 0; r < config.repeats; r++) prepareOutDir(dumpDirOf(dump, r, config.repeats));
  const total = config.repeats * config.epochs;
  const bar = progressBar(`${config.name} |{bar}| {percentage}% | {value}/{total} epochs | {rate} epochs/s | ETA {eta_formatted}`);
  const done = new Array<number>(config.repeats).fill(0);
  const t0 = performance.now();
  bar.start(total, 0, { rate: '0' });
  let runs;
  try {
    runs = await interruptible((signal) => runRepeats(config, data, threads, (p) => {
      done[p.repeat] = p.epochsDone;
      const sum = done.reduce((a, b) => a + b, 0);
      bar.update(sum, { rate: epochRate(sum, t0) });
    }, signal, dump !== undefined ? (r) => dumpDirOf(dump, r, config.repeats) : undefined));
  } catch (err) {
    if (err instanceof Interrupted) throw new Interrupted('interrupted; nothing written for this run');
    throw err;
  } finally {
    bar.stop();
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
    .option('--preset <name>', 'paper | idnns | saxe | mnist (explicit flags override)')
    .option('--name <text>', 'a name for the run (default: the preset name or "run")')
    .option('--dataset <name|file>', 'ib12, mnist, or a CSV/JSON/.npy/.mat file (default ib12)')
    .option('--label-column <name|index>', 'label column of a CSV/npy/JSON table: header name or 0-based index (default: last); variable of a .mat (default y)')
    .option('--layers <widths>', 'hidden widths; a softmax output is added (default 10,7,5,4,3)')
    .option('--activation <name>', 'tanh | relu | sigmoid | linear | softsign | softplus (default tanh)')
    .option('--optimizer <name>', 'sgd | momentum | adam (default adam)')
    .option('--lr <x>', 'learning rate (default 4e-4)')
    .option('--momentum <x>', 'momentum coefficient for --optimizer momentum (default 0.9)')
    .option('--batch <n>', 'mini-batch size (default 512)')
    .option('--epochs <n>', 'epochs (default 8000)')
    .option('--init <name>', 'weight std 1/sqrt(fan_in) (reference code) or fan_out (Saxe et al.) (default fan_in)')
    .option('--train-fraction <x>', 'fraction of rows used for training (default 0.8)')
    .option('--split <kind>', 'random (seeded) | ordered (the reference code: first rows train) | stratified (seeded, per class) (default random)')
    .addOption(new Option('--no-shuffle', 'keep a fixed batch order every epoch (the reference code)').default(undefined))
    .option('--mi-schedule <s>', 'log | saxe | all | every:K (default log)')
    .option('--mi-points <n>', 'points of the log schedule before de-duplication (default 400)')
    .option('--bins <n>', 'number of bin edges, linspace(lo, hi, n) (default 30, as the reference code)')
    .option('--bin-range <lo,hi>', 'range of the edges (default -1,1)')
    .option('--bin-width <w>', 'bins of width w: floor(v / w) (Saxe et al.)')
    .option('--estimators <list>', 'comma-separated: bin, adaptive, kde-upper, kde-lower (default bin)')
    .option('--bin-range-mode <mode>', 'range of the --bins edges per layer: fixed (--bin-range) | observed (min/max at each epoch) | running-max (min/max so far) (default fixed)')
    .option('--adaptive-bins <n>', 'bins of the adaptive (EBAB) estimator (default 30)')
    .option('--noise-variance <s2>', 'KDE noise variance, or auto: 1e-3 if the widest layer has <= 64 units, else 1e-1 (default auto)')
    .option('--kde-samples <n>', 'KDE on at most n rows, a seeded subsample of larger datasets; 0 = all rows (default 4096)')
    .option('--repeats <n>', 'networks with seeds seed..seed+n-1, averaged (default 1)')
    .option('--seed <n>', 'first seed (default 0)')
    .option('--bound', 'compute the IB bound of the dataset, overlay it on the planes and store each layer\'s gap to it')
    .option('--split-mi', 'also measure the bin partition on the training rows and on the test rows apart (series bin-train, bin-test)')
    .option('--labels <mode>', 'training labels: data, shuffled (a control: permuted over the rows) or noisy (drawn once from --label-noise-gamma\'s model; seeded by --seed)')
    .option('--label-noise-gamma <g>', 'noisy label model p(y=1|x) = sigmoid(g (n + |S| - theta)) (12-bit data): the bound\'s with --bound, the training labels\' with --labels noisy')
    .option('--label-noise-theta <t>', 'theta of the noisy label model (default 7.65, the ib12 threshold)')
    .option('--compression-threshold <bits>', 'I(X;T) must fall this much from its peak to count as compression (default 0.1)');
}

export function register(program: Command): void {
  addRunOptions(program.command('run')
    .description('train networks, measure MI at logged epochs, write DIR/infoplane.json and DIR/report.html'))
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--dump-activations <dir>', 'also write every logged epoch\'s layer activations, labels, inputs and metrics there (the dump layout `infoplane plane --dump` reads; one folder rNNNN per network with --repeats > 1)')
    .action(runCommand);
}
