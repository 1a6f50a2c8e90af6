// infoplane bound: the information bottleneck bound of a dataset (docs/SCIENCE.md, The IB bound), as JSON points.
import type { Command } from 'commander';
import { IB12_THRESHOLD } from '../../data/ib12.js';
import { resolveDataset } from '../../node/datasets.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { datasetBound } from '../../bound/bound.js';
import { IB_DEFAULTS } from '../../bound/ib.js';
import { labelModelProblem, type LabelModel } from '../../bound/labels.js';
import { labelNoiseFromFlags, num, UsageError } from '../../config/flags.js';

interface BoundFlags {
  dataset: string; out: string; labelColumn?: string;
  labelNoiseGamma?: string; labelNoiseTheta?: string; betaMax?: string; betaMin?: string; betaStep?: string;
}

function boundCommand(f: BoundFlags): void {
  // every flag is checked before the dataset is read
  const noise = labelNoiseFromFlags(f.labelNoiseGamma, f.labelNoiseTheta);
  const labelModel: LabelModel = noise ? { kind: 'noisy', ...noise } : { kind: 'data' };
  const betaMax = f.betaMax === undefined ? IB_DEFAULTS.betaMax : num('beta-max', f.betaMax, (x) => x > 0, 'a number > 0');
  const betaMin = f.betaMin === undefined ? IB_DEFAULTS.betaMin : num('beta-min', f.betaMin, (x) => x > 0, 'a number > 0');
  const betaStep = f.betaStep === undefined ? IB_DEFAULTS.betaStep : num('beta-step', f.betaStep, (x) => x > 0, 'a number > 0');
  if (!(betaMax >= betaMin)) throw new UsageError(`--beta-min: ${betaMin} is above --beta-max ${betaMax}`);
  const steps = Math.log2(betaMax / betaMin) / betaStep;
  if (steps > 10000) throw new UsageError(`--beta-step: ${betaStep} gives ${Math.ceil(steps)} betas between ${betaMin} and ${betaMax}; at most 10000`);
  if (f.dataset.trim() === '') throw new UsageError('--dataset: empty; give ib12 or a file');

  const data = resolveDataset(f.dataset, { labelColumn: f.labelColumn });
  const problem = labelModelProblem(data, labelModel);
  if (problem) throw new UsageError(`--label-noise-gamma: ${problem}`);
  const b = datasetBound(data, labelModel, { betaMax, betaMin, betaStep });
  const out = {
    points: b.points, dataset: data.name, labelModel, hY: b.hY,
    iXY: b.iXY, hX: b.hX, distinctX: b.distinctX,
    beta: { max: b.betaMax, min: b.betaMin, step: b.betaStep }, unconverged: b.unconverged,
  };
  writeFileAtomic(f.out, JSON.stringify(out) + '\n');
  process.stdout.write(`${data.name}: IB bound with ${b.points.length} points, I(X;Y) = ${b.iXY.toFixed(5)} bits, H(Y) = ${b.hY.toFixed(5)}, ` +
    `${b.distinctX} distinct p(y|x); written to ${f.out}\n`);
}

export function register(program: Command): void {
  program.command('bound')
    .requiredOption('--dataset <name|file>', 'ib12, mnist, or a CSV/JSON/.npy/.mat file')
    .option('--label-column <name|index>', 'label column of a dataset file (default: last)')
    .option('--label-noise-gamma <g>', 'noisy labels p(y=1|x) = sigmoid(g (n + |S| - theta)) instead of the data\'s (12-bit data)')
    .option('--label-noise-theta <t>', `theta of the noisy label model (default ${IB12_THRESHOLD})`)
    .option('--beta-max <b>', `first (largest) beta (default ${IB_DEFAULTS.betaMax})`)
    .option('--beta-min <b>', `last beta (default ${IB_DEFAULTS.betaMin})`)
    .option('--beta-step <s>', `log2 step between betas (default ${IB_DEFAULTS.betaStep})`)
    .requiredOption('--out <file>', 'output JSON file')
    .action(boundCommand);
}
