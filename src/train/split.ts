// Train/test splits as a row order: the first nTrain rows of the order are the training set.
import type { Engine } from '../engine/engine.js';
import type { SplitName } from '../config/config.js';

export const SPLIT_STREAM = 1; // rng stream of the split (init uses 2, batch order 3)

export { trainCount } from '../config/config.js';

/** 'ordered': rows as they are (the reference code: train = the first rows). 'random': a seeded
 *  shuffle by the engine's PRNG, so every host gets the same split for the same seed.
 *  'stratified' (needs labels and nTrain): see stratify below. */
export function splitOrder(engine: Engine, kind: SplitName, nRows: number, seed: number,
  labels?: Int32Array, nTrain?: number): Int32Array {
  const order = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) order[i] = i;
  if (kind === 'ordered') return order;
  const state = engine.alloc(16), ptr = engine.alloc(4 * nRows);
  engine.i32(ptr, nRows).set(order);
  engine.exports.rng_seed(state, seed >>> 0, SPLIT_STREAM);
  engine.exports.rng_shuffle(state, ptr, nRows);
  const shuffled = engine.i32(ptr, nRows).slice();
  if (kind === 'stratified') {
    if (!labels || nTrain === undefined) throw new RangeError('a stratified split needs the labels and the train count');
    return stratify(shuffled, labels, nTrain);
  }
  return shuffled;
}

/** 'stratified': the same seeded shuffle, then in every class the first n_c rows (in shuffled
 *  order) train, n_c = the class's share of nTrain by largest remainder (ties: lower class), so
 *  the counts sum to nTrain exactly. Train rows first, test rows after, each in shuffled order. */
function stratify(shuffled: Int32Array, y: Int32Array, nTrain: number): Int32Array {
  const N = shuffled.length;
  let K = 0;
  for (let i = 0; i < N; i++) K = Math.max(K, y[i] + 1);
  const size = new Float64Array(K);
  for (let i = 0; i < N; i++) size[y[i]]++;
  const quota = Array.from(size, (n) => (n * nTrain) / N);
  const take = quota.map(Math.floor);
  let left = nTrain - take.reduce((a, b) => a + b, 0);
  const byRemainder = quota.map((_, c) => c).sort((a, b) => (quota[b] - take[b]) - (quota[a] - take[a]) || a - b);
  for (const c of byRemainder) { if (left <= 0) break; if (take[c] < size[c]) { take[c]++; left--; } }
  const out = new Int32Array(N);
  let t = 0, e = nTrain;
  for (let i = 0; i < N; i++) {
    const r = shuffled[i];
    if (take[y[r]] > 0) { take[y[r]]--; out[t++] = r; } else out[e++] = r;
  }
  return out;
}
