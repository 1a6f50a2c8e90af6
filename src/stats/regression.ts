// Least-squares slope with a pairs-bootstrap 95% CI (docs/SCIENCE.md, "Statistics"): resampling
// (x, y) pairs, i.e. whole networks, makes no assumption about the residuals' distribution or
// equal variance across x. The fit itself is simple-statistics' linearRegression.
import { linearRegression } from 'simple-statistics';
import { quantileSorted, BOOTSTRAP_RESAMPLES, type Interval } from './bootstrap.js';
import { seededUniform } from './rng.js';

export interface Slope { slope: number; intercept: number; ci95: Interval; n: number }

export function slopeWithCi(x: readonly number[], y: readonly number[], seed: number, B = BOOTSTRAP_RESAMPLES): Slope {
  const pts: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) pts.push([x[i], y[i]]);
  const n = pts.length;
  if (n < 3 || new Set(pts.map((p) => p[0])).size < 2) return { slope: NaN, intercept: NaN, ci95: [NaN, NaN], n };
  const fit = linearRegression(pts);
  const u = seededUniform(seed), slopes: number[] = [], sample: [number, number][] = new Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = pts[Math.floor(u() * n)];
    const first = sample[0][0];
    if (sample.every((p) => p[0] === first)) continue; // all at one x: no slope in this resample
    slopes.push(linearRegression(sample).m);
  }
  slopes.sort((p, q) => p - q);
  return { slope: fit.m, intercept: fit.b, ci95: [quantileSorted(slopes, 0.025), quantileSorted(slopes, 0.975)], n };
}
