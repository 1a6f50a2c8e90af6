// infoplane run: train networks, measure them, write DIR/infoplane.json, timing.json, report.html.
import { Option, type Command } from 'commander';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { byDefault, checkBoundLabels, choices, configFromFlags, DEFAULT_EDGES, threadCount, type RunFlags } from '../../config/flags.js';
import { ACTIVATIONS, DEFAULTS, ESTIMATOR_NAMES, MAX_QUANT_BITS, OPTIMIZERS, PRESETS } from '../../config/config.js';
import { AUTO_S2_WIDTH } from '../../estimators/kde.js';
import { IB12_THRESHOLD } from '../../data/ib12.js';
import { checkRunFits, datasetOf } from '../../node/datasets.js';
import { Interrupted, runRepeats } from '../../node/pool.js';
import { prepareOutDir, writeFileAtomic } from '../../node/atomic.js';
import { buildResult } from '../../record/result.js';
import type { Timing } from '../../record/schema.js';
import { writeReport } from '../../report/write-node.js';
import { addRelaxedSimdOption, applyRelaxedSimd, epochRate, interruptible, progressBar } from '../terminal.js';
import { dumpDirOf } from '../../node/dump-writer.js';

export async function runCommand(flags: RunFlags & { out: string; threads?: string; dumpActivations?: string; relaxedSimd?: boolean }): Promise<void> {
  const config = configFromFlags(flags);
  const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
  const relaxed = applyRelaxedSimd(flags.relaxedSimd);
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
    epochsPerSecond: total / seconds, node: process.version, host: hostname(), ...(relaxed ? { relaxedSimd: true as const } : {}),
  };
  // infoplane.json depends only on config and seeds; timing lives beside it.
  writeFileAtomic(join(flags.out, 'infoplane.json'), JSON.stringify(result));
  writeFileAtomic(join(flags.out, 'timing.json'), JSON.stringify(timing, null, 1));
  const report = writeReport(flags.out, result, timing);
  const diverged = runs.filter((r) => r.status === 'diverged').length;
  const last = result.epochs.length - 1;
  // --train-fraction 1 leaves no test rows (test accuracy NaN): say the training accuracy instead
  const [which, acc, note] = Number.isFinite(result.testAcc[last]) ? ['test', result.testAcc[last], ''] : ['training', result.trainAcc[last], ' (no test rows)'];
  const accuracy = Number.isFinite(acc) ? `${which} accuracy ${(acc * 100).toFixed(1)}%${note}` : 'no accuracy';
  process.stdout.write(`${config.name}: ${config.repeats} network(s) x ${config.epochs} epochs in ${seconds.toFixed(1)} s ` +
    `(${threads} thread(s)${relaxed ? ', relaxed SIMD' : ''}); ${accuracy} at epoch ${result.epochs[last]}` +
    `${diverged ? `; ${diverged} diverged` : ''}; report: ${report}\n`);
}

