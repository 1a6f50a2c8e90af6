// `kde-upper` and `kde-lower`: the Kolchinsky-Tracey bounds of Saxe et al. (docs/SCIENCE.md §4). Each row
// of a layer is the centre of a Gaussian of variance s2; the bounds on that mixture's entropy give
// I(X;T) = H_bound(T) - H(T|X) and I(T;Y) = H_bound(T) - sum_y p(y) H_bound(T | Y=y). The wasm
// kernel computes both bounds in one pass, in nats; points are reported in bits. When both
// estimators run on a network, the second reuses the first's numbers for identical activations.
import type { ExperimentConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import type { EstimatorFactory, LayerActivations, PlanePoint } from './estimator.js';

/** PRNG stream of the row subsample (split 1, init 2 and batch order 3 are the trainer's). */
export const KDE_STREAM = 0x6b6465;
/** `auto` noise variance: 1e-3 (the 12-bit nets) when the widest layer has at most this many units, else 1e-1 (MNIST-sized). */
export const AUTO_S2_WIDTH = 64;
/** Default cap on the rows used (all 4096 of ib12); 0 = all rows. */
export const DEFAULT_KDE_SAMPLES = 4096;

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

// Results of one input (a network's LayerActivations) per layer, keyed by everything they depend on.
interface Cached { key: string; values: Float32Array; out: Float64Array }
const shared = new WeakMap<LayerActivations, Map<number, Cached>>();

function sameValues(engine: Engine, input: LayerActivations, l: number, values: Float32Array): boolean {
  const n = input.n, d = input.width[l];
  if (values.length !== n * d) return false;
  for (let u = 0; u < d; u++) {
    const row = engine.f32(input.act[l] + 4 * u * input.stride, n);
    for (let s = 0; s < n; s++) if (row[s] !== values[u * n + s]) return false;
  }
  return true;
}

/** The layer's values, copied into `reuse` when it has the right size (no allocation per logged
 *  epoch once the cache holds a buffer for the layer). */
function copyValues(engine: Engine, input: LayerActivations, l: number, reuse?: Float32Array): Float32Array {
  const n = input.n, d = input.width[l];
  const values = reuse && reuse.length === n * d ? reuse : new Float32Array(n * d);
  for (let u = 0; u < d; u++) values.set(engine.f32(input.act[l] + 4 * u * input.stride, n), u * n);
  return values;
}

function makeKde(bound: 'upper' | 'lower'): EstimatorFactory {
  return (config, engine, sizes) => {
    const ex = engine.exports;
    const { s2, why } = kdeNoiseVariance(config, sizes.maxWidth);
    const seed = (sizes.seed ?? config.seed) >>> 0;
    const samples = config.kdeSamples ?? DEFAULT_KDE_SAMPLES;
    const mMax = kdeRowCount(samples, sizes.maxRows);
    const ctx = ex.kde_create(mMax, sizes.maxWidth, sizes.nClasses);
    const rows = engine.alloc(4 * sizes.maxRows), state = engine.alloc(16), out = engine.alloc(8 * 4);
    let drawnFor = -1;
    const rowsText = mMax < sizes.maxRows ? `a seeded subsample of ${mMax} of ${sizes.maxRows} rows` : 'all rows';
    const what = bound === 'upper' ? 'upper bound (pairwise KL)' : 'lower bound (pairwise Bhattacharyya, kernel variance 4 s2)';
    return {
      name: `kde-${bound}`,
      settings: `Kolchinsky-Tracey ${what}, noise variance s2 = ${s2} (${why}), ${rowsText}; nats converted to bits`,
      measure(input) {
        const m = kdeRowCount(samples, input.n);
        if (m < input.n && drawnFor !== input.n) { kdeDrawRows(engine, seed, input.n, m, rows, state); drawnFor = input.n; }
        let cache = shared.get(input);
        if (!cache) shared.set(input, (cache = new Map()));
        const points: PlanePoint[] = [];
        for (let l = 0; l < input.act.length; l++) {
          const key = `${s2}|${m < input.n ? `${seed}:${m}` : 'all'}|${input.n}|${input.width[l]}|${input.labels}`;
          let hit = cache.get(l);
          if (!hit || hit.key !== key || !sameValues(engine, input, l, hit.values)) {
            ex.kde_mi(ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, m < input.n ? rows : 0, m, s2, out);
            hit = { key, values: copyValues(engine, input, l, hit?.values), out: engine.f64(out, 4).slice() };
            cache.set(l, hit);
          }
          const [ixt, ity] = bound === 'upper' ? [hit.out[0], hit.out[1]] : [hit.out[2], hit.out[3]];
          points.push({ ixt: ixt / Math.LN2, ity: ity / Math.LN2 });
        }
        return points;
      },
    };
  };
}

export const kdeUpper = makeKde('upper');
export const kdeLower = makeKde('lower');
