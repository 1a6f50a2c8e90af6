// Checking what a sweep folder holds before trusting it: cell ids (they become folder names) and
// every per-network file against the RunRecord shape, with lengths and value ranges that a real
// network can produce. A file that fails is never merged.
import type { ExperimentConfig } from '../config/config.js';
import { loggedEpochs } from '../train/schedule.js';

/** Cell ids as expandGrid makes them: `c` and a zero-padded index. Nothing else can become a path. */
export const CELL_ID = /^c\d{3,9}$/;

// Rounding lets a bound be met with a last-bit excess (I(T;Y) = H(Y) + 3e-16 was seen).
const TOL = 1e-6;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

/**
 * What is wrong with one parsed run file of cell `id` (config `config`), or null if nothing.
 * `log2N`: log2 of the dataset's rows, the largest MI in bits any estimator can report.
 * Values may be null (JSON for NaN: not measured, e.g. test accuracy without test rows); every
 * number present must be finite and in range.
 */
export function runFileProblem(run: unknown, id: string, config: ExperimentConfig, log2N: number): string | null {
  if (!isObj(run)) return 'not an object';
  if (run.cell !== id) return `cell is ${JSON.stringify(run.cell)}, not "${id}"`;
  if (!Number.isInteger(run.repeat) || (run.repeat as number) < 0 || (run.repeat as number) >= config.repeats) return `repeat ${JSON.stringify(run.repeat)} is not in 0..${config.repeats - 1}`;
  if (JSON.stringify(run.config) !== JSON.stringify(config)) return 'belongs to another grid (config differs)';
  const r = run.record;
  if (!isObj(r)) return 'record is not an object';
  if (r.repeat !== run.repeat) return 'record.repeat differs from repeat';
  if (r.seed !== (config.seed + (run.repeat as number)) >>> 0) return `record.seed ${JSON.stringify(r.seed)} is not this network's seed`;
  if (r.status !== 'ok' && r.status !== 'diverged') return `record.status ${JSON.stringify(r.status)} is not ok or diverged`;
  const planned = loggedEpochs(config.miSchedule, config.epochs);
  const epochs = r.epochs;
  if (!Array.isArray(epochs) || epochs.length > planned.length || epochs.some((e, k) => e !== planned[k])) return 'record.epochs are not the logged epochs of this config';
  if (r.status === 'ok' && epochs.length !== planned.length) return `record.epochs: ${epochs.length} of ${planned.length} logged epochs for a finished network`;
  if (r.status === 'diverged' && (!Number.isInteger(r.divergedAt) || (r.divergedAt as number) < 0 || (r.divergedAt as number) > config.epochs)) return 'record.divergedAt is not an epoch';
  const K = epochs.length, L = config.layers.length + 1;

  const series = (name: string, v: unknown, lo: number, hi: number, tol = 0): string | null => {
    if (!Array.isArray(v) || v.length !== K) return `record.${name} is not a list of ${K} values`;
    for (let k = 0; k < K; k++) {
      const x = v[k];
      if (x === null) continue;
      if (typeof x !== 'number' || !Number.isFinite(x) || x < lo - tol || x > hi + tol) {
        return `record.${name}[${k}] = ${JSON.stringify(x)} is outside [${lo}, ${Number(hi.toPrecision(6))}]`;
      }
    }
    return null;
  };
  const grid = (name: string, v: unknown, lo: number, hi: number, tol = 0): string | null => {
    if (!Array.isArray(v) || v.length !== L) return `record.${name} is not a list of ${L} layers`;
    for (let l = 0; l < L; l++) {
      const p = series(`${name}[${l}]`, v[l], lo, hi, tol);
      if (p) return p;
    }
    return null;
  };
  const problem = series('trainLoss', r.trainLoss, 0, Infinity) ?? series('testLoss', r.testLoss, 0, Infinity)
    ?? series('trainAcc', r.trainAcc, 0, 1) ?? series('testAcc', r.testAcc, 0, 1)
    ?? grid('gradMean', r.gradMean, -Infinity, Infinity) ?? grid('gradStd', r.gradStd, 0, Infinity);
  if (problem) return problem;
  if (!isObj(r.mi)) return 'record.mi is not an object';
  for (const est of config.estimators) {
    const s = own(r.mi, est) ? r.mi[est] : undefined;
    if (!isObj(s)) return `record.mi has no "${est}"`;
    const p = grid(`mi.${est}.ixt`, s.ixt, 0, log2N, TOL) ?? grid(`mi.${est}.ity`, s.ity, 0, log2N, TOL);
    if (p) return p;
    if (typeof s.settings !== 'string') return `record.mi.${est}.settings is not text`;
  }
  return null;
}
