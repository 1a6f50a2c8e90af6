/**
 * Reference of one training epoch (net_train_epoch) and of the gradient statistics
 * (net_grad_stats), built from the reference layers, in float64.
 *
 * API
 *   refInitLayers(widths, acts, seed, fanOut) -> RefLayer[]   net_init's weights: stream 2 of the
 *       reference PRNG, truncated normal per layer in order, std 1/sqrt(fan_in or fan_out), b = 0
 *   refTrainEpoch(layers, X, y, order, nTrain, batch, opt, quant?) -> { gradMean, gradStd }
 *       X row-major [row][input]; batches are contiguous slices of order[0..nTrain); updates the
 *       layers (and opt.state) in place; gradMean/gradStd per layer as docs/SCIENCE.md, Gradient statistics (W only)
 *   refBackprop(layers, x [nIn][n], yb, n, quant?) -> { grads: [dW0, db0, dW1, ...], acts }
 *       one mini-batch's gradients; with quant the hidden layers are quantized (reference/quantize.ts):
 *       forward on the levels, straight-through backward through the unquantized values
 *   interface RefQuant { bits; fixed: ([lo, hi] | null)[] per hidden layer (null = moving range);
 *       moving: [lo, hi][] the moving ranges (updated per training batch, in place) }
 */
import { RefRng } from './rng.js';
import { refDenseBackward } from './dense.js';
import type { RefLayer } from './mlp.js';
import { refSoftmaxCeBackward, refSoftmaxCeForward } from './softmax.js';
import { refAdamStep, refMomentumStep, refSgdStep } from './optim.js';
import { refDenseForward } from './dense.js';
import { refQuantEma, refQuantizeBackward, refQuantizeForward } from './quantize.js';

export interface RefQuant { bits: number; fixed: ([number, number] | null)[]; moving: [number, number][] }

/** The range hidden layer l is quantized to now. */
export function refQuantRange(q: RefQuant, l: number): [number, number] {
  return q.fixed[l] ?? q.moving[l];
}

export function refBackprop(layers: RefLayer[], x: Float64Array, yb: Int32Array, n: number, quant?: RefQuant, train = true) {
  const K = layers[layers.length - 1].nOut, L = layers.length;
  const acts: Float64Array[] = [], raw: Float64Array[] = [], rangeUsed: [number, number][] = [];
  let h: ArrayLike<number> = x;
  for (let l = 0; l < L; l++) {
    const a = refDenseForward(h, layers[l].W, layers[l].b, layers[l].nIn, layers[l].nOut, n, layers[l].act);
    raw.push(a);
    if (quant && l < L - 1) {
      // a training batch of a moving range is quantized with the range so far, then moves it
      const [lo, hi] = refQuantRange(quant, l);
      rangeUsed[l] = [lo, hi];
      acts.push(Float64Array.from(refQuantizeForward(a, lo, hi, quant.bits)));
      if (!quant.fixed[l] && train) quant.moving[l] = refQuantEma(quant.moving[l], a);
    } else acts.push(a);
    h = acts[l];
  }
  const { p } = refSoftmaxCeForward(acts[L - 1], yb, K, n, n);
  let d: Float64Array = refSoftmaxCeBackward(p, yb, K, n, n);
  const grads: Float64Array[] = new Array(2 * L);
  for (let l = L - 1; l >= 0; l--) {
    const inp = l > 0 ? acts[l - 1] : x;
    const actIn = l > 0 && !quant ? layers[l - 1].act : 0;
    const g = refDenseBackward(d, inp, layers[l].W, layers[l].nIn, layers[l].nOut, n, actIn, l > 0);
    grads[2 * l] = g.dW; grads[2 * l + 1] = g.db;
    if (g.dInp) {
      d = g.dInp;
      if (quant) {
        const [lo, hi] = rangeUsed[l - 1];
        d = refQuantizeBackward(d, raw[l - 1], Math.fround(lo), Math.fround(hi), layers[l - 1].act);
      }
    }
  }
  return { grads, acts };
}

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
  nTrain: number, batch: number, opt: RefOptimizer, quant?: RefQuant): { gradMean: number[]; gradStd: number[] } {
  const nIn = layers[0].nIn;
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
    const { grads } = refBackprop(layers, x, yb, n, quant);
    layers.forEach((_, l) => {
      const dW = grads[2 * l];
      for (let i = 0; i < dW.length; i++) { sum[l][i] += dW[i]; sq[l] += dW[i] * dW[i]; }
    });
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
