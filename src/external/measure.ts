// Measuring the activations of a run trained elsewhere, one matrix (layer l at logged epoch k) at a
// time: the same estimators as `run`, created once per engine with one setting for the whole run
// (the KDE noise variance is chosen from the widest layer of the run, as `run` chooses it from the
// widest layer of its network). Every (l, k) result depends only on that matrix and the run's
// settings, so any split of the matrices over engines gives the same numbers; the one exception,
// the `running-max` bin range, depends on the layer's earlier epochs and gets one estimator per
// layer that must see the layer's epochs in order. Pure: no Node imports (library and workers).
import { DEFAULTS, type BinRangeMode, type Binning, type ExperimentConfig } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import { createEstimators, type Estimator, type EstimatorContext, type LayerActivations } from '../estimators/index.js';
import { bin } from '../estimators/bin.js';
import type { DuplicateGroups } from '../data/dataset.js';

/** The estimator settings of a plane: one value for the whole run. */
export interface PlaneSettings {
  estimators: string[];
  binning: Binning;
  binRangeMode: BinRangeMode;
  adaptiveBins: number;
  noiseVariance: number | 'auto';
  kdeSamples: number;
  /** Seed of the KDE row subsample (`run` uses the network's seed). */
  seed: number;
}

export const PLANE_DEFAULTS: PlaneSettings = {
  estimators: DEFAULTS.estimators, binning: DEFAULTS.binning, binRangeMode: DEFAULTS.binRangeMode,
  adaptiveBins: DEFAULTS.adaptiveBins, noiseVariance: DEFAULTS.noiseVariance, kdeSamples: DEFAULTS.kdeSamples, seed: 0,
};

/** What every engine measuring a run must agree on (plain data: it crosses to worker threads). */
export interface MeasureSetup {
  settings: PlaneSettings;
  rows: number;
  /** Per layer: name, units and activation ('tanh', 'relu', ..., or 'unknown'); the logged epochs. */
  layers: string[];
  widths: number[];
  activations: string[];
  epochs: number[];
  /** Columns of the inputs, when given. */
  nInputs?: number;
  labels: Int32Array;
  nClasses: number;
  /** Groups of identical input rows, when inputs were given and some repeat. */
  duplicates?: DuplicateGroups;
}

/** How the values of one matrix sit against fixed bin edges (for the misfit warning). */
export interface RangeTally { n: number; below: number; over: number; atOrAbove: number; min: number; max: number; nonFinite: number }

/** One matrix's result: per estimator its plane point (bits), and the tally when edges are fixed. */
export interface MatrixResult { l: number; k: number; ixt: number[]; ity: number[]; tally?: RangeTally }

/** Fills dst f32 [width][stride] with the matrix's rows (columns rows..stride-1 must stay 0); may
 *  return the sum of the values written (NaN or infinite when one of them is), saving a pass. */
export type MatrixFill = (dst: Float32Array, stride: number) => number | undefined;

export class PlaneMeasurer {
  readonly stride: number;
  private readonly config: ExperimentConfig;
  /** The estimators of every plane but a running-max `bin` (see perLayer); `fill` indexes `planes`. */
  private readonly shared: { est: Estimator; fill: number[] }[];
  /** Their planes, as indices into config.estimators. */
  private readonly planes: number[];
  /** running-max bin: one estimator per layer (it keeps the layer's range over the epochs so far). */
  private readonly perLayer = new Map<number, Estimator>();
  /** Index of a running-max `bin` in config.estimators, else -1. */
  private readonly binPerLayer: number;
  private readonly ctx: EstimatorContext;
  private readonly act: number;
  private readonly y: number;
  private readonly range: number;
  private readonly maxWidth: number;

  constructor(readonly engine: Engine, readonly setup: MeasureSetup) {
    const s = setup.settings;
    this.config = { ...DEFAULTS, estimators: s.estimators, binning: s.binning, binRangeMode: s.binRangeMode,
      adaptiveBins: s.adaptiveBins, noiseVariance: s.noiseVariance, kdeSamples: s.kdeSamples, seed: s.seed };
    engine.reset();
    const n = setup.rows;
    this.stride = (n + 3) & ~3;
    this.maxWidth = Math.max(...setup.widths);
    this.act = engine.alloc(4 * this.maxWidth * this.stride);
    this.y = engine.alloc(4 * this.stride);
    this.range = engine.alloc(8);
    engine.i32(this.y, n).set(setup.labels);
    // the bin estimator subtracts H(T|X) of duplicate input rows itself
    this.ctx = { maxRows: n, maxWidth: this.maxWidth, nClasses: setup.nClasses, seed: this.config.seed, duplicates: setup.duplicates };
    this.binPerLayer = s.binRangeMode === 'running-max' ? s.estimators.indexOf('bin') : -1;
    this.planes = s.estimators.map((_, i) => i).filter((i) => i !== this.binPerLayer);
    try {
      this.shared = createEstimators(this.planes.map((i) => s.estimators[i]), this.config, engine, this.ctx);
    } catch (e) {
      throw new RangeError((e as Error).message);
    }
  }