/** The options that describe an experiment (shared by `run` and `sweep`, whose values may be lists). */
export function addRunOptions(command: Command): Command {
  const D = DEFAULTS, E = DEFAULT_EDGES, S = D.miSchedule;
  return command
    .option('--preset <name>', `${choices(Object.keys(PRESETS))} (explicit flags override)`)
    .option('--name <text>', `a name for the run (default: the preset name or "${D.name}")`)
    .option('--dataset <name|file>', `ib12, mnist, or a CSV/JSON/.npy/.mat file ${byDefault(D.dataset)}`)
    .option('--label-column <name|index>', 'label column of a CSV/npy/JSON table: header name or 0-based index (default: last); variable of a .mat (default y)')
    .option('--layers <widths>', `hidden widths; a softmax output is added ${byDefault(D.layers)}`)
    .option('--activation <name>', `${choices(ACTIVATIONS)} ${byDefault(D.activation)}`)
    .option('--optimizer <name>', `${choices(OPTIMIZERS)} ${byDefault(D.optimizer)}`)
    .option('--lr <x>', `learning rate ${byDefault(D.lr)}`)
    .option('--momentum <x>', `momentum coefficient for --optimizer momentum ${byDefault(D.momentum)}`)
    .option('--batch <n>', `mini-batch size ${byDefault(D.batch)}`)
    .option('--epochs <n>', `epochs ${byDefault(D.epochs)}`)
    .option('--init <name>', `weight std 1/sqrt(fan_in) (reference code) or fan_out (Saxe et al.) ${byDefault(D.init)}`)
    .option('--train-fraction <x>', `fraction of rows used for training ${byDefault(D.trainFraction)}`)
    .option('--split <kind>', `random (seeded) | ordered (the reference code: first rows train) | stratified (seeded, per class) ${byDefault(D.split)}`)
    .addOption(new Option('--no-shuffle', 'keep a fixed batch order every epoch (the reference code)').default(undefined))
    .option('--mi-schedule <s>', `log | saxe | all | every:K ${byDefault(S.kind)}`)
    .option('--mi-points <n>', `points of the log schedule before de-duplication ${byDefault(S.kind === 'log' ? S.points : 400)}`)
    .option('--bins <n>', `number of bin edges, linspace(lo, hi, n) ${byDefault(E.bins)}`)
    .option('--bin-range <lo,hi>', `range of the edges ${byDefault([E.lo, E.hi])}`)
    .option('--bin-width <w>', 'bins of width w: floor(v / w) (Saxe et al.)')
    .option('--estimators <list>', `comma-separated: ${ESTIMATOR_NAMES.join(', ')} (exact needs --quantize) ${byDefault(D.estimators)}`)
    .option('--quantize <bits>', `quantize every layer's activations to 2^bits levels in training and evaluation (Lorenzen et al.; 1..${MAX_QUANT_BITS}, or off) ${byDefault('off')}`)
    .option('--bin-range-mode <mode>', `range of the --bins edges per layer: fixed (--bin-range) | observed (min/max at each epoch) | running-max (min/max so far) ${byDefault(D.binRangeMode)}`)
    .option('--adaptive-bins <n>', `bins of the adaptive (EBAB) estimator ${byDefault(D.adaptiveBins)}`)
    .option('--noise-variance <s2>', `KDE noise variance, or auto: 1e-3 if the widest layer has <= ${AUTO_S2_WIDTH} units, else 1e-1 ${byDefault(D.noiseVariance)}`)
    .option('--kde-samples <n>', `KDE on at most n rows, a seeded subsample of larger datasets; 0 = all rows ${byDefault(D.kdeSamples)}`)
    .option('--repeats <n>', `networks with seeds seed..seed+n-1, averaged ${byDefault(D.repeats)}`)
    .option('--seed <n>', `first seed ${byDefault(D.seed)}`)
    .option('--bound', 'compute the IB bound of the dataset, overlay it on the planes and store each layer\'s gap to it')
    .option('--split-mi', 'also measure the bin partition on the training rows and on the test rows apart (series bin-train, bin-test)')
    .option('--labels <mode>', 'training labels: data, shuffled (a control: permuted over the rows) or noisy (drawn once from --label-noise-gamma\'s model; seeded by --seed)')
    .option('--label-noise-gamma <g>', 'noisy label model p(y=1|x) = sigmoid(g (n + |S| - theta)) (12-bit data): the bound\'s with --bound, the training labels\' with --labels noisy')
    .option('--label-noise-theta <t>', `theta of the noisy label model (default ${IB12_THRESHOLD}, the ib12 threshold)`)
    .option('--compression-threshold <bits>', `I(X;T) must fall this much from its peak to count as compression ${byDefault(D.compressionThreshold)}`);
}

export function register(program: Command): void {
  addRelaxedSimdOption(addRunOptions(program.command('run'))
    .option('--threads <n>', 'worker threads (default: number of cores)'))
    .requiredOption('--out <dir>', 'output folder')
    .option('--dump-activations <dir>', 'also write every logged epoch\'s layer activations, labels, inputs and metrics there (the dump layout `infoplane plane --dump` reads; one folder rNNNN per network with --repeats > 1)')
    .action(runCommand);
}
