// Turning option text (command-line flags, sweep grids, the web app's form) into an
// ExperimentConfig: every value is checked before any work starts, and a bad one is reported as
// `--flag: problem`. No Node imports.
import {
  ACTIVATIONS, BIN_RANGE_MODES, DEFAULTS, ESTIMATOR_NAMES, EXACT_NOT_QUANTIZED, INITS, MAX_QUANT_BITS, OPTIMIZERS, PRESETS, SPLITS, labelModelOf,
  type Binning, type ExperimentConfig, type MiSchedule,
} from './config.js';
import { IB12_THRESHOLD } from '../data/ib12.js';
import type { Dataset } from '../data/dataset.js';
import { labelModelProblem } from '../bound/labels.js';
import { LABEL_MODES } from '../data/relabel.js';

/** A bad option value: the CLI prints the message as one line and exits 2. */
export class UsageError extends Error {}

/** Help texts from the one list of names and DEFAULTS: "a | b | c" and "(default x)". */
export const choices = (names: readonly string[]) => names.join(' | ');
export const byDefault = (v: unknown) => `(default ${Array.isArray(v) ? v.join(',') : String(v)})`;
/** The default --bins, --bin-range of edges binning. */
export const DEFAULT_EDGES = DEFAULTS.binning.kind === 'edges' ? DEFAULTS.binning : { bins: 30, lo: -1, hi: 1 };
/** Decimal notation only: Number() would also take 0x10, 0b11, 0o7 and '' (as 0). */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** A number from flag text, or UsageError `--flag: "v" is not <want>`. */
export function num(flag: string, v: string, check: (x: number) => boolean, want: string): number {
  const x = Number(v);
  if (!DECIMAL.test(v) || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${flag}: "${v}" is not ${want}`);
  return x;
}
export const posInt = (flag: string, v: string) => num(flag, v, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1');
const nonNegInt = (flag: string, v: string) => num(flag, v, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, 'a whole number >= 0');
const posReal = (flag: string, v: string) => num(flag, v, (x) => x > 0, 'a number > 0');
// Limits that keep a run within what the wasm core (32-bit, f32) and a machine can hold; they
// reject typos such as --epochs 1e12 before any work instead of failing hours later.
const F32_MAX = 3.4028234663852886e38;
export const LIMITS = { width: 1 << 16, epochs: 1e8, repeats: 1e5, miPoints: 1e6, threads: 256, nameLength: 200 } as const;
const intUpTo = (flag: string, v: string, max: number) =>
  num(flag, v, (x) => Number.isInteger(x) && x >= 1 && x <= max, `a whole number in 1..${max}`);
/** --threads of run, sweep and reproduce. */
export const threadCount = (v: string) => intUpTo('threads', v, LIMITS.threads);

/** A switch given by commander (boolean) or as text by a sweep grid ("true" / "false"). */
function boolFlag(flag: string, v: boolean | string): boolean {
  if (v !== true && v !== false && v !== 'true' && v !== 'false') throw new UsageError(`--${flag}: "${v}" is not true or false`);
  return v === true || v === 'true';
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseLayers(v: string): number[] {
  const parts = v.split(',');
  if (parts.some((p) => !/^\s*\d+\s*$/.test(p)) || parts.some((p) => Number(p) < 1)) {
    throw new UsageError(`--layers: "${v}" is not a comma-separated list of widths >= 1 (e.g. 10,7,5,4,3)`);
  }
  if (parts.some((p) => Number(p) > LIMITS.width)) throw new UsageError(`--layers: "${v}" has a width above ${LIMITS.width}`);
  if (parts.length > 30) throw new UsageError(`--layers: "${v}" has ${parts.length} layers; at most 30 hidden layers`);
  return parts.map(Number);
}

function parseSchedule(v: string, points: number): MiSchedule {
  if (v === 'log') return { kind: 'log', points };
  if (v === 'saxe' || v === 'all') return { kind: v };
  const m = /^every:(\d+)$/.exec(v);
  if (m && Number(m[1]) >= 1) return { kind: 'every', k: Number(m[1]) };
  throw new UsageError(`--mi-schedule: "${v}" is not log, saxe, all or every:K (K >= 1)`);
}

export interface RunFlags {
  preset?: string; name?: string; dataset?: string; layers?: string; activation?: string; optimizer?: string;
  lr?: string; momentum?: string; batch?: string; epochs?: string; init?: string; trainFraction?: string;
  split?: string; shuffle?: boolean | string; miSchedule?: string; miPoints?: string; bins?: string; binWidth?: string;
  binRange?: string; estimators?: string; repeats?: string; seed?: string; labelColumn?: string;
  // the IB bound and phases (bound/, record/phases.ts); bound may come as text from a sweep grid
  bound?: boolean | string; labels?: string; splitMi?: boolean | string; labelNoiseGamma?: string; labelNoiseTheta?: string; compressionThreshold?: string;
  // the rival estimators (estimators/bin.ts, adaptive.ts, kde.ts)
  binRangeMode?: string; adaptiveBins?: string; noiseVariance?: string; kdeSamples?: string;
  // quantized activations and their exact information plane (assembly/quantize.ts, estimators/exact.ts)
  quantize?: string;
}

/** DEFAULTS, then the preset, then the flags the user gave. */
export function configFromFlags(f: RunFlags): ExperimentConfig {
  const c: ExperimentConfig = structuredClone(DEFAULTS);
  if (f.preset !== undefined) {
    const p = PRESETS[f.preset];
    if (!p) throw new UsageError(`--preset: "${f.preset}" is not one of ${Object.keys(PRESETS).join(', ')}`);
    Object.assign(c, structuredClone(p));
  }
  if (f.name !== undefined) {
    if (f.name.trim() === '' || f.name.length > LIMITS.nameLength) throw new UsageError(`--name: give 1..${LIMITS.nameLength} characters`);
    c.name = f.name;
  }
  if (f.dataset !== undefined) {
    if (f.dataset.trim() === '') throw new UsageError('--dataset: empty; give ib12, mnist or a file');
    c.dataset = f.dataset;
  }
  if (f.labelColumn !== undefined) {
    if (f.labelColumn.trim() === '') throw new UsageError('--label-column: empty; give a column name, a 0-based index or "last"');
    c.labelColumn = f.labelColumn.trim();
  }
  if (f.layers !== undefined) c.layers = parseLayers(f.layers);
  if (f.activation !== undefined) c.activation = oneOf('activation', f.activation, ACTIVATIONS);
  if (f.optimizer !== undefined) c.optimizer = oneOf('optimizer', f.optimizer, OPTIMIZERS);
  if (f.lr !== undefined) c.lr = num('lr', f.lr, (x) => x > 0 && x <= F32_MAX, 'a number > 0 (and below the float32 maximum)');
  if (f.momentum !== undefined) c.momentum = num('momentum', f.momentum, (x) => x >= 0 && x < 1, 'in [0, 1)');
  if (f.batch !== undefined) c.batch = posInt('batch', f.batch);
  if (f.epochs !== undefined) c.epochs = intUpTo('epochs', f.epochs, LIMITS.epochs);
  if (f.init !== undefined) c.init = oneOf('init', f.init, INITS);
  if (f.trainFraction !== undefined) c.trainFraction = num('train-fraction', f.trainFraction, (x) => x > 0 && x <= 1, 'in (0, 1]');
  if (f.split !== undefined) c.split = oneOf('split', f.split, SPLITS);
  if (f.shuffle !== undefined) c.shuffleBatches = boolFlag('shuffle', f.shuffle);
  const points = f.miPoints !== undefined ? intUpTo('mi-points', f.miPoints, LIMITS.miPoints) : c.miSchedule.kind === 'log' ? c.miSchedule.points : 400;
  if (f.miSchedule !== undefined) c.miSchedule = parseSchedule(f.miSchedule, points);
  else if (c.miSchedule.kind === 'log') c.miSchedule = { kind: 'log', points };
  if (f.bins !== undefined && f.binWidth !== undefined) throw new UsageError('--bins and --bin-width exclude each other');
  if (f.bins !== undefined || f.binRange !== undefined) {
    const bins = f.bins !== undefined ? num('bins', f.bins, (x) => Number.isInteger(x) && x >= 2 && x <= 4096, 'a whole number in 2..4096')
      : c.binning.kind === 'edges' ? c.binning.bins : 30;
    let [lo, hi] = c.binning.kind === 'edges' ? [c.binning.lo, c.binning.hi] : [-1, 1];
    if (f.binRange !== undefined) {
      const parts = f.binRange.split(','), m = parts.map(Number);
      if (m.length !== 2 || !parts.every((p) => DECIMAL.test(p)) || !m.every(Number.isFinite) || !(m[0] < m[1])) throw new UsageError(`--bin-range: "${f.binRange}" is not lo,hi with lo < hi`);
      [lo, hi] = m;
    }
    c.binning = { kind: 'edges', bins, lo, hi } satisfies Binning;
  }
  if (f.binWidth !== undefined) c.binning = { kind: 'width', width: posReal('bin-width', f.binWidth) };
  if (f.estimators !== undefined) {
    c.estimators = f.estimators.split(',').map((s) => s.trim());
    for (const e of c.estimators) oneOf('estimators', e, ESTIMATOR_NAMES);
    if (new Set(c.estimators).size !== c.estimators.length) throw new UsageError(`--estimators: "${f.estimators}" names an estimator twice`);
  }
  if (f.repeats !== undefined) c.repeats = intUpTo('repeats', f.repeats, LIMITS.repeats);
  if (f.seed !== undefined) c.seed = nonNegInt('seed', f.seed);
  boundFromFlags(c, f);
  estimatorSettingsFromFlags(c, f);
  if (f.quantize !== undefined) {
    c.quantize = f.quantize.trim() === 'off' ? null
      : num('quantize', f.quantize, (x) => Number.isInteger(x) && x >= 1 && x <= MAX_QUANT_BITS, `a whole number of bits in 1..${MAX_QUANT_BITS} (or off)`);
  }
  if (c.estimators.includes('exact') && !c.quantize) throw new UsageError(`--estimators: ${EXACT_NOT_QUANTIZED}`);
  return c;
}

/** --bin-range-mode, --adaptive-bins, --noise-variance, --kde-samples (the rival estimators). */
export function estimatorSettingsFromFlags(c: ExperimentConfig, f: RunFlags): void {
  if (f.binRangeMode !== undefined) {
    c.binRangeMode = oneOf('bin-range-mode', f.binRangeMode, BIN_RANGE_MODES);
    if (c.binRangeMode !== 'fixed' && c.binning.kind !== 'edges') throw new UsageError(`--bin-range-mode: ${c.binRangeMode} sets the range of --bins edges; it does not apply to --bin-width`);
    if (c.binRangeMode !== 'fixed' && f.binRange !== undefined) throw new UsageError(`--bin-range-mode: ${c.binRangeMode} takes each layer's own range; drop --bin-range or use fixed`);
  }
  if (f.adaptiveBins !== undefined) c.adaptiveBins = num('adaptive-bins', f.adaptiveBins, (x) => Number.isInteger(x) && x >= 1 && x <= 4096, 'a whole number in 1..4096');
  if (f.noiseVariance !== undefined) {
    c.noiseVariance = f.noiseVariance.trim() === 'auto' ? 'auto'
      : num('noise-variance', f.noiseVariance, (x) => x > 0 && x <= 1e6, 'auto or a number in (0, 1e6]');
  }
  if (f.kdeSamples !== undefined) c.kdeSamples = num('kde-samples', f.kdeSamples, (x) => Number.isInteger(x) && (x === 0 || (x >= 2 && x <= 1 << 20)), '0 (all rows) or a whole number in 2..1048576');
}

