// Numbers a sweep is compared by, computed from each cell's averaged series. No Node imports.
import type { InfoplaneResult } from '../record/schema.js';

/** First logged epoch whose mean training error (1 - train accuracy) is <= target, or null. */
export function epochsToTrainError(r: InfoplaneResult, target: number): number | null {
  for (let k = 0; k < r.epochs.length; k++) if (r.trainAcc[k] != null && 1 - r.trainAcc[k] <= target) return r.epochs[k];
  return null;
}

/** Per layer: peak I(X;T), the epoch of the peak, the final value and peak - final (compression). */
export function compressionByLayer(r: InfoplaneResult, estimator: string): { peak: number; peakEpoch: number; final: number; amount: number }[] {
  const s = r.mi[estimator];
  if (!s) return [];
  return s.ixt.map((row) => {
    let k0 = -1;
    row.forEach((v, k) => { if (v != null && Number.isFinite(v) && (k0 < 0 || v > row[k0])) k0 = k; });
    let last = row.length - 1;
    while (last >= 0 && !(row[last] != null && Number.isFinite(row[last]))) last--;
    if (k0 < 0 || last < 0) return { peak: NaN, peakEpoch: NaN, final: NaN, amount: NaN };
    return { peak: row[k0], peakEpoch: r.epochs[k0], final: row[last], amount: row[k0] - row[last] };
  });
}

/** The value at the last logged epoch. */
export function finalValue(series: number[]): number {
  for (let k = series.length - 1; k >= 0; k--) if (series[k] != null && Number.isFinite(series[k])) return series[k];
  return NaN;
}
