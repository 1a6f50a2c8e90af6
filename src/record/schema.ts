// The shape of DIR/infoplane.json: the plot data of one `infoplane run`.
import type { ExperimentConfig } from '../config.js';

export interface LayerInfo { name: string; width: number; activation: string }

/** One estimator's plane: [layer][k] in bits, k indexing the logged epochs. */
export interface MiSeries { ixt: number[][]; ity: number[][]; settings: string }

export interface DatasetInfo {
  name: string; nRows: number; nInputs: number; nClasses: number; nTrain: number; nTest: number;
  /** H(Y) over all rows, bits: the I(T;Y) axis bound. */
  hY: number;
  /** log2 of the number of rows: the I(X;T) axis bound. */
  log2N: number;
}

/** The per-epoch series of one network (or their average over repeats). */
export interface Series {
  epochs: number[];
  mi: Record<string, MiSeries>;
  trainLoss: number[]; trainAcc: number[]; testLoss: number[]; testAcc: number[];
  /** Per weight matrix, over the mini-batch gradients of a logged epoch (PAPER.md 3). */
  gradMean: number[][]; gradStd: number[][];
}

export interface RunRecord extends Series {
  repeat: number; seed: number; status: 'ok' | 'diverged';
  divergedAt?: number;
}

export interface InfoplaneResult extends Series {
  format: 'infoplane/1';
  config: ExperimentConfig;
  dataset: DatasetInfo;
  layers: LayerInfo[];
  runs: RunRecord[];
}

/** DIR/timing.json: kept apart so that infoplane.json depends only on the config and seeds. */
export interface Timing {
  startedAt: string; seconds: number; threads: number; epochsPerSecond: number;
  node: string; host: string;
}
