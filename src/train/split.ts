// Train/test splits as a row order: the first nTrain rows of the order are the training set.
import type { Engine } from '../engine/engine.js';
import type { SplitName } from '../config.js';

export const SPLIT_STREAM = 1; // rng stream of the split (init uses 2, batch order 3)

export function trainCount(nRows: number, fraction: number): number {
  return Math.min(nRows, Math.max(1, Math.round(fraction * nRows)));
}

/** 'ordered': rows as they are (the reference code: train = the first rows). 'random': a seeded
 *  shuffle by the engine's PRNG, so every host gets the same split for the same seed. */
export function splitOrder(engine: Engine, kind: SplitName, nRows: number, seed: number): Int32Array {
  const order = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) order[i] = i;
  if (kind === 'ordered') return order;
  const state = engine.alloc(16), ptr = engine.alloc(4 * nRows);
  engine.i32(ptr, nRows).set(order);
  engine.exports.rng_seed(state, seed >>> 0, SPLIT_STREAM);
  engine.exports.rng_shuffle(state, ptr, nRows);
  return engine.i32(ptr, nRows).slice();
}