/** --bound, --labels, --split-mi, --label-noise-gamma/-theta, --compression-threshold. */
function boundFromFlags(c: ExperimentConfig, f: RunFlags): void {
  if (f.bound !== undefined) c.bound = boolFlag('bound', f.bound);
  if (f.labels !== undefined) c.labels = oneOf('labels', f.labels, LABEL_MODES);
  if (f.splitMi !== undefined) c.splitMi = boolFlag('split-mi', f.splitMi);
  if (f.labelNoiseGamma !== undefined && !c.bound && c.labels !== 'noisy') throw new UsageError('--label-noise-gamma: the label model is for the IB bound or --labels noisy; add --bound or --labels noisy');
  const noise = labelNoiseFromFlags(f.labelNoiseGamma, f.labelNoiseTheta);
  if (noise) c.boundLabelNoise = noise;
  if (c.labels === 'noisy' && !c.boundLabelNoise) throw new UsageError('--labels: noisy needs --label-noise-gamma (the label model to draw from)');
  if (f.compressionThreshold !== undefined) c.compressionThreshold = num('compression-threshold', f.compressionThreshold, (x) => x >= 0, 'a number of bits >= 0');
}

/** --label-noise-gamma / --label-noise-theta (run, sweep and `infoplane bound`): null without gamma. */
export function labelNoiseFromFlags(gamma?: string, theta?: string): { gamma: number; theta: number } | null {
  if (theta !== undefined && gamma === undefined) throw new UsageError('--label-noise-theta: needs --label-noise-gamma');
  if (gamma === undefined) return null;
  return {
    gamma: posReal('label-noise-gamma', gamma),
    theta: theta !== undefined ? num('label-noise-theta', theta, () => true, 'a number') : IB12_THRESHOLD,
  };
}

/** `--bound`: the label model must fit the dataset; checked before any training. */
export function checkBoundLabels(config: ExperimentConfig, data: Dataset): void {
  if (!config.bound) return;
  const problem = labelModelProblem(data, labelModelOf(config));
  if (problem) throw new UsageError(`--label-noise-gamma: ${problem}`);
}
