import { describe, expect, it } from 'vitest';
import {
  summarize, summarizeDifference, pointwiseCi, seededUniform, signedRank, mannWhitney, slopeWithCi,
  exceeds, below, within, differenceExceeds, combine, MIN_NETWORKS, bootstrapPGreater,
} from '../src/stats/index.js';

/** Seeded normal draws (Box-Muller). */
function normals(n: number, mean: number, sd: number, seed: number): number[] {
  const u = seededUniform(seed), out: number[] = [];
  for (let i = 0; i < n; i++) out.push(mean + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
  return out;
}

describe('bootstrap CI of the mean', () => {
  it('covers a known mean about 95% of the time (normal data, n = 30, 400 seeded trials)', () => {
    // Binomial SE of the coverage over 400 trials is sqrt(.95 * .05 / 400) = 0.011. The percentile
    // interval is known to undercover slightly at n = 30 (about 1 point), so accept 0.95 +- 0.035
    // (3 SE plus that shortfall): a CI of the wrong width (e.g. +-1 SE: 68%) fails by far.
    let hit = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const xs = normals(30, 2, 1, 1000 + t);
      const { ci95 } = summarize(xs, t, 500);
      if (ci95[0] <= 2 && 2 <= ci95[1]) hit++;
    }
    expect(Math.abs(hit / trials - 0.95)).toBeLessThan(0.035);
  }, 120_000);

  it('covers the mean of skewed (exponential) data at n = 50 within the same tolerance', () => {
    let hit = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t++) {
      const u = seededUniform(5000 + t), xs = Array.from({ length: 50 }, () => -Math.log(1 - u()));
      const { ci95 } = summarize(xs, t, 1000);
      if (ci95[0] <= 1 && 1 <= ci95[1]) hit++;
    }
    // SE 0.0069 over 1000 trials. Measured while writing this test: BCa 93.2%, the plain
    // percentile interval 92.3%; skew at n = 50 costs any bootstrap interval 1-2 points. Accept
    // 0.95 +- 0.035 (the known shortfall plus 3 SE).
    expect(Math.abs(hit / trials - 0.95)).toBeLessThan(0.035);
  }, 120_000);

  it('is deterministic per seed, ignores non-finite values, and degenerates for n < 2', () => {
    const xs = normals(20, 0, 1, 7);
    expect(summarize(xs, 3)).toEqual(summarize(xs, 3));
    expect(summarize(xs, 3).ci95).not.toEqual(summarize(xs, 4).ci95);
    expect(summarize([...xs, NaN, Infinity], 3)).toEqual(summarize(xs, 3));
    expect(summarize([5], 1)).toEqual({ mean: 5, ci95: [5, 5], n: 1 });
    expect(summarize([], 1).n).toBe(0);
  });

  it('a difference CI covers the true difference and excludes 0 for a clear shift', () => {
    const d = summarizeDifference(normals(40, 1, 0.5, 1), normals(40, 0, 0.5, 2), 9);
    expect(d.ci95[0]).toBeGreaterThan(0.5);
    expect(d.ci95[1]).toBeLessThan(1.5);
  });

  it('pointwise bands match summarize-like intervals per index and skip NaN', () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i, 2 * i, NaN, i % 2]);
    const band = pointwiseCi(rows, 1);
    const m = 12; // mean of 0..24
    expect(band[0][0]).toBeLessThan(m);
    expect(band[0][1]).toBeGreaterThan(m);
    expect(band[1][0]).toBeCloseTo(2 * band[0][0], 6); // same resamples for every index
    expect(band[2]).toEqual([NaN, NaN]);
    expect(band[3][0]).toBeGreaterThanOrEqual(0);
    expect(band[3][1]).toBeLessThanOrEqual(1);
  });

  it('one-sided bootstrap p is small for a clear effect and large for none', () => {
    expect(bootstrapPGreater(normals(30, 1, 0.3, 3), 0, 1)).toBeLessThan(0.01);
    expect(bootstrapPGreater(normals(30, 0, 0.3, 3), 0.5, 1)).toBeGreaterThan(0.5);
  });
});

