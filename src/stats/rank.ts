// Rank tests over networks (docs/SCIENCE.md §7): Wilcoxon signed-rank for one sample
// or paired differences (@stdlib/stats-wilcoxon: exact below 50 values, normal approximation with
// continuity correction above) and Mann-Whitney U for two independent groups (the rank sum from
// simple-statistics; the p-value exact by counting for small groups without ties, else the normal
// approximation with tie correction). Node-side only: these import npm packages.
import wilcoxonTest from '@stdlib/stats-wilcoxon';
import { wilcoxonRankSum } from 'simple-statistics';
import { normalCdf } from './normal.js';

export type Alternative = 'greater' | 'less' | 'two-sided';
export interface RankTest { name: string; statistic: number; p: number; n: number }

const finite = (xs: readonly number[]) => xs.filter((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Wilcoxon signed-rank test of H0: the values (minus mu) are symmetric about 0. `greater`: the
 * alternative is a median above mu. Zeros are dropped (Wilcox's method); all zeros give p = 1.
 */
export function signedRank(xs: readonly number[], alternative: Alternative, mu = 0): RankTest {
  const v = finite(xs);
  const nonzero = v.filter((x) => x !== mu);
  // fewer than two values cannot be tested (the package refuses them): no evidence, p = 1
  if (nonzero.length === 0 || v.length < 2) return { name: 'Wilcoxon signed-rank', statistic: 0, p: 1, n: v.length };
  // shifted here, tested against 0: with mu != 0 the package's 'wilcox' zero rule drops the values
  // x == 0 instead of x == mu (and throws when every x is 0)
  const out = wilcoxonTest(Float64Array.from(v, (x) => x - mu), { alternative }) as { pValue: number; statistic: number };
  return { name: 'Wilcoxon signed-rank', statistic: out.statistic, p: Math.min(1, out.pValue), n: v.length };
}

/** Number of ways to choose m of the ranks 1..N with each rank sum: counts[s] (no ties). */
function rankSumCounts(m: number, N: number): Float64Array {
  const maxS = (m * (2 * N - m + 1)) / 2;
  // dp[j][s]: ways to pick j ranks from those seen so far with sum s
  let dp = Array.from({ length: m + 1 }, () => new Float64Array(maxS + 1));
  dp[0][0] = 1;
  for (let r = 1; r <= N; r++) {
    const next = dp.map((row) => row.slice());
    for (let j = 1; j <= m; j++) for (let s = r; s <= maxS; s++) next[j][s] += dp[j - 1][s - r];
    dp = next;
  }
  return dp[m];
}

/** Groups this small (with no ties) get the exact distribution; 20 + 20 counts about 16k sums. */
const EXACT_MAX = 20;

/**
 * Mann-Whitney U test of H0: a and b come from the same distribution. `greater`: a tends to be
 * larger. U = W - m(m+1)/2, W = rank sum of a (average ranks for ties).
 */
export function mannWhitney(a: readonly number[], b: readonly number[], alternative: Alternative): RankTest {
  const x = finite(a), y = finite(b), m = x.length, n = y.length;
  if (m === 0 || n === 0) return { name: 'Mann-Whitney U', statistic: NaN, p: 1, n: m + n };
  const W = wilcoxonRankSum(x, y);
  const U = W - (m * (m + 1)) / 2;
  const all = [...x, ...y].sort((p, q) => p - q);
  let ties = 0; // sum of t^3 - t over groups of equal values
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1] === all[i]) j++;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  let p: number;
  if (ties === 0 && m <= EXACT_MAX && n <= EXACT_MAX) {
    const counts = rankSumCounts(m, m + n);
    let total = 0, ge = 0, le = 0;
    for (let s = 0; s < counts.length; s++) {
      total += counts[s];
      if (s >= W - 1e-9) ge += counts[s];
      if (s <= W + 1e-9) le += counts[s];
    }
    const pg = ge / total, pl = le / total;
    p = alternative === 'greater' ? pg : alternative === 'less' ? pl : Math.min(1, 2 * Math.min(pg, pl));
  } else {
    const N = m + n, mu = (m * n) / 2;
    const sd = Math.sqrt(((m * n) / 12) * (N + 1 - ties / (N * (N - 1))));
    if (sd === 0) p = 1;
    else {
      const zg = (U - mu - 0.5) / sd, zl = (U - mu + 0.5) / sd; // continuity correction
      const pg = 1 - normalCdf(zg), pl = normalCdf(zl);
      p = alternative === 'greater' ? pg : alternative === 'less' ? pl : Math.min(1, 2 * Math.min(pg, pl));
    }
  }
  return { name: 'Mann-Whitney U', statistic: U, p: Math.min(1, Math.max(0, p)), n: m + n };
}

/** Spearman's rank correlation (average ranks for ties); 0 when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => {
    const idx = v.map((_, i) => i).sort((i, j) => v[i] - v[j] || i - j);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a), rb = rank(b), n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n, mb = rb.reduce((s, x) => s + x, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (ra[i] - ma) * (rb[i] - mb); da += (ra[i] - ma) ** 2; db += (rb[i] - mb) ** 2; }
  return da && db ? num / Math.sqrt(da * db) : 0;
}
