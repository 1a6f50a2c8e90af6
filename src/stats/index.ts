// Statistics over networks (docs/SCIENCE.md §7, §8). bootstrap.ts and rng.ts
// import nothing and are safe in browsers; rank.ts, regression.ts and verdict.ts use npm packages.
export { summarize, summarizeDifference, pointwiseCi, finiteMean, bootstrapPGreater, bootstrapDistribution, quantileSorted, mean, BOOTSTRAP_RESAMPLES, BAND_RESAMPLES } from './bootstrap.js';
export type { Interval, Summary } from './bootstrap.js';
export { seededUniform, subSeed } from './rng.js';
export { signedRank, mannWhitney, spearman } from './rank.js';
export type { Alternative, RankTest } from './rank.js';
export { slopeWithCi } from './regression.js';
export type { Slope } from './regression.js';
export { exceeds, below, within, differenceExceeds, measure, combine, MIN_NETWORKS, ALPHA, VERDICTS } from './verdict.js';
export type { Verdict, Effect, TestOutcome, Judged, ControlRow, ClaimRow } from './verdict.js';
