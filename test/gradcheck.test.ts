// Finite-difference gradient check of small networks built from the wasm kernels: the wasm backward
// (softmax_ce_backward + dense_backward) against central differences of the REFERENCE forward in
// float64, and against the reference backward.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACT, ACT_NAMES, ALL_ACTS, refDensePreact, refDenseBackward, refMlpForward, refMlpLoss,
  refSoftmaxCeBackward, type RefLayer,
} from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { TestData } from './helpers/data.js';

let w: Wasm;
beforeAll(async () => {
  w = await loadWasm();
});

interface Net {
  sizes: number[]; // input, hidden..., K
  act: number; // hidden activation; the last layer is linear + softmax
  B: number;
  n: number;
  x: Float32Array; // [sizes[0]][B], padding columns 0
  y: Int32Array; // [B], padding labels 0
  W: Float32Array[];
  b: Float32Array[];
}

function makeNet(sizes: number[], act: number, B: number, n: number, seed: number): Net {
  // redraw until no pre-activation is near a kink / the FD step (matters for relu only)
  for (let attempt = 0; attempt < 50; attempt++) {
    const d = new TestData(seed, attempt);
    const K = sizes[sizes.length - 1];
    const x = new Float32Array(sizes[0] * B);
    for (let i = 0; i < sizes[0]; i++) for (let s = 0; s < n; s++) x[i * B + s] = d.uniform(-1, 1);
    const y = new Int32Array(B);
    for (let s = 0; s < n; s++) y[s] = d.int(K);
    const W: Float32Array[] = [];
    const b: Float32Array[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      W.push(d.normalF32(sizes[l + 1] * sizes[l], 1.3 / Math.sqrt(sizes[l])));
      b.push(d.f32(sizes[l + 1], -0.3, 0.3));
    }
    const net: Net = { sizes, act, B, n, x, y, W, b };
    const layers = refLayers(net);
    let h: ArrayLike<number> = x;
    let ok = true;
    for (const L of layers) {
      const z = refDensePreact(h, L.W, L.b, L.nIn, L.nOut, B);
      for (let o = 0; o < L.nOut; o++) for (let s = 0; s < n; s++) if (Math.abs(z[o * B + s]) < 1e-3) ok = false;
      h = refMlpForward(h, [L], B)[0];
    }
    if (ok || act !== ACT.relu) return net;
  }
  throw new Error('could not draw a relu net away from its kinks');
}

function refLayers(net: Net, W = net.W as ArrayLike<number>[], b = net.b as ArrayLike<number>[]): RefLayer[] {
  const L = net.sizes.length - 1;
  return Array.from({ length: L }, (_, l) => ({
    W: W[l], b: b[l], nIn: net.sizes[l], nOut: net.sizes[l + 1], act: l === L - 1 ? ACT.linear : net.act,
  }));
}

/** Forward and backward through the wasm kernels; returns the loss and dW, db per layer. */
function wasmGrads(net: Net) {
  w.reset();
  const { sizes, B, n } = net;
  const L = sizes.length - 1;
  const K = sizes[L];
  const Wp = net.W.map((a) => w.putF32(a));
  const bp = net.b.map((a) => w.putF32(a));
  const acts = [w.putF32(net.x)];
  for (let l = 0; l < L; l++) {
    const out = w.allocF32(sizes[l + 1] * B);
    w.ex.dense_forward(out, acts[l], Wp[l], bp[l], sizes[l], sizes[l + 1], B, l === L - 1 ? ACT.linear : net.act);
    acts.push(out);
  }
  const yp = w.putI32(net.y);
  const p = w.allocF32(K * B);
  const loss = w.ex.softmax_ce_forward(p, acts[L], yp, K, B, n);
  let dz = w.allocF32(K * B);
  w.ex.softmax_ce_backward(dz, p, yp, K, B, n);
  const dW: Float32Array[] = new Array(L);
  const db: Float32Array[] = new Array(L);
  for (let l = L - 1; l >= 0; l--) {
    const dWp = w.allocF32(sizes[l + 1] * sizes[l]);
    const dbp = w.allocF32(sizes[l + 1]);
    const dIn = l > 0 ? w.allocF32(sizes[l] * B) : 0;
    w.ex.dense_backward(dIn, dWp, dbp, dz, acts[l], Wp[l], sizes[l], sizes[l + 1], B, net.act);
    dW[l] = w.getF32(dWp, sizes[l + 1] * sizes[l]);
    db[l] = w.getF32(dbp, sizes[l + 1]);
    dz = dIn;
  }
  return { loss, dW, db };
}