describe('rank tests against hand-computed cases', () => {
  it('Mann-Whitney exact: a = [1,4,8] below b = [9,12,15] has P(W <= 6) = 1/C(6,3) = 0.05', () => {
    const r = mannWhitney([1, 4, 8], [9, 12, 15], 'less');
    expect(r.statistic).toBe(0);
    expect(r.p).toBeCloseTo(0.05, 12);
    expect(mannWhitney([1, 4, 8], [9, 12, 15], 'greater').p).toBeCloseTo(1, 12);
    expect(mannWhitney([1, 4, 8], [9, 12, 15], 'two-sided').p).toBeCloseTo(0.1, 12);
  });

  it('Mann-Whitney exact: a = [3,5,7], b = [1,2,4,6]: W = 15, 7 of the 35 rank triples sum to >= 15', () => {
    const r = mannWhitney([3, 5, 7], [1, 2, 4, 6], 'greater');
    expect(r.statistic).toBe(9); // U = W - 3*4/2 = 15 - 6
    expect(r.p).toBeCloseTo(7 / 35, 12);
  });

  it('Mann-Whitney with ties uses the tie-corrected normal approximation', () => {
    // pooled 1,2,2,2,3: ranks 1, 3,3,3, 5; W_a = 7, U = 1, mu = 3, var = (6/12)(6 - 24/20) = 2.4
    const sd = Math.sqrt(2.4);
    const phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
    expect(mannWhitney([1, 2, 2], [2, 3], 'less').p).toBeCloseTo(phi((1 - 3 + 0.5) / sd), 5);
    expect(mannWhitney([1, 2, 2], [2, 3], 'greater').p).toBeCloseTo(1 - phi((1 - 3 - 0.5) / sd), 5);
  });

  it('Wilcoxon signed-rank exact: [1..5] all positive gives 1/32; [1,-2,3,4,5] gives 3/32', () => {
    expect(signedRank([1, 2, 3, 4, 5], 'greater').p).toBeCloseTo(1 / 32, 10);
    expect(signedRank([1, -2, 3, 4, 5], 'greater').p).toBeCloseTo(3 / 32, 10);
    expect(signedRank([1, -2, 3, 4, 5], 'greater').statistic).toBe(13);
    // against mu: [2..6] - 1 is [1..5]
    expect(signedRank([2, 3, 4, 5, 6], 'greater', 1).p).toBeCloseTo(1 / 32, 10);
    expect(signedRank([0, 0, 0], 'greater').p).toBe(1);
    // values equal to 0 are not ties with mu != 0: [0, 1, 2, 3, 4] against -1 is [1..5]
    expect(signedRank([0, 1, 2, 3, 4], 'greater', -1).p).toBeCloseTo(1 / 32, 10);
    expect(signedRank([0, 0, 0, 0, 0], 'greater', -0.5).p).toBeLessThan(0.05); // all tied: normal approximation
    expect(signedRank([3], 'greater').p).toBe(1); // one network: nothing to test
  });
});

describe('regression slope with CI', () => {
  it('recovers a known slope, and its CI covers it', () => {
    const x: number[] = [], y: number[] = [];
    const noise = normals(100, 0, 0.2, 11);
    for (let i = 0; i < 100; i++) { x.push(1 + (i % 5)); y.push(3 - 0.4 * x[i] + noise[i]); }
    const s = slopeWithCi(x, y, 2);
    expect(s.slope).toBeCloseTo(-0.4, 1);
    expect(s.ci95[0]).toBeLessThan(-0.4);
    expect(s.ci95[1]).toBeGreaterThan(-0.4);
    expect(s.ci95[1]).toBeLessThan(0);
    expect(s.n).toBe(100);
  });
  it('gives NaN without two distinct x', () => {
    expect(slopeWithCi([1, 1, 1], [1, 2, 3], 1).slope).toBeNaN();
  });
});

