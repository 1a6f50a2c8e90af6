// Seeded bootstrap over networks (docs/SCIENCE.md §7): a quantity measured once per
// network is summarized by its mean, a 95% confidence interval of that mean, and n.
// - summarize / summarizeDifference: BCa intervals (bias-corrected and accelerated, Efron 1987):
//   the percentile interval of B resampled means, its quantile levels corrected for the resamples'
//   median bias (z0) and for skew (acceleration a, from the jackknife). Per-network quantities such
//   as compression amounts are skewed; plain percentile intervals undercover them.
// - pointwiseCi: plain percentile intervals (the drawn bands of infoplane.json).
// No package imports: record/ uses this and must load in browsers.
import { seededUniform } from './rng.js';
import { normalCdf, normalQuantile } from './normal.js';

export type Interval = [number, number];
export interface Summary { mean: number; ci95: Interval; n: number }

/** Resamples per interval: the Monte Carlo error of a 2.5% quantile with B = 2000 is about
 *  0.35% in probability, small next to the interval's own sampling error with 4-50 networks. */
export const BOOTSTRAP_RESAMPLES = 2000;

const finite = (xs: readonly number[]) => xs.filter((x) => typeof x === 'number' && Number.isFinite(x));

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

/** Mean of the finite values (NaN if none): per-network quantities are NaN where undefined. */
export function finiteMean(xs: readonly number[]): number {
  return mean(finite(xs));
}

/** Linear-interpolated quantile of sorted values (type 7, as R and NumPy default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The bootstrap distribution of `stat` over resamples of `xs` (sorted). */
export function bootstrapDistribution(xs: readonly number[], seed: number, stat: (sample: Float64Array) => number = (s) => mean(s as unknown as number[]), B = BOOTSTRAP_RESAMPLES): Float64Array {
  const n = xs.length, u = seededUniform(seed), sample = new Float64Array(n), out = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = xs[Math.floor(u() * n)];
    out[b] = stat(sample);
  }
  return out.sort();
}

/** The BCa interval from sorted resampled statistics `d`, the estimate and the jackknife values. */
function bcaInterval(d: Float64Array, estimate: number, jack: Float64Array): Interval {
  let below = 0;
  for (const x of d) if (x < estimate) below++;
  // ties at the estimate count half, so that a symmetric distribution gives z0 = 0
  let at = 0;
  for (const x of d) if (x === estimate) at++;
  const z0 = normalQuantile(Math.min(1 - 0.5 / d.length, Math.max(0.5 / d.length, (below + at / 2) / d.length)));
  const jm = mean(jack as unknown as number[]);
  let num = 0, den = 0;
  for (const j of jack) { const e = jm - j; num += e * e * e; den += e * e; }
  const a = den > 0 ? num / (6 * den ** 1.5) : 0;
  const level = (alpha: number) => {
    const z = normalQuantile(alpha);
    return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  };
  const lo = level(0.025), hi = level(0.975);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [quantileSorted(d, 0.025), quantileSorted(d, 0.975)];
  return [quantileSorted(d, lo), quantileSorted(d, hi)];
}

/** Leave-one-out means. */
function jackknifeMeans(v: readonly number[]): Float64Array {
  const n = v.length, total = v.reduce((s, x) => s + x, 0), out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (total - v[i]) / (n - 1);
  return out;
}

/**
 * Mean, BCa bootstrap 95% CI of the mean, and n over the finite values of `xs`.
 * n = 0 gives NaNs; n = 1 gives a degenerate interval [x, x] (callers treat small n as too few).
 */
export function summarize(xs: readonly number[], seed: number, B = BOOTSTRAP_RESAMPLES): Summary {
  const v = finite(xs);
  const m = mean(v);
  if (v.length < 2) return { mean: m, ci95: [m, m], n: v.length };
  const d = bootstrapDistribution(v, seed, undefined, B);
  return { mean: m, ci95: bcaInterval(d, m, jackknifeMeans(v)), n: v.length };
}

