// The outside oracle, as llm.c's test_gpt2.c has: numbers written by PyTorch and NumPy
// (bench/peers/oracle_fixture.py -> test/fixtures/oracle.json, committed), compared with the wasm
// core. No Python at test time. The paper net 12-10-7-5-4-3-2, tanh, softmax output:
//  - the loss and every gradient of one mini-batch at fixed weights (the kernels);
//  - one whole epoch of SGD and of Adam over a fixed batch order (net_train_epoch): the weights and
//    the training loss and accuracy after it;
//  - binned MI by the reference code's rules of the trained net's layers and of edge-case values.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { miOfMatrix } from '../src/api.js';
import { Engine } from '../src/engine/engine.js';
import { loadWasmModule } from '../src/engine/wasm-node.js';
import { Network } from '../src/model/network.js';
import { ACT } from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';

interface Params { W: number[][]; b: number[][] }
interface Fixture {
  torch: string; widths: number[]; rows: number; batch: number; sgdLr: number; adamLr: number;
  X: number[]; y: number[]; order: number[]; W0: number[][]; b0: number[][];
  firstBatch: { loss: number; dW: number[][]; db: number[][] };
  sgdEpoch: Params & { loss: number; acc: number };
  adamEpoch: Params & { loss: number; acc: number };
  mi: { name: string; units: number; values: number[]; ixt: number; ity: number }[];
}
const F = JSON.parse(readFileSync(new URL('./fixtures/oracle.json', import.meta.url), 'utf8')) as Fixture;
const L = F.widths.length - 1;

/** Largest |a - b| / (atol + |b|) over the pairs: below 1 means every value is within tolerance. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return m;
}

describe('outside oracle: PyTorch and NumPy numbers (test/fixtures/oracle.json)', () => {
  let w: Wasm;
  let engine: Engine;
  beforeAll(async () => {
    w = await loadWasm();
    engine = await Engine.create(loadWasmModule());
  });

  it('the fixture is what its script says (a regenerated file would be caught here)', () => {
    expect(F.widths).toEqual([12, 10, 7, 5, 4, 3, 2]);
    expect(F.X).toHaveLength(F.rows * 12);
    expect([...F.order].sort((a, b) => a - b)).toEqual(Array.from({ length: F.rows }, (_, i) => i));
    expect(F.mi.map((m) => m.name)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5', 'edges1', 'edges2']);
  });

  it('loss and gradients of the first mini-batch at fixed weights match PyTorch autograd', () => {
    w.reset();
    const B = F.batch, rows = F.order.slice(0, B);
    const x = new Float32Array(12 * B); // [input][sample]
    rows.forEach((r, s) => { for (let i = 0; i < 12; i++) x[i * B + s] = F.X[r * 12 + i]; });
    const acts = [w.putF32(x)];
    const Wp = F.W0.map((a) => w.putF32(a)), bp = F.b0.map((a) => w.putF32(a));
    for (let l = 0; l < L; l++) {
      const out = w.allocF32(F.widths[l + 1] * B);
      w.ex.dense_forward(out, acts[l], Wp[l], bp[l], F.widths[l], F.widths[l + 1], B, l === L - 1 ? ACT.linear : ACT.tanh);
      acts.push(out);
    }
    const yp = w.putI32(rows.map((r) => F.y[r])), p = w.allocF32(2 * B);
    const loss = w.ex.softmax_ce_forward(p, acts[L], yp, 2, B, B);
    expect(Math.abs(loss - F.firstBatch.loss)).toBeLessThan(2e-6);
    let dz = w.allocF32(2 * B);
    w.ex.softmax_ce_backward(dz, p, yp, 2, B, B);
    for (let l = L - 1; l >= 0; l--) {
      const dW = w.allocF32(F.widths[l + 1] * F.widths[l]), db = w.allocF32(F.widths[l + 1]);
      const dIn = l > 0 ? w.allocF32(F.widths[l] * B) : 0;
      w.ex.dense_backward(dIn, dW, db, dz, acts[l], Wp[l], F.widths[l], F.widths[l + 1], B, l > 0 ? ACT.tanh : ACT.linear);
      // float32 both sides (they agree to about 1e-7): relative 1e-5 plus an absolute floor of 1e-7
      expect(worst(w.getF32(dW, F.widths[l + 1] * F.widths[l]), F.firstBatch.dW[l], 1e-5, 1e-7), `dW of layer ${l + 1}`).toBeLessThan(1);
      expect(worst(w.getF32(db, F.widths[l + 1]), F.firstBatch.db[l], 1e-5, 1e-7), `db of layer ${l + 1}`).toBeLessThan(1);
      dz = dIn;
    }
    // the comparison can fail: the gradient of a different batch is far from this one
    expect(worst(F.firstBatch.dW[0].map((v) => v * 1.001), F.firstBatch.dW[0], 1e-5, 1e-7)).toBeGreaterThan(1);
  });

  for (const [opt, key, lr] of [['sgd', 'sgdEpoch', F.sgdLr], ['adam', 'adamEpoch', F.adamLr]] as const) {
    it(`one ${opt} epoch over the fixed batch order ends at PyTorch's weights, loss and accuracy`, () => {
      engine.reset();
      const net = new Network(engine, { nInputs: 12, hidden: F.widths.slice(1, -1), nClasses: 2, activation: 'tanh', batch: F.batch, nRows: F.rows });
      net.setData(Float32Array.from(F.X), Int32Array.from(F.y));
      net.setOrder(Int32Array.from(F.order));
      net.init(1, false);
      for (let l = 0; l < L; l++) net.setParams(l, F.W0[l], F.b0[l]);
      expect(net.trainEpoch(F.rows, opt, lr, 0, false, false)).toBe(F.rows / F.batch);
      const want = F[key];
      for (let l = 0; l < L; l++) {
        const { W, b } = net.params(l);
        expect(worst(W, want.W[l], 1e-5, 1e-6), `W of layer ${l + 1}`).toBeLessThan(1);
        expect(worst(b, want.b[l], 1e-5, 1e-6), `b of layer ${l + 1}`).toBeLessThan(1);
      }
      const [trainLoss, trainAcc] = net.evaluate(F.rows);
      expect(Math.abs(trainLoss - want.loss)).toBeLessThan(1e-5);
      expect(trainAcc).toBe(want.acc);
      // the epoch moved the weights well beyond the tolerance, so the check above means something
      expect(worst(F.W0[0], want.W[0], 1e-5, 1e-6)).toBeGreaterThan(1000);
    });
  }

  it('binned MI (30 edges linspace(-1, 1) in f32, v >= 1 its own cell) equals NumPy, I(X;T) = H(T)', () => {
    for (const m of F.mi) {
      const r = miOfMatrix(engine, m.values, F.rows, m.units, Int32Array.from(F.y), { estimator: 'bin' });
      expect(Math.abs(r.ixt - m.ixt), `I(X;T) of ${m.name}`).toBeLessThan(1e-12);
      expect(Math.abs(r.ity - m.ity), `I(T;Y) of ${m.name}`).toBeLessThan(1e-12);
    }
  });
});
