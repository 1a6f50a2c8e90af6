/**
 * Reference of one training epoch (net_train_epoch) and of the gradient statistics
 * (net_grad_stats), built from the reference layers, in float64.
 *
 * API
 *   refInitLayers(widths, acts, seed, fanOut) -> RefLayer[]   net_init's weights: stream 2 of the
 *       reference PRNG, truncated normal per layer in order, std 1/sqrt(fan_in or fan_out), b = 0
 *   refTrainEpoch(layers, X, y, order, nTrain, batch, opt) -> { gradMean, gradStd }
 *       X row-major [row][input]; batches are contiguous slices of order[0..nTrain); updates the
 *       layers (and opt.state) in place; gradMean/gradStd per layer as docs/SCIENCE.md, Gradient statistics (W only)
 */
import { RefRng } from './rng.js';
import { refDenseBackward } from './dense.js';
import { refMlpForward, type RefLayer } from './mlp.js';
import { refSoftmaxCeBackward, refSoftmaxCeForward } from './softmax.js';
import { refAdamStep, refMomentumStep, refSgdStep } from './optim.js';

export function refInitLayers(widths: number[], acts: number[], seed: number, fanOut: boolean): RefLayer[] {
  const rng = new RefRng(seed, 2);
  const layers: RefLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const nIn = widths[l], nOut = widths[l + 1];
    const W = rng.truncatedNormal(nIn * nOut, 1 / Math.sqrt(fanOut ? nOut : nIn));
    layers.push({ W: Float64Array.from(W), b: new Float64Array(nOut), nIn, nOut, act: l + 2 < widths.length ? acts[l] : 0 });
  }
  return layers;
}

export interface RefOptimizer {
  kind: 'sgd' | 'momentum' | 'adam'; lr: number; mu?: number;
  /** Per layer [W moments, b moments]; created on first use. */
  state?: { m: Float64Array[]; v: Float64Array[]; t: number };
}

export function refTrainEpoch(layers: RefLayer[], X: ArrayLike<number>, y: ArrayLike<number>, order: ArrayLike<number>,
  nTrain: number, batch: number, opt: RefOptimizer): { gradMean: number[]; gradStd: number[] } {
  const nIn = layers[0].nIn, K = layers[layers.length - 1].nOut;
  const params = layers.flatMap((L) => [L.W as Float64Array, L.b as Float64Array]);
  opt.state ??= { m: params.map((p) => new Float64Array(p.length)), v: params.map((p) => new Float64Array(p.length)), t: 0 };
  const sum = layers.map((L) => new Float64Array(L.nIn * L.nOut));
  const sq = layers.map(() => 0);
  let nb = 0;
  for (let start = 0; start < nTrain; start += batch) {
    const n = Math.min(batch, nTrain - start);
    const x = new Float64Array(nIn * n), yb = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      const r = order[start + s];
      yb[s] = y[r];
      for (let i = 0; i < nIn; i++) x[i * n + s] = X[r * nIn + i];
    }
    const acts = refMlpForward(x, layers, n);
    const { p } = refSoftmaxCeForward(acts[acts.length - 1], yb, K, n, n);
    let d: Float64Array = refSoftmaxCeBackward(p, yb, K, n, n);
    const grads: Float64Array[] = new Array(2 * layers.length);
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l];
      const inp = l > 0 ? acts[l - 1] : x;
      const g = refDenseBackward(d, inp, L.W, L.nIn, L.nOut, n, l > 0 ? layers[l - 1].act : 0, l > 0);
      grads[2 * l] = g.dW; grads[2 * l + 1] = g.db;
      for (let i = 0; i < g.dW.length; i++) { sum[l][i] += g.dW[i]; sq[l] += g.dW[i] * g.dW[i]; }
      if (g.dInp) d = g.dInp;
    }
    const st = opt.state;
    st.t++;
    params.forEach((p, i) => {
      if (opt.kind === 'adam') refAdamStep(p, grads[i], st.m[i], st.v[i], opt.lr, 0.9, 0.999, 1e-8, st.t);
      else if (opt.kind === 'momentum') refMomentumStep(p, grads[i], st.m[i], opt.lr, opt.mu ?? 0.9);
      else refSgdStep(p, grads[i], opt.lr);
    });
    nb++;
  }
  const gradMean: number[] = [], gradStd: number[] = [];
  layers.forEach((_, l) => {
    let m2 = 0;
    for (const s of sum[l]) m2 += (s / nb) ** 2;
    gradMean.push(Math.sqrt(m2));
    gradStd.push(Math.sqrt(Math.max(0, sq[l] / nb - m2)));
  });
  return { gradMean, gradStd };
}
