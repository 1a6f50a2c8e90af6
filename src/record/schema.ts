// The shape of DIR/infoplane.json: the plot data of one `infoplane run`.
import type { BinRangeMode, Binning, ExperimentConfig } from '../config/config.js';
import type { IBPoint } from '../bound/ib.js';
import type { LabelModel } from '../bound/labels.js';
import type { PlaneOrigin } from '../data/dump.js';
import type { SelfConsistency } from './model-info.js';
export type { PlaneOrigin } from '../data/dump.js';

export interface LayerInfo { name: string; width: number; activation: string }

/** One estimator's plane: [layer][k] in bits, k indexing the logged epochs. */
export interface MiSeries { ixt: number[][]; ity: number[][]; settings: string }

export interface DatasetInfo {
  name: string; nRows: number; nInputs: number; nClasses: number; nTrain: number; nTest: number;
  /** H(Y) over all rows, bits: the I(T;Y) axis bound. */
  hY: number;
  /** log2 of the number of rows: the I(X;T) axis bound. */
  log2N: number;
  /** Input rows that repeat an earlier row (0: every x distinct, I(X;T) = H(T)). */
  duplicateRows?: number;
  /** H(X) in bits of the empirical input distribution: the I(X;T) bound (log2N without duplicates). */
  hX?: number;
  /** Which formula I(X;T) used, in words (data/duplicates.ts). */
  note?: string;
}

/** The per-epoch series of one network (or their average over repeats). */
export interface Series {
  epochs: number[];
  mi: Record<string, MiSeries>;
  trainLoss: number[]; trainAcc: number[]; testLoss: number[]; testAcc: number[];
  /** Per weight matrix, over the mini-batch gradients of a logged epoch (docs/SCIENCE.md, Gradient statistics). */
  gradMean: number[][]; gradStd: number[][];
}

export interface RunRecord extends Series {
  repeat: number; seed: number; status: 'ok' | 'diverged';
  divergedAt?: number;
  /** With model-drawn labels: per layer at the last logged epoch, the IB self-consistency fit
   *  (record/model-info.ts). */
  selfConsistency?: SelfConsistency[];
  /** This network's phases (record/phases.ts), filled in by buildResult. */
  phases?: Required<Phases>;
}

// ---- phases and the IB bound (record/phases.ts, record/bound-gap.ts, bound/) ----
/** Compression of one layer's I(X;T): peak = max (bits), amount = peak - final (bits),
 *  onset = the logged epoch of the peak if amount > threshold, else null. */
export interface CompressionPhase { onset: number | null; peak: number | null; amount: number | null }
export interface Phases {
  /** config.compressionThreshold, bits. */
  threshold: number;
  /** [layer]: first logged epoch from which gradMean / gradStd stays below 1 (drift -> diffusion), or null;
   *  absent when the result has no gradient series (a plane of an external run). */
  snrTransition?: (number | null)[];
  /** [layer]: the same on the SNR smoothed by a windowed median (record/phases.ts SNR_WINDOW). */
  snrSwitch?: (number | null)[];
  /** {estimator: [layer]}. */
  compression: Record<string, CompressionPhase[]>;
}

/** A [lo, hi] 95% confidence interval. */
export type Ci = [number, number];
/** Seeded percentile-bootstrap 95% CIs of the mean over networks, indexed like the averaged series. */
export interface SeriesCi95 {
  trainLoss: Ci[]; trainAcc: Ci[]; testLoss: Ci[]; testAcc: Ci[];
  /** [layer][k] */
  gradMean: Ci[][]; gradStd: Ci[][];
  mi: Record<string, { ixt: Ci[][]; ity: Ci[][] }>;
}

/** The data-processing inequality across layers (record/checks.ts): for layers l < m of one network
 *  at one logged epoch, I(X;T_m) <= I(X;T_l) and I(T_m;Y) <= I(T_l;Y) must hold for any exact MI. */
export interface DpiCheck {
  /** Layer pairs (l < m) x logged epochs x networks compared. */
  pairs: number;
  /** Share of them where the deeper layer has more information by more than 1e-9 bits. */
  share: number;
  /** The largest excess, bits (0 if none). */
  largest: number;
}
export type DpiChecks = Record<string, { ixt: DpiCheck; ity: DpiCheck }>;
/** The IB bound of the run's dataset (bound/): concave, non-decreasing points in bits. */
export interface BoundRecord { points: IBPoint[]; labelModel: LabelModel }

/** A run trained by infoplane (`run`, `sweep`, the library's TrainingSession): every series present. */
export interface TrainingResult extends Series {
  format: 'infoplane/1';
  /** Absent in results written before `plane` existed. */
  source?: 'training';
  config: ExperimentConfig;
  dataset: DatasetInfo;
  layers: LayerInfo[];
  runs: RunRecord[];
  /** Phases of the averaged series (always present in new results). */
  phases?: Required<Phases>;
  /** With config.bound: the bound, and per estimator [layer][k] the bound at the layer's I(X;T) minus its I(T;Y). */
  bound?: BoundRecord;
  boundGap?: Record<string, number[][]>;
  /** With 2+ networks: 95% CIs of every averaged series (record/result.ts). */
  ci95?: SeriesCi95;
  /** Per estimator: the data-processing-inequality check over every network (record/checks.ts). */
  dpi?: DpiChecks;
  /** Lines the CLI printed as warnings (also shown in the report). */
  warnings?: string[];
}

/** The series a plane of an external run may lack (it has only the metrics a dump provides). */
export type MetricKey = 'trainLoss' | 'trainAcc' | 'testLoss' | 'testAcc' | 'gradMean' | 'gradStd';

/** The settings of `infoplane plane` that apply to its estimators: one setting for the whole run.
 *  Keys of estimators that did not run are absent. */
export interface PlaneConfig {
  name: string;
  estimators: string[];
  /** `bin`: the edges or width and the range mode. */
  binning?: Binning;
  binRangeMode?: BinRangeMode;
  /** `adaptive`: bins per layer and epoch. */
  adaptiveBins?: number;
  /** KDE: the noise variance s2 chosen once for the run, why, rows used and the subsample seed. */
  noiseVariance?: number;
  noiseVarianceRule?: string;
  kdeSamples?: number;
  seed?: number;
  compressionThreshold: number;
}


/** The information plane of a run trained elsewhere. Only what the input holds is present: the
 *  loss/accuracy series of the metrics columns given, no gradient series, no per-network runs. */
export interface ExternalResult extends Omit<Series, MetricKey>, Partial<Pick<Series, MetricKey>> {
  format: 'infoplane/1';
  source: 'external';
  config: PlaneConfig;
  origin: PlaneOrigin;
  dataset: Omit<DatasetInfo, 'nInputs' | 'nTrain' | 'nTest'> & Partial<Pick<DatasetInfo, 'nInputs' | 'nTrain' | 'nTest'>>;
  layers: LayerInfo[];
  phases?: Phases;
  warnings: string[];
  /** Never present: one run, no per-network records, no IB bound (no p(x, y) of the training data). */
  runs?: undefined; bound?: undefined; boundGap?: undefined;
}

/** DIR/infoplane.json: a trained run, or the plane of an external one (`source: "external"`). */
export type InfoplaneResult = TrainingResult | ExternalResult;

/** DIR/timing.json: kept apart so that infoplane.json depends only on the config and seeds. */
export interface Timing {
  startedAt: string; seconds: number; threads: number; epochsPerSecond: number;
  node: string; host: string;
  /** Trained on the relaxed core (fused multiply-add where the host has it; absent: the plain core). */
  relaxedSimd?: true;
}
