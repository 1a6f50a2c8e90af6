// Numbers a sweep is compared by, computed from each cell's averaged series. No Node imports.
import type { TrainingResult as InfoplaneResult } from '../record/schema.js';

/** First logged epoch whose mean training error (1 - train accuracy) is <= target, or null. */
export function epochsToTrainError(r: InfoplaneResult, target: number): number | null {
  for (let k = 0; k < r.epochs.length; k++) if (r.trainAcc[k] != null && 1 - r.trainAcc[k] <= target) return r.epochs[k];
  return null;
}

/** The value at the last logged epoch. */
export function finalValue(series: number[]): number {
  for (let k = series.length - 1; k >= 0; k--) if (series[k] != null && Number.isFinite(series[k])) return series[k];
  return NaN;
}
