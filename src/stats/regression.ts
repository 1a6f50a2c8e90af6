// Least-squares slope with a pairs-bootstrap 95% CI (docs/SCIENCE.md §7): resampling
// (x, y) pairs, i.e. whole networks, makes no assumption about the residuals' distribution or
// equal variance across x. The fit itself is simple-statistics' linearRegression.
import { linearRegression } from 'simple-statistics';
import { quantileSorted, BOOTSTRAP_RESAMPLES, type Interval } from './bootstrap.js';
import { seededUniform } from './rng.js';

export interface Slope {
  slope: number; intercept: number; ci95: Interval; n: number;
  /** One-sided p-values from the resamples: the share of slopes >= 0 (for H1: slope < 0) and <= 0. */
  pNegative: number; pPositive: number;
}

export function slopeWithCi(x: readonly number[], y: readonly number[], seed: number, B = BOOTSTRAP_RESAMPLES): Slope {
  const pts: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) pts.push([x[i], y[i]]);
  const n = pts.length;
  if (n < 3 || new Set(pts.map((p) => p[0])).size < 2) return { slope: NaN, intercept: NaN, ci95: [NaN, NaN], n, pNegative: 1, pPositive: 1 };
  const fit = linearRegression(pts);
  const u = seededUniform(seed), slopes: number[] = [], sample: [number, number][] = new Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = pts[Math.floor(u() * n)];
    const first = sample[0][0];
    if (sample.every((p) => p[0] === first)) continue; // all at one x: no slope in this resample
    slopes.push(linearRegression(sample).m);
  }
  slopes.sort((p, q) => p - q);
  const ge = slopes.filter((v) => v >= 0).length, le = slopes.filter((v) => v <= 0).length;
  return {
    slope: fit.m, intercept: fit.b, ci95: [quantileSorted(slopes, 0.025), quantileSorted(slopes, 0.975)], n,
    pNegative: (ge + 1) / (slopes.length + 1), pPositive: (le + 1) / (slopes.length + 1),
  };
}
