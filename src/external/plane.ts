// The information plane of a run trained elsewhere: activations per layer and logged epoch in,
// an InfoplaneResult out (`source: "external"`). The result holds only what the input holds: no
// gradient series, loss/accuracy only for the metrics given, settings only of the estimators that
// ran. `infoplane plane` is a thin shell over this (it reads files and spreads epochs over worker
// threads, each running a PlaneMeasurer). Pure: no Node imports, usable in browsers.
import type { Engine } from '../engine/engine.js';
import { labelEntropy } from '../data/dataset.js';
import { duplicatesNote, findDuplicates } from '../data/duplicates.js';
import { compressionOf } from '../record/phases.js';
import type { ExternalResult, MetricKey, PlaneConfig, PlaneOrigin } from '../record/schema.js';
import { DEFAULTS } from '../config/config.js';
import { kdeNoiseVariance, kdeRowCount } from '../estimators/kde.js';
import { ESTIMATORS } from '../estimators/index.js';
import { fillFromRowMajor, PLANE_DEFAULTS, PlaneMeasurer, type MatrixResult, type MeasureSetup, type PlaneSettings, type RangeTally } from './measure.js';

/** A row-major rows x cols matrix (rows = samples, cols = units). */
export interface ActivationMatrix { data: ArrayLike<number>; rows: number; cols: number }

export type MetricSeries = Partial<Record<Exclude<MetricKey, 'gradMean' | 'gradStd'>, ArrayLike<number>>>;

/** A run's activations as the library takes them. */
export interface ExternalRun {
  name?: string;
  /** Layer names in order, optionally with the activation function that produced them. */
  layers: (string | { name: string; activation?: string })[];
  /** The logged epochs, increasing. */
  epochs: number[];
  /** [layer][k] matrices, or a function returning layer l at epochs[k] (called once per matrix,
   *  so a caller can load them one at a time). Every matrix of a layer has the same shape. */
  activations: ArrayLike<ArrayLike<ActivationMatrix>> | ((layer: number, k: number) => ActivationMatrix);
  /** One class per row, integers 0..65535. */
  labels: ArrayLike<number>;
  /** The input rows (rows x inputs): identical rows are then grouped as `run` groups them. */
  inputs?: ActivationMatrix;
  /** Per logged epoch (aligned with epochs; NaN where unknown). */
  metrics?: MetricSeries;
  origin?: PlaneOrigin;
}

export interface PlaneOptions extends Partial<PlaneSettings> {
  /** Bits I(X;T) must fall from its peak to count as compression (record/phases.ts). */
  compressionThreshold?: number;
  /** Share of a layer's values outside fixed bin edges above which a warning is raised. */
  warnShare?: number;
}

/** Outside-the-edges share that triggers the misfit warning: values below lo share the top cell
 *  with values >= hi and values above hi lose every distinction, so even 0.1% bends H(T). */
export const WARN_SHARE = 0.001;

/** What the run looks like before any matrix is measured. */
export interface RunShape {
  name: string;
  layers: string[];
  activations: string[];
  epochs: number[];
  rows: number;
  widths: number[];
}

/** Checks the labels (and inputs) against the rows and builds what every measurer needs. */
export function measureSetup(shape: RunShape, labels: ArrayLike<number>, settings: PlaneSettings, inputs?: ActivationMatrix): MeasureSetup {
  const n = shape.rows;
  if (labels.length !== n) throw new RangeError(`${labels.length} labels for ${n} activation rows`);
  const y = new Int32Array(n);
  let K = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new RangeError(`label ${v} at row ${i} is not an integer in 0..65535`);
    y[i] = v;
    K = Math.max(K, v + 1);
  }
  for (const e of settings.estimators) if (!ESTIMATORS[e]) throw new RangeError(`unknown estimator "${e}"`);
  let duplicates;
  if (inputs) {
    if (inputs.rows !== n) throw new RangeError(`${inputs.rows} input rows for ${n} activation rows`);
    duplicates = findDuplicates(Float32Array.from(inputs.data), inputs.rows, inputs.cols);
  }
  return { settings, rows: n, layers: shape.layers, widths: shape.widths, activations: shape.activations, epochs: shape.epochs,
    labels: y, nClasses: Math.max(K, 1), ...(inputs ? { nInputs: inputs.cols, duplicates } : {}) };
}