/** Mean and BCa CI of the difference of two groups' means (independent networks, each resampled;
 *  the jackknife leaves out one network of either group). n = the smaller group. */
export function summarizeDifference(a: readonly number[], b: readonly number[], seed: number, B = BOOTSTRAP_RESAMPLES): Summary {
  const va = finite(a), vb = finite(b);
  const m = mean(va) - mean(vb);
  const n = Math.min(va.length, vb.length);
  if (n < 2) return { mean: m, ci95: [m, m], n };
  const u = seededUniform(seed), out = new Float64Array(B);
  for (let k = 0; k < B; k++) {
    let sa = 0, sb = 0;
    for (let i = 0; i < va.length; i++) sa += va[Math.floor(u() * va.length)];
    for (let i = 0; i < vb.length; i++) sb += vb[Math.floor(u() * vb.length)];
    out[k] = sa / va.length - sb / vb.length;
  }
  out.sort();
  const ja = jackknifeMeans(va), jb = jackknifeMeans(vb), mb = mean(vb), ma = mean(va);
  const jack = new Float64Array(va.length + vb.length);
  ja.forEach((x, i) => { jack[i] = x - mb; });
  jb.forEach((x, i) => { jack[va.length + i] = ma - x; });
  return { mean: m, ci95: bcaInterval(out, m, jack), n };
}

/**
 * One-sided bootstrap p-value for H0: mean <= threshold against H1: mean > threshold: the share
 * of resampled means, shifted so that their centre is the threshold, at or above the observed
 * mean (the shift makes the resampling distribution obey H0). Too few values give p = 1.
 */
export function bootstrapPGreater(xs: readonly number[], threshold: number, seed: number, B = BOOTSTRAP_RESAMPLES): number {
  const v = finite(xs);
  if (v.length < 2) return 1;
  const m = mean(v), shift = threshold - m;
  const d = bootstrapDistribution(v, seed, undefined, B);
  let c = 0;
  for (const x of d) if (x + shift >= m) c++;
  return (c + 1) / (B + 1);
}

/** Resamples of the pointwise bands: 400 keeps a 2.5% quantile within about 0.8% in probability,
 *  enough for a drawn band, and a whole infoplane.json (thousands of series points) under a second. */
export const BAND_RESAMPLES = 400;

/**
 * Element-wise percentile CI of the mean over networks: rows[network][k] -> [lo, hi][k]. The same
 * B resamples of the networks serve every k (and every series given the same seed), as resampling
 * whole networks should. Non-finite entries are left out per k (a diverged network contributes
 * until it stopped); fewer than 2 finite values give [mean, mean].
 */
export function pointwiseCi(rows: readonly (readonly number[])[], seed: number, B = BAND_RESAMPLES): Interval[] {
  const n = rows.length, K = rows[0]?.length ?? 0;
  const u = seededUniform(seed), counts = new Uint16Array(B * n);
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) counts[b * n + Math.floor(u() * n)]++;
  const out: Interval[] = new Array(K), means = new Float64Array(B), x = new Float64Array(n), ok = new Uint8Array(n);
  for (let k = 0; k < K; k++) {
    let m = 0, c = 0;
    for (let i = 0; i < n; i++) {
      const v = rows[i][k];
      ok[i] = typeof v === 'number' && Number.isFinite(v) ? 1 : 0;
      x[i] = ok[i] ? v : 0;
      if (ok[i]) { m += v; c++; }
    }
    if (c < 2) { out[k] = c ? [m, m] : [NaN, NaN]; continue; }
    let used = 0;
    for (let b = 0; b < B; b++) {
      let s = 0, w = 0;
      for (let i = 0; i < n; i++) { const cnt = counts[b * n + i]; if (cnt && ok[i]) { s += cnt * x[i]; w += cnt; } }
      if (w > 0) means[used++] = s / w;
    }
    const d = means.subarray(0, used).sort();
    out[k] = [quantileSorted(d, 0.025), quantileSorted(d, 0.975)];
  }
  return out;
}
