/**
 * Reference forward pass and loss of a small MLP in float64 (for finite-difference checks).
 *
 * API
 *   interface RefLayer { W: ArrayLike<number> [out][in]; b: ArrayLike<number> [out]; nIn; nOut; act }
 *   refMlpForward(x [nIn][B], layers, B) -> Float64Array[]   activations of every layer ([unit][B]);
 *       layers[i].act is an activation code; the last layer's output is the logits when it is
 *       followed by refMlpLoss's softmax (give it act = 0, linear)
 *   refMlpLoss(x, layers, y, B, n) -> number     mean softmax cross-entropy (nats) over the first n
 *       columns of the last layer's output
 */
import { refDenseForward } from './dense.js';
import { refSoftmaxCeForward } from './softmax.js';

export interface RefLayer {
  W: ArrayLike<number>;
  b: ArrayLike<number>;
  nIn: number;
  nOut: number;
  act: number;
}

export function refMlpForward(x: ArrayLike<number>, layers: readonly RefLayer[], B: number): Float64Array[] {
  const acts: Float64Array[] = [];
  let h: ArrayLike<number> = x;
  for (const L of layers) {
    const out = refDenseForward(h, L.W, L.b, L.nIn, L.nOut, B, L.act);
    acts.push(out);
    h = out;
  }
  return acts;
}

export function refMlpLoss(
  x: ArrayLike<number>, layers: readonly RefLayer[], y: ArrayLike<number>, B: number, n: number,
): number {
  const acts = refMlpForward(x, layers, B);
  const K = layers[layers.length - 1].nOut;
  return refSoftmaxCeForward(acts[acts.length - 1], y, K, B, n).loss;
}