/** One warning line per layer whose values do not fit fixed bin edges, from its tallies over all epochs. */
export function misfitWarnings(shape: RunShape, settings: PlaneSettings, tallies: (RangeTally | undefined)[], warnShare = WARN_SHARE): string[] {
  const b = settings.binning;
  if (b.kind !== 'edges') return [];
  const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
  const out: string[] = [];
  tallies.forEach((t, l) => {
    if (!t || (t.below + t.over) / t.n <= warnShare) return;
    out.push(`layer ${shape.layers[l]}: ${pct(t.atOrAbove + t.below, t.n)} of its values fall in the top cell of ${b.bins} edges ` +
      `linspace(${b.lo}, ${b.hi}) (${pct(t.over, t.n)} above ${b.hi}, ${pct(t.below, t.n)} below ${b.lo}, which the reference binning wraps into that cell); ` +
      `values span [${t.min.toPrecision(4)}, ${t.max.toPrecision(4)}]: try --bin-range-mode observed, --bin-range ${t.min.toPrecision(3)},${t.max.toPrecision(3)} or --bin-width`);
  });
  return out;
}

/** Sums the tallies of one layer's matrices. */
export function addTally(a: RangeTally | undefined, b: RangeTally): RangeTally {
  if (!a) return { ...b };
  return { n: a.n + b.n, below: a.below + b.below, over: a.over + b.over, atOrAbove: a.atOrAbove + b.atOrAbove,
    min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), nonFinite: a.nonFinite + b.nonFinite };
}

/** The settings that applied, and only those (PlaneConfig). */
export function planeConfig(name: string, settings: PlaneSettings, maxWidth: number, rows: number, threshold: number): PlaneConfig {
  const c: PlaneConfig = { name, estimators: settings.estimators, compressionThreshold: threshold };
  const has = (e: string) => settings.estimators.includes(e);
  if (has('bin')) { c.binning = settings.binning; c.binRangeMode = settings.binRangeMode; }
  if (has('adaptive')) c.adaptiveBins = settings.adaptiveBins;
  if (has('kde-upper') || has('kde-lower')) {
    const { s2, why } = kdeNoiseVariance(settings, maxWidth);
    c.noiseVariance = s2;
    c.noiseVarianceRule = why;
    c.kdeSamples = settings.kdeSamples;
    if (kdeRowCount(settings.kdeSamples, rows) < rows) c.seed = settings.seed;
  }
  return c;
}

/** The ExternalResult from every matrix's result (in any order). */
export function assemblePlane(shape: RunShape, setup: MeasureSetup, settingsText: string[], results: MatrixResult[],
  opts: { metrics?: MetricSeries; origin: PlaneOrigin; threshold: number; warnings: string[] }): ExternalResult {
  const L = shape.layers.length, K = shape.epochs.length;
  const { settings } = setup;
  const grid = () => Array.from({ length: L }, () => new Array<number>(K).fill(NaN));
  const ixt = settings.estimators.map(grid), ity = settings.estimators.map(grid);
  for (const r of results) settings.estimators.forEach((_, e) => { ixt[e][r.l][r.k] = r.ixt[e]; ity[e][r.l][r.k] = r.ity[e]; });
  const mi = Object.fromEntries(settings.estimators.map((name, e) => [name, { ixt: ixt[e], ity: ity[e], settings: settingsText[e] }]));
  const metrics: Partial<Record<keyof MetricSeries, number[]>> = {};
  for (const [key, values] of Object.entries(opts.metrics ?? {}) as [keyof MetricSeries, ArrayLike<number>][]) {
    if (values === undefined) continue;
    if (values.length !== K) throw new RangeError(`metrics ${key}: ${values.length} values for ${K} logged epochs`);
    metrics[key] = Array.from(values);
  }
  const d = setup.duplicates;
  const dataset: ExternalResult['dataset'] = {
    name: shape.name, nRows: shape.rows, nClasses: setup.nClasses, hY: labelEntropy(setup.labels, setup.nClasses), log2N: Math.log2(shape.rows),
    ...(d ? { nInputs: setup.nInputs, duplicateRows: d.duplicateRows, hX: d.hX, note: duplicatesNote(d, shape.rows) }
      : { note: 'no inputs given: I(X;T) = H(T), which assumes every row is a distinct input with p(x) uniform (give the inputs to check)' }),
  };
  return {
    format: 'infoplane/1',
    source: 'external',
    config: planeConfig(shape.name, settings, Math.max(...shape.widths), shape.rows, opts.threshold),
    origin: opts.origin,
    dataset,
    layers: shape.layers.map((name, l) => ({ name, width: shape.widths[l], activation: shape.activations[l] })),
    epochs: shape.epochs.slice(),
    mi,
    ...metrics,
    phases: {
      threshold: opts.threshold,
      compression: Object.fromEntries(Object.entries(mi).map(([name, s]) => [name, s.ixt.map((row) => compressionOf(shape.epochs, row, opts.threshold))])),
    },
    warnings: opts.warnings,
  };
}

