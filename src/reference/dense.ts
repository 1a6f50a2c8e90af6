/**
 * Reference dense layer in the ABI's layout (float64 arithmetic on whatever values are passed).
 *
 * Layout (docs/ABI.md): activations are [unit][sample] with B (padded) columns, element (u, s) at
 * index u * B + s; W is [out][in] row-major; b is [out].
 *
 * API
 *   refDenseForward(inp, W, b, nIn, nOut, B, act) -> Float64Array [nOut][B]
 *       out[o][s] = f_act(sum_i W[o][i] inp[i][s] + b[o]), for every column s < B
 *   refDensePreact(inp, W, b, nIn, nOut, B) -> Float64Array [nOut][B]   (the z before f_act)
 *   refDenseBackward(dOut, inp, W, nIn, nOut, B, actIn, withDInp = true)
 *       -> { dW: Float64Array [nOut][nIn], db: Float64Array [nOut], dInp: Float64Array [nIn][B] | null }
 *       dW[o][i] = sum_{s<B} dOut[o][s] inp[i][s];  db[o] = sum_{s<B} dOut[o][s];
 *       dInp[i][s] = (sum_o W[o][i] dOut[o][s]) * f'_{actIn}(inp[i][s])  (f' through the output)
 */
import { refAct, refActDeriv } from './activations.js';

function checkLen(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw new Error(`${name}: length ${a.length} < ${n}`);
}

export function refDensePreact(
  inp: ArrayLike<number>, W: ArrayLike<number>, b: ArrayLike<number>, nIn: number, nOut: number, B: number,
): Float64Array {
  checkLen('inp', inp, nIn * B);
  checkLen('W', W, nOut * nIn);
  checkLen('b', b, nOut);
  const z = new Float64Array(nOut * B);
  for (let o = 0; o < nOut; o++) {
    for (let s = 0; s < B; s++) {
      let acc = b[o];
      for (let i = 0; i < nIn; i++) acc += W[o * nIn + i] * inp[i * B + s];
      z[o * B + s] = acc;
    }
  }
  return z;
}

export function refDenseForward(
  inp: ArrayLike<number>, W: ArrayLike<number>, b: ArrayLike<number>,
  nIn: number, nOut: number, B: number, act: number,
): Float64Array {
  const z = refDensePreact(inp, W, b, nIn, nOut, B);
  for (let k = 0; k < z.length; k++) z[k] = refAct(act, z[k]);
  return z;
}

export interface DenseGrads { dW: Float64Array; db: Float64Array; dInp: Float64Array | null }

export function refDenseBackward(
  dOut: ArrayLike<number>, inp: ArrayLike<number>, W: ArrayLike<number>,
  nIn: number, nOut: number, B: number, actIn: number, withDInp = true,
): DenseGrads {
  checkLen('dOut', dOut, nOut * B);
  checkLen('inp', inp, nIn * B);
  checkLen('W', W, nOut * nIn);
  const dW = new Float64Array(nOut * nIn);
  const db = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let sb = 0;
    for (let s = 0; s < B; s++) sb += dOut[o * B + s];
    db[o] = sb;
    for (let i = 0; i < nIn; i++) {
      let sw = 0;
      for (let s = 0; s < B; s++) sw += dOut[o * B + s] * inp[i * B + s];
      dW[o * nIn + i] = sw;
    }
  }
  let dInp: Float64Array | null = null;
  if (withDInp) {
    dInp = new Float64Array(nIn * B);
    for (let i = 0; i < nIn; i++) {
      for (let s = 0; s < B; s++) {
        let acc = 0;
        for (let o = 0; o < nOut; o++) acc += W[o * nIn + i] * dOut[o * B + s];
        dInp[i * B + s] = acc * refActDeriv(actIn, inp[i * B + s]);
      }
    }
  }
  return { dW, db, dInp };
}
