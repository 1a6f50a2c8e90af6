// A sweep's records: its manifest (the grid), each cell's result, and the numbers cells are
// compared by, computed from each cell's averaged series. No Node imports (sweep/ reads and writes
// them; report/sweep.ts draws them).
import type { ExperimentConfig } from '../config/config.js';
import type { RunFlags } from '../config/flags.js';
import type { TrainingResult } from './schema.js';

/** One option of a sweep's grid and its values, as option text. */
export interface GridAxis { key: keyof RunFlags; values: string[] }

export interface SweepManifest {
  format: 'infoplane-sweep/1';
  name: string;
  axes: GridAxis[];
  cells: { id: string; label: string; values: Record<string, string>; config: ExperimentConfig }[];
}

/** The per-cell results of a merged sweep, as written next to the runs. */
export interface CellResult { id: string; label: string; values: Record<string, string>; result: TrainingResult }

/** First logged epoch whose mean training error (1 - train accuracy) is <= target, or null. */
export function epochsToTrainError(r: TrainingResult, target: number): number | null {
  for (let k = 0; k < r.epochs.length; k++) if (r.trainAcc[k] != null && 1 - r.trainAcc[k] <= target) return r.epochs[k];
  return null;
}

/** The value at the last logged epoch. */
export function finalValue(series: number[]): number {
  for (let k = series.length - 1; k >= 0; k--) if (series[k] != null && Number.isFinite(series[k])) return series[k];
  return NaN;
}