/** Plane settings: PLANE_DEFAULTS with the given ones. */
export function planeSettings(options: Partial<PlaneSettings> = {}): PlaneSettings {
  const s = { ...PLANE_DEFAULTS };
  for (const key of Object.keys(PLANE_DEFAULTS) as (keyof PlaneSettings)[]) {
    if (options[key] !== undefined) Object.assign(s, { [key]: options[key] });
  }
  return s;
}

/**
 * The information plane of a run trained elsewhere, in one call: every layer at every logged
 * epoch with the chosen estimators (one setting for the whole run), as an InfoplaneResult with
 * `source: "external"`. Works in Node and browsers; matrices are read one at a time.
 */
export function infoplaneOfActivations(engine: Engine, run: ExternalRun, options: PlaneOptions = {}): ExternalResult {
  const settings = planeSettings(options);
  const threshold = options.compressionThreshold ?? DEFAULTS.compressionThreshold;
  const L = run.layers.length, K = run.epochs.length;
  if (L === 0 || K === 0) throw new RangeError('a run needs at least one layer and one logged epoch');
  for (let k = 1; k < K; k++) if (!(run.epochs[k] > run.epochs[k - 1])) throw new RangeError(`epochs must increase (epoch ${run.epochs[k]} after ${run.epochs[k - 1]})`);
  const get = typeof run.activations === 'function' ? run.activations : ((all) => (l: number, k: number) => all[l][k])(run.activations);
  const names = run.layers.map((x) => (typeof x === 'string' ? x : x.name));
  // shapes from the first epoch; every later matrix must match
  const first = names.map((_, l) => get(l, 0));
  const shape: RunShape = {
    name: run.name ?? 'external', layers: names, epochs: run.epochs.slice(),
    activations: run.layers.map((x) => (typeof x === 'string' ? 'unknown' : x.activation ?? 'unknown')),
    rows: first[0].rows, widths: first.map((m) => m.cols),
  };
  const setup = measureSetup(shape, run.labels, settings, run.inputs);
  const m = new PlaneMeasurer(engine, setup);
  const results: MatrixResult[] = [];
  const tallies: (RangeTally | undefined)[] = new Array(L);
  for (let l = 0; l < L; l++) {
    for (let k = 0; k < K; k++) {
      const a = k === 0 ? first[l] : get(l, k);
      if (a.rows !== shape.rows || a.cols !== shape.widths[l] || a.data.length !== a.rows * a.cols) {
        throw new RangeError(`layer ${names[l]} at epoch ${run.epochs[k]}: ${a.rows} x ${a.cols} (${a.data.length} values), expected ${shape.rows} x ${shape.widths[l]}`);
      }
      const r = m.measure(l, k, fillFromRowMajor(a.data, a.rows, a.cols));
      if (r.tally) tallies[l] = addTally(tallies[l], r.tally);
      results.push(r);
    }
  }
  return assemblePlane(shape, setup, m.settingsText(), results, {
    metrics: run.metrics, origin: run.origin ?? { kind: 'arrays' }, threshold,
    warnings: misfitWarnings(shape, settings, tallies, options.warnShare),
  });
}