  /** Estimator settings as stated on the planes (the same for every layer and epoch). */
  settingsText(): string[] {
    const text: string[] = [];
    for (const { est, fill } of this.shared) fill.forEach((p, i) => { if (p >= 0) text[this.planes[p]] = est.planes[i].settings; });
    if (this.binPerLayer >= 0) text[this.binPerLayer] = this.layerBin(0).planes[0].settings;
    return text;
  }

  private layerBin(l: number): Estimator {
    let est = this.perLayer.get(l);
    if (!est) this.perLayer.set(l, (est = bin.create(this.config, this.engine, this.ctx)));
    return est;
  }

  /** Measure layer l at logged epoch k; `fill` writes its values. With running-max binning, call
   *  each layer's epochs in increasing k on one measurer. */
  measure(l: number, k: number, fill: MatrixFill): MatrixResult {
    const { engine, setup, stride } = this;
    const width = setup.widths[l], n = setup.rows;
    const dst = engine.f32(this.act, width * stride);
    dst.fill(0);
    const filled = fill(dst, stride);
    const b = this.config.binning;
    const edges = this.config.estimators.includes('bin') && b.kind === 'edges' && this.config.binRangeMode === 'fixed';
    const values = engine.f32(this.act, width * stride);
    // one cheap sum finds NaN and infinities (the padding is 0); the exact tally only when needed
    let sum = typeof filled === 'number' ? filled : 0;
    if (typeof filled !== 'number') for (let i = 0; i < values.length; i++) sum += values[i];
    let tally: RangeTally | undefined;
    if (!Number.isFinite(sum)) {
      const t = tallyRange(values, width, n, stride, -Infinity, Infinity);
      throw new RangeError(`layer ${setup.layers[l]} at epoch ${setup.epochs[k]}: ${t.nonFinite} of ${t.n} values are not finite numbers (a diverged run?)`);
    }
    if (edges) {
      engine.exports.act_range(this.act, width, n, stride, this.range);
      const [min, max] = engine.f32(this.range, 2);
      tally = min < Math.fround(b.lo) || max >= Math.fround(b.hi) ? tallyRange(values, width, n, stride, b.lo, b.hi)
        : { n: width * n, below: 0, over: 0, atOrAbove: 0, min, max, nonFinite: 0 };
    }
    const input: LayerActivations = { engine, act: [this.act], width: [width], activation: [setup.activations[l]],
      n, stride, labels: this.y, nClasses: setup.nClasses };
    const ixt: number[] = [], ity: number[] = [];
    for (const { est, fill } of this.shared) {
      est.measure(input).forEach(([p], i) => { if (fill[i] >= 0) { ixt[this.planes[fill[i]]] = p.ixt; ity[this.planes[fill[i]]] = p.ity; } });
    }
    if (this.binPerLayer >= 0) {
      const [[p]] = this.layerBin(l).measure(input);
      ixt[this.binPerLayer] = p.ixt;
      ity[this.binPerLayer] = p.ity;
    }
    return { l, k, ixt, ity, ...(tally ? { tally } : {}) };
  }
}

/** Values below lo, above hi and at or above hi (below and at-or-above land in the kernel's top
 *  cell), the range, and the values that are not finite. */
export function tallyRange(a: Float32Array, width: number, n: number, stride: number, lo: number, hi: number): RangeTally {
  const flo = Math.fround(lo), fhi = Math.fround(hi); // the kernel compares f32 values with f32 edges
  let below = 0, over = 0, top = 0, min = Infinity, max = -Infinity, bad = 0;
  for (let u = 0; u < width; u++) {
    for (let i = u * stride, end = i + n; i < end; i++) {
      const v = a[i];
      if (v < flo) below++;
      else if (v >= fhi) { top++; if (v > fhi) over++; }
      if (v < min) min = v;
      if (v > max) max = v;
      if (v - v !== 0) bad++; // NaN or +-Infinity
    }
  }
  return { n: width * n, below, over, atOrAbove: top, min, max, nonFinite: bad };
}

/** Copies a row-major rows x cols matrix into [col][stride] (the kernels' layout). */
export function fillFromRowMajor(data: ArrayLike<number>, rows: number, cols: number): MatrixFill {
  return (dst, stride) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) sum += dst[c * stride + r] = data[base + c];
    }
    return sum;
  };
}
