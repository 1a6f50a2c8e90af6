// Three-way verdicts from per-network values (docs/SCIENCE.md §8). A rule compares a
// quantity measured once per network with a threshold (a noise floor or a margin) through its mean's
// bootstrap 95% CI and a rank test over networks:
//   reproduced      the CI lies wholly on the claim's side of the threshold and the test rejects H0;
//   not reproduced  the CI lies wholly on the other side and the opposite test rejects;
//   inconclusive    the CI straddles the threshold, the tests disagree, or fewer than MIN_NETWORKS.
// A verdict can flip between reproduced and not reproduced only if one of the two intervals misses
// the true mean, so changing only the seeds or the number of networks moves it to inconclusive,
// not across.
import { summarize, summarizeDifference, type Interval } from './bootstrap.js';
import { mannWhitney, signedRank } from './rank.js';
import { subSeed } from './rng.js';

export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive';
export const VERDICTS: readonly Verdict[] = ['reproduced', 'not reproduced', 'inconclusive'];

/** A per-network quantity summarized: mean, 95% CI of the mean, n, and the threshold it was held to. */
export interface Effect { name: string; estimate: number; ci95: Interval; n: number; floor: number }
export interface TestOutcome { name: string; p: number }
export interface Judged { verdict: Verdict; effect: Effect; test: TestOutcome }

/** One control beside a claim: the same rule on networks without the claimed mechanism. */
export interface ControlRow { name: string; verdict: Verdict; effect: Effect; note?: string }

/** A row of reproduce.json: one claim, its rule, its main effect and test, and its controls. */
export interface ClaimRow {
  id: string;
  title: string;
  verdict: Verdict;
  /** The decision rule in words, thresholds included. */
  rule: string;
  effect: Effect;
  test: TestOutcome;
  controls: ControlRow[];
  /** Further per-network quantities the verdict used or a reader needs (each with CI and n). */
  measures?: Effect[];
  /** Caveats: what the controls or the checks say about this row. */
  notes?: string[];
}

/** Fewer networks than this give `inconclusive`: a bootstrap CI over 4 or fewer values is too
 *  narrow (its coverage falls well below 95%) and an exact signed-rank test cannot reach p < 0.05
 *  one-sided below n = 5. */
export const MIN_NETWORKS = 5;
/** Significance level of every test. */
export const ALPHA = 0.05;

/** All reproduced -> reproduced; any not reproduced -> not reproduced; else inconclusive. */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length && verdicts.every((v) => v === 'reproduced')) return 'reproduced';
  if (verdicts.some((v) => v === 'not reproduced')) return 'not reproduced';
  return 'inconclusive';
}

const effectOf = (name: string, s: { mean: number; ci95: Interval; n: number }, floor: number): Effect =>
  ({ name, estimate: s.mean, ci95: s.ci95, n: s.n, floor });

/**
 * The claim: the mean of `values` exceeds `floor`. Test: one-sided Wilcoxon signed-rank of the
 * values against the floor.
 */
export function exceeds(name: string, values: readonly number[], floor: number, seed: number): Judged {
  const s = summarize(values, subSeed(seed, name));
  const up = signedRank(values, 'greater', floor), down = signedRank(values, 'less', floor);
  const verdict: Verdict = s.n < MIN_NETWORKS || !Number.isFinite(floor) ? 'inconclusive'
    : s.ci95[0] > floor && up.p < ALPHA ? 'reproduced'
      : s.ci95[1] < floor && down.p < ALPHA ? 'not reproduced' : 'inconclusive';
  return { verdict, effect: effectOf(name, s, floor), test: { name: `${up.name}, one-sided (mean > ${fmt(floor)})`, p: up.p } };
}

/** The claim: the mean of `values` lies below `ceiling` (exceeds, mirrored). */
export function below(name: string, values: readonly number[], ceiling: number, seed: number): Judged {
  const j = exceeds(name, values.map((v) => -v), -ceiling, seed);
  const verdict = j.verdict;
  const e = j.effect;
  return {
    verdict, effect: { ...e, estimate: -e.estimate, ci95: [-e.ci95[1], -e.ci95[0]], floor: ceiling },
    test: { name: `Wilcoxon signed-rank, one-sided (mean < ${fmt(ceiling)})`, p: j.test.p },
  };
}

/**
 * The claim: the values are about 0, within +-margin (an equivalence test). Reproduced when the
 * whole CI lies inside (-margin, margin) and both one-sided signed-rank tests (TOST) reject;
 * not reproduced when the whole CI lies outside on one side.
 */
export function within(name: string, values: readonly number[], margin: number, seed: number): Judged {
  const s = summarize(values, subSeed(seed, name));
  const above = signedRank(values, 'greater', -margin), under = signedRank(values, 'less', margin);
  const p = Math.max(above.p, under.p);
  const verdict: Verdict = s.n < MIN_NETWORKS || !Number.isFinite(margin) ? 'inconclusive'
    : s.ci95[0] > -margin && s.ci95[1] < margin && p < ALPHA ? 'reproduced'
      : s.ci95[0] > margin || s.ci95[1] < -margin ? 'not reproduced' : 'inconclusive';
  return { verdict, effect: effectOf(name, s, margin), test: { name: `two one-sided Wilcoxon signed-rank tests (|mean| < ${fmt(margin)})`, p } };
}

/**
 * The claim: group a's mean exceeds group b's by more than `floor` (independent networks).
 * Test: one-sided Mann-Whitney U of a against b shifted by the floor.
 */
export function differenceExceeds(name: string, a: readonly number[], b: readonly number[], floor: number, seed: number): Judged {
  const s = summarizeDifference(a, b, subSeed(seed, name));
  const shifted = b.map((v) => v + floor);
  const up = mannWhitney(a, shifted, 'greater'), down = mannWhitney(a, shifted, 'less');
  const verdict: Verdict = s.n < MIN_NETWORKS || !Number.isFinite(floor) ? 'inconclusive'
    : s.ci95[0] > floor && up.p < ALPHA ? 'reproduced'
      : s.ci95[1] < floor && down.p < ALPHA ? 'not reproduced' : 'inconclusive';
  return { verdict, effect: effectOf(name, s, floor), test: { name: `${up.name}, one-sided (difference > ${fmt(floor)})`, p: up.p } };
}

/** A summary without a verdict (a measure shown beside a rule). */
export function measure(name: string, values: readonly number[], seed: number, floor = NaN): Effect {
  return effectOf(name, summarize(values, subSeed(seed, name)), floor);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}