describe('verdict rules on crafted per-network data', () => {
  const floor = 0.2;
  it('clear effect: reproduced', () => {
    const j = exceeds('compression', normals(20, 1, 0.2, 1), floor, 1);
    expect(j.verdict).toBe('reproduced');
    expect(j.effect.n).toBe(20);
    expect(j.effect.floor).toBe(floor);
    expect(j.test.p).toBeLessThan(0.05);
  });
  it('no effect: not reproduced', () => {
    expect(exceeds('compression', normals(20, 0, 0.1, 2), floor, 1).verdict).toBe('not reproduced');
  });
  it('CI straddling the floor: inconclusive', () => {
    const xs = normals(12, floor, 0.3, 3);
    const j = exceeds('compression', xs, floor, 1);
    expect(j.effect.ci95[0]).toBeLessThan(floor);
    expect(j.effect.ci95[1]).toBeGreaterThan(floor);
    expect(j.verdict).toBe('inconclusive');
  });
  it(`too few networks (< ${MIN_NETWORKS}): inconclusive however clear`, () => {
    expect(exceeds('compression', [5, 5.1, 4.9, 5.2], floor, 1).verdict).toBe('inconclusive');
  });
  it('effect only in a control: the difference rule says not reproduced', () => {
    // the claim's networks compress by 1 bit, the control without the mechanism by as much
    const claim = normals(30, 1, 0.2, 4), control = normals(30, 1.05, 0.2, 5);
    expect(exceeds('compression', claim, floor, 1).verdict).toBe('reproduced');
    expect(differenceExceeds('claim - control', claim, control, floor, 1).verdict).toBe('not reproduced');
    // and a control without the effect leaves the difference reproduced
    expect(differenceExceeds('claim - control', claim, normals(30, 0, 0.2, 6), floor, 1).verdict).toBe('reproduced');
  });
  it('below mirrors exceeds', () => {
    expect(below('onset share', normals(20, 0.1, 0.05, 7), 0.5, 1).verdict).toBe('reproduced');
    const j = below('onset share', normals(20, 0.9, 0.05, 7), 0.5, 1);
    expect(j.verdict).toBe('not reproduced');
    expect(j.effect.estimate).toBeGreaterThan(0.8);
    expect(j.effect.ci95[0]).toBeLessThan(j.effect.ci95[1]);
  });
  it('equivalence (two-sided): near 0 reproduced, far on either side not reproduced, wide inconclusive', () => {
    expect(within('gap', normals(30, 0.01, 0.03, 8), 0.1, 1).verdict).toBe('reproduced');
    expect(within('gap', normals(30, 0.3, 0.03, 8), 0.1, 1).verdict).toBe('not reproduced');
    expect(within('gap', normals(30, -0.3, 0.03, 8), 0.1, 1).verdict).toBe('not reproduced');
    expect(within('gap', normals(10, 0.1, 0.3, 8), 0.1, 1).verdict).toBe('inconclusive');
  });
  it('at a true mean exactly on the floor: mostly inconclusive, each side rare (about 2.5% each)', () => {
    // 180 draws of the same process (60 seeds x 3 sizes): a one-sided 97.5% bound misses the
    // true mean 2.5% of the time; with the rank test also required, each side stays rare
    const count = { reproduced: 0, 'not reproduced': 0, inconclusive: 0 };
    for (let s = 0; s < 60; s++) for (const n of [8, 20, 50]) count[exceeds('x', normals(n, floor, 0.3, 100 + s * 7 + n), floor, s).verdict]++;
    expect(count.inconclusive).toBeGreaterThan(150);
    expect(count.reproduced).toBeLessThanOrEqual(12); // 2.5% of 180 is 4.5; 12 is beyond 3 SE
    expect(count['not reproduced']).toBeLessThanOrEqual(12);
  });
  it('a true effect of twice the floor never reads not reproduced across seeds and sizes', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 40; s++) for (const n of [5, 12, 50]) seen.add(exceeds('x', normals(n, 2 * floor, 0.3, 900 + s * 7 + n), floor, s).verdict);
    expect(seen.has('not reproduced')).toBe(false);
    expect(seen.has('reproduced')).toBe(true);
  });
  it('combine: all reproduced, any not reproduced, else inconclusive', () => {
    expect(combine(['reproduced', 'reproduced'])).toBe('reproduced');
    expect(combine(['reproduced', 'not reproduced', 'inconclusive'])).toBe('not reproduced');
    expect(combine(['reproduced', 'inconclusive'])).toBe('inconclusive');
    expect(combine([])).toBe('inconclusive');
  });
});

/** Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): an independent normal CDF for the hand case. */
function erf(x: number): number {
  const s = Math.sign(x), a = Math.abs(x), t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
