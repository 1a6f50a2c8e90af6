// `kde-upper` and `kde-lower`: the Kolchinsky-Tracey bounds of Saxe et al. (docs/SCIENCE.md, KDE
// bounds). Each row
// of a layer is the centre of a Gaussian of variance s2; the bounds on that mixture's entropy give
// I(X;T) = H_bound(T) - H(T|X) and I(T;Y) = H_bound(T) - sum_y p(y) H_bound(T | Y=y). The wasm
// kernel computes both bounds in one pass, in nats; points are reported in bits. One estimator
// fills both planes.
import { DEFAULTS, type ExperimentConfig } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import { defineEstimator, type PlanePoint } from './estimator.js';

/** PRNG stream of the row subsample (split 1, init 2 and batch order 3 are the trainer's). */
export const KDE_STREAM = 0x6b6465;
/** `auto` noise variance: 1e-3 (the 12-bit nets) when the widest layer has at most this many units, else 1e-1 (MNIST-sized). */
export const AUTO_S2_WIDTH = 64;

/** The noise variance for a network whose widest measured layer has maxWidth units, and why. */
export function kdeNoiseVariance(config: Pick<ExperimentConfig, 'noiseVariance'>, maxWidth: number): { s2: number; why: string } {
  const v = config.noiseVariance ?? 'auto';
  if (v !== 'auto') return { s2: v, why: 'given' };
  return maxWidth <= AUTO_S2_WIDTH
    ? { s2: 1e-3, why: `auto: widest layer ${maxWidth} <= ${AUTO_S2_WIDTH} units` }
    : { s2: 1e-1, why: `auto: widest layer ${maxWidth} > ${AUTO_S2_WIDTH} units` };
}

/** Rows used out of n: all of them, or a sorted seeded subsample of `samples` (0 = all). */
export function kdeRowCount(samples: number, n: number): number {
  return samples > 0 && samples < n ? samples : n;
}

/** The subsample itself, written to rows i32[n] (first m entries, ascending): a Fisher-Yates
 *  shuffle of 0..n-1 on the wasm PRNG (seed, KDE_STREAM), cut to m. */
export function kdeDrawRows(engine: Engine, seed: number, n: number, m: number, rows: number, state: number): void {
  const ex = engine.exports;
  const idx = engine.i32(rows, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  ex.rng_seed(state, seed >>> 0, KDE_STREAM);
  ex.rng_shuffle(state, rows, n);
  engine.i32(rows, m).sort();
}

/** Both Kolchinsky-Tracey bounds of every layer from one kernel pass per layer: planes
 *  `kde-upper` (pairwise KL) and `kde-lower` (pairwise Bhattacharyya), in bits. */
export const kde = defineEstimator(['kde-upper', 'kde-lower'], (config, engine, sizes) => {
  const ex = engine.exports;
  const { s2, why } = kdeNoiseVariance(config, sizes.maxWidth);
  const seed = (sizes.seed ?? config.seed) >>> 0;
  const samples = config.kdeSamples ?? DEFAULTS.kdeSamples;
  const mMax = kdeRowCount(samples, sizes.maxRows);
  const ctx = ex.kde_create(mMax, sizes.maxWidth, sizes.nClasses, engine.threads);
  const rows = engine.alloc(4 * sizes.maxRows), state = engine.alloc(16), out = engine.alloc(8 * 4);
  let drawnFor = -1;
  const rowsText = mMax < sizes.maxRows ? `a seeded subsample of ${mMax} of ${sizes.maxRows} rows` : 'all rows';
  const settings = (what: string) => `Kolchinsky-Tracey ${what}, noise variance s2 = ${s2} (${why}), ${rowsText}; nats converted to bits`;
  return {
    planes: [
      { name: 'kde-upper', settings: settings('upper bound (pairwise KL)') },
      { name: 'kde-lower', settings: settings('lower bound (pairwise Bhattacharyya, kernel variance 4 s2)') },
    ],
    measure(input) {
      const m = kdeRowCount(samples, input.n);
      if (m < input.n && drawnFor !== input.n) { kdeDrawRows(engine, seed, input.n, m, rows, state); drawnFor = input.n; }
      const upper: PlanePoint[] = [], lower: PlanePoint[] = [];
      for (let l = 0; l < input.act.length; l++) {
        // every thread of a team engine shares the pairs (the same bits as one thread)
        engine.together('kde_mi_team', [ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, m < input.n ? rows : 0, m, s2, out]);
        const [ixtU, ityU, ixtL, ityL] = engine.f64(out, 4);
        upper.push({ ixt: ixtU / Math.LN2, ity: ityU / Math.LN2 });
        lower.push({ ixt: ixtL / Math.LN2, ity: ityL / Math.LN2 });
      }
      return [upper, lower];
    },
  };
});
