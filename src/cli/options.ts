// Turning CLI strings into an ExperimentConfig: every value is checked before any work starts, and
// a bad one is reported as `--flag: problem`.
import { DEFAULTS, PRESETS, type ExperimentConfig, type MiSchedule, type Binning } from '../config.js';
import { ESTIMATORS } from '../estimators/index.js';

export class UsageError extends Error {}

function num(flag: string, v: string, check: (x: number) => boolean, want: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${flag}: "${v}" is not ${want}`);
  return x;
}
export const posInt = (flag: string, v: string) => num(flag, v, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1');
const nonNegInt = (flag: string, v: string) => num(flag, v, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, 'a whole number >= 0');
const posReal = (flag: string, v: string) => num(flag, v, (x) => x > 0, 'a number > 0');

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseLayers(v: string): number[] {
  const parts = v.split(',');
  if (parts.some((p) => !/^\s*\d+\s*$/.test(p)) || parts.some((p) => Number(p) < 1)) {
    throw new UsageError(`--layers: "${v}" is not a comma-separated list of widths >= 1 (e.g. 10,7,5,4,3)`);
  }
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
  split?: string; shuffle?: boolean; miSchedule?: string; miPoints?: string; bins?: string; binWidth?: string;
  binRange?: string; estimators?: string; repeats?: string; seed?: string;
}

/** DEFAULTS, then the preset, then the flags the user gave. */
export function configFromFlags(f: RunFlags): ExperimentConfig {
  const c: ExperimentConfig = structuredClone(DEFAULTS);
  if (f.preset !== undefined) {
    const p = PRESETS[f.preset];
    if (!p) throw new UsageError(`--preset: "${f.preset}" is not one of ${Object.keys(PRESETS).join(', ')}`);
    Object.assign(c, structuredClone(p));
  }
  if (f.name !== undefined) c.name = f.name;
  if (f.dataset !== undefined) c.dataset = f.dataset;
  if (f.layers !== undefined) c.layers = parseLayers(f.layers);
  if (f.activation !== undefined) c.activation = oneOf('activation', f.activation, ['tanh', 'relu', 'sigmoid', 'linear', 'softsign', 'softplus'] as const);
  if (f.optimizer !== undefined) c.optimizer = oneOf('optimizer', f.optimizer, ['sgd', 'momentum', 'adam'] as const);
  if (f.lr !== undefined) c.lr = posReal('lr', f.lr);
  if (f.momentum !== undefined) c.momentum = num('momentum', f.momentum, (x) => x >= 0 && x < 1, 'in [0, 1)');
  if (f.batch !== undefined) c.batch = posInt('batch', f.batch);
  if (f.epochs !== undefined) c.epochs = posInt('epochs', f.epochs);
  if (f.init !== undefined) c.init = oneOf('init', f.init, ['fan_in', 'fan_out'] as const);
  if (f.trainFraction !== undefined) c.trainFraction = num('train-fraction', f.trainFraction, (x) => x > 0 && x <= 1, 'in (0, 1]');
  if (f.split !== undefined) c.split = oneOf('split', f.split, ['random', 'ordered'] as const);
  if (f.shuffle !== undefined) c.shuffleBatches = f.shuffle;
  const points = f.miPoints !== undefined ? posInt('mi-points', f.miPoints) : c.miSchedule.kind === 'log' ? c.miSchedule.points : 400;
  if (f.miSchedule !== undefined) c.miSchedule = parseSchedule(f.miSchedule, points);
  else if (c.miSchedule.kind === 'log') c.miSchedule = { kind: 'log', points };
  if (f.bins !== undefined && f.binWidth !== undefined) throw new UsageError('--bins and --bin-width exclude each other');
  if (f.bins !== undefined || f.binRange !== undefined) {
    const bins = f.bins !== undefined ? num('bins', f.bins, (x) => Number.isInteger(x) && x >= 2 && x <= 4096, 'a whole number in 2..4096')
      : c.binning.kind === 'edges' ? c.binning.bins : 30;
    let [lo, hi] = c.binning.kind === 'edges' ? [c.binning.lo, c.binning.hi] : [-1, 1];
    if (f.binRange !== undefined) {
      const m = f.binRange.split(',').map(Number);
      if (m.length !== 2 || !m.every(Number.isFinite) || !(m[0] < m[1])) throw new UsageError(`--bin-range: "${f.binRange}" is not lo,hi with lo < hi`);
      [lo, hi] = m;
    }
    c.binning = { kind: 'edges', bins, lo, hi } satisfies Binning;
  }
  if (f.binWidth !== undefined) c.binning = { kind: 'width', width: posReal('bin-width', f.binWidth) };
  if (f.estimators !== undefined) {
    c.estimators = f.estimators.split(',').map((s) => s.trim());
    for (const e of c.estimators) if (!ESTIMATORS[e]) throw new UsageError(`--estimators: "${e}" is not one of ${Object.keys(ESTIMATORS).join(', ')}`);
  }
  if (f.repeats !== undefined) c.repeats = posInt('repeats', f.repeats);
  if (f.seed !== undefined) c.seed = nonNegInt('seed', f.seed);
  return c;
}