/** Central differences of the float64 reference loss for every weight and bias. */
function fdGrads(net: Net, h = 1e-6) {
  const W = net.W.map((a) => Float64Array.from(a));
  const b = net.b.map((a) => Float64Array.from(a));
  const loss = () => refMlpLoss(net.x, refLayers(net, W, b), net.y, net.B, net.n);
  const fd = (arr: Float64Array, i: number) => {
    const v = arr[i];
    arr[i] = v + h;
    const lp = loss();
    arr[i] = v - h;
    const lm = loss();
    arr[i] = v;
    return (lp - lm) / (2 * h);
  };
  return {
    loss: loss(),
    dW: W.map((arr) => Float64Array.from(arr, (_, i) => fd(arr, i))),
    db: b.map((arr) => Float64Array.from(arr, (_, i) => fd(arr, i))),
  };
}

/** The reference backward chain in float64 from the reference forward. */
function refGrads(net: Net) {
  const layers = refLayers(net);
  const L = layers.length;
  const acts = [Float64Array.from(net.x), ...refMlpForward(net.x, layers, net.B)];
  const K = net.sizes[L];
  // softmax probabilities of the logits
  const z = acts[L];
  const p = new Float64Array(K * net.B);
  for (let s = 0; s < net.B; s++) {
    let m = -Infinity, sum = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, z[k * net.B + s]);
    for (let k = 0; k < K; k++) sum += Math.exp(z[k * net.B + s] - m);
    for (let k = 0; k < K; k++) p[k * net.B + s] = Math.exp(z[k * net.B + s] - m) / sum;
  }
  let dz: Float64Array = refSoftmaxCeBackward(p, net.y, K, net.B, net.n);
  const dW: Float64Array[] = new Array(L);
  const db: Float64Array[] = new Array(L);
  for (let l = L - 1; l >= 0; l--) {
    const g = refDenseBackward(dz, acts[l], layers[l].W, layers[l].nIn, layers[l].nOut, net.B, net.act, l > 0);
    dW[l] = g.dW;
    db[l] = g.db;
    if (g.dInp) dz = g.dInp;
  }
  return { dW, db };
}

function compare(what: string, got: ArrayLike<number>[], want: ArrayLike<number>[], rel: number, floor: number) {
  let worst = 0;
  let where = '';
  for (let l = 0; l < got.length; l++) {
    for (let i = 0; i < got[l].length; i++) {
      const e = Math.abs(got[l][i] - want[l][i]) / Math.max(Math.abs(got[l][i]), Math.abs(want[l][i]), floor);
      if (!(e <= worst)) {
        worst = e;
        where = `layer ${l} index ${i}: got ${got[l][i]}, want ${want[l][i]}`;
      }
    }
  }
  expect(worst, `${what}: worst relative error ${worst} at ${where}`).toBeLessThanOrEqual(rel);
}

const CASES: [string, number[], number, number, number][] = [
  ...ALL_ACTS.map((a): [string, number[], number, number, number] => [`5-4-3-2 ${ACT_NAMES[a]}`, [5, 4, 3, 2], a, 8, 6]),
  ['5-6-3 relu, 3 classes', [5, 6, 3], ACT.relu, 12, 12],
  ['5-4-3 softsign, 3 classes, one real sample', [5, 4, 3], ACT.softsign, 4, 1],
  ['paper net 12-10-7-5-4-3-2 tanh', [12, 10, 7, 5, 4, 3, 2], ACT.tanh, 16, 13],
  ['paper net 12-10-7-5-4-3-2 sigmoid', [12, 10, 7, 5, 4, 3, 2], ACT.sigmoid, 16, 13],
];

describe('gradient check', () => {
  it.each(CASES)('%s: wasm dW, db vs central differences of the reference loss (rel <= 1e-3)', (_name, sizes, act, B, n) => {
    const net = makeNet(sizes, act, B, n, 1000 + act + sizes.length * 10);
    const g = wasmGrads(net);
    const fd = fdGrads(net);
    expect(Math.abs(g.loss - fd.loss), `loss: wasm ${g.loss}, reference ${fd.loss}`).toBeLessThan(1e-5 * (1 + fd.loss));
    compare('dW', g.dW, fd.dW, 1e-3, 1e-4);
    compare('db', g.db, fd.db, 1e-3, 1e-4);
    // the gradient is not trivially zero
    const norm = g.dW.reduce((acc, a) => acc + a.reduce((s, v) => s + v * v, 0), 0);
    expect(norm).toBeGreaterThan(1e-6);
  });

  it.each(CASES)('%s: wasm backward vs the reference backward', (_name, sizes, act, B, n) => {
    const net = makeNet(sizes, act, B, n, 2000 + act + sizes.length * 10);
    const g = wasmGrads(net);
    const r = refGrads(net);
    compare('dW', g.dW, r.dW, 1e-4, 1e-4);
    compare('db', g.db, r.db, 1e-4, 1e-4);
  });

  it('the check itself detects a wrong gradient (a sign flip in one entry)', () => {
    const net = makeNet([5, 4, 3, 2], ACT.tanh, 8, 6, 77);
    const g = wasmGrads(net);
    const fd = fdGrads(net);
    g.dW[1][2] = -g.dW[1][2];
    expect(() => compare('dW', g.dW, fd.dW, 1e-3, 1e-4)).toThrow();
  });
});
