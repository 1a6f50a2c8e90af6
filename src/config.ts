// One type describes an experiment; presets are partial configs; the CLI only fills this in.

export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'linear' | 'softsign' | 'softplus';
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type InitName = 'fan_in' | 'fan_out';
export type SplitName = 'random' | 'ordered';
export type MiSchedule = { kind: 'log'; points: number } | { kind: 'saxe' } | { kind: 'all' } | { kind: 'every'; k: number };
export type Binning =
  | { kind: 'edges'; bins: number; lo: number; hi: number } // reference: linspace(lo, hi, bins) edges
  | { kind: 'width'; width: number }; // Saxe et al.: floor(v / width)

export interface ExperimentConfig {
  name: string;
  dataset: string; // 'ib12' or a file path
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
};

export const PRESETS: Record<string, Partial<ExperimentConfig>> = {
  // The paper's setup as described in its text, with the reference code's optimizer.
  paper: { name: 'paper' },
  // ravidziv/IDNNs exactly: unshuffled ordered split, fixed batch order.
  idnns: { name: 'idnns', split: 'ordered', shuffleBatches: false },
  // Saxe et al. 2018 (artemyk/ibsgd).
  saxe: {
    name: 'saxe', batch: 256, epochs: 10000, init: 'fan_out', miSchedule: { kind: 'saxe' },
    binning: { kind: 'width', width: 0.07 },
  },
};
