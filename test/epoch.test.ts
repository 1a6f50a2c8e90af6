// net_init, net_train_epoch, net_grad_stats and net_eval against the float64 reference trainer.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine } from '../src/engine/engine.js';
import { Network } from '../src/model/network.js';
import { ib12 } from '../src/data/ib12.js';
import { refInitLayers, refTrainEpoch, refMlpForward, refSoftmaxCeForward, type RefOptimizer } from '../src/reference/index.js';
import type { Activation, OptimizerName } from '../src/config/config.js';

const engine = await Engine.create(new WebAssembly.Module(readFileSync(new URL('../build/infoplane.wasm', import.meta.url))));
const data = ib12();
const ACT: Record<string, number> = { linear: 0, tanh: 1, relu: 2, sigmoid: 3, softsign: 4, softplus: 5 };

function relClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]: got ${got[i]} want ${want[i]}`).toBeLessThanOrEqual(tol * scale + 1e-12);
  }
}

function setup(hidden: number[], activation: Activation, batch: number, seed: number) {
  engine.reset();
  const net = new Network(engine, { nInputs: 12, hidden, nClasses: 2, activation, batch, nRows: data.nRows });
  net.setData(data.X, data.y);
  // a fixed, scrambled order: the first nTrain rows train
  const order = Int32Array.from({ length: data.nRows }, (_, i) => (i * 2654435761) % 4096 >>> 0);
  net.setOrder(order);
  net.init(seed, false);
  const widths = [12, ...hidden, 2];
  const ref = refInitLayers(widths, hidden.map(() => ACT[activation]), seed, false);
  return { net, ref, order };
}

describe('a whole epoch in wasm vs the reference trainer', () => {
  it('net_init draws the reference PRNG stream 2, truncated normal std 1/sqrt(fan_in), zero biases', () => {
    const { net, ref } = setup([10, 7, 5, 4, 3], 'tanh', 512, 11);
    for (let l = 0; l < ref.length; l++) {
      const p = net.params(l);
      relClose(p.W, ref[l].W, 1e-6, `W${l}`);
      expect(Array.from(p.b).every((v) => v === 0)).toBe(true);
      for (const w of Array.from(ref[l].W)) expect(Math.abs(w)).toBeLessThanOrEqual(2 / Math.sqrt(ref[l].nIn) + 1e-7);
    }
  });

  const cases: [number[], Activation, OptimizerName, number, number][] = [
    [[10, 7, 5, 4, 3], 'tanh', 'adam', 4e-3, 512],
    [[6, 3], 'relu', 'sgd', 0.1, 100],
    [[5], 'sigmoid', 'momentum', 0.05, 333],
    [[4, 4], 'softplus', 'adam', 1e-2, 3277],
  ];
  for (const [hidden, activation, optimizer, lr, batch] of cases) {
    it(`${hidden.join('-')} ${activation} ${optimizer} batch ${batch}: params, gradient mean and std after 3 epochs`, () => {
      const { net, ref, order } = setup(hidden, activation, batch, 3);
      const opt: RefOptimizer = { kind: optimizer, lr, mu: 0.9 };
      const nTrain = 3277;
      for (let epoch = 0; epoch < 3; epoch++) {
        const nb = net.trainEpoch(nTrain, optimizer, lr, 0.9, false, true);
        expect(nb).toBe(Math.ceil(nTrain / batch));
        const want = refTrainEpoch(ref, data.X, data.y, order, nTrain, batch, opt);
        const got = net.gradStats(nb);
        relClose(got.filter((_, i) => i % 2 === 0), want.gradMean, 2e-3, `gradMean epoch ${epoch}`);
        relClose(got.filter((_, i) => i % 2 === 1), want.gradStd, 2e-3, `gradStd epoch ${epoch}`);
      }
      for (let l = 0; l < ref.length; l++) {
        relClose(net.params(l).W, ref[l].W, 1e-3, `W${l}`);
        relClose(net.params(l).b, ref[l].b, 1e-3, `b${l}`);
      }
      // net_eval: loss and accuracy of the train and test rows under the same weights
      const [trL, trA, teL, teA] = net.evaluate(nTrain);
      const x = new Float64Array(12 * 4096);
      for (let r = 0; r < 4096; r++) for (let i = 0; i < 12; i++) x[i * 4096 + r] = data.X[r * 12 + i];
      const acts = refMlpForward(x, ref, 4096);
      const { p } = refSoftmaxCeForward(acts[acts.length - 1], data.y, 2, 4096, 4096);
      let l0 = 0, a0 = 0, l1 = 0, a1 = 0;
      for (let j = 0; j < 4096; j++) {
        const r = order[j], yr = data.y[r];
        const loss = -Math.log(p[yr * 4096 + r]), hit = (p[4096 + r] > p[r] ? 1 : 0) === yr ? 1 : 0;
        if (j < nTrain) { l0 += loss; a0 += hit; } else { l1 += loss; a1 += hit; }
      }
      expect(trL).toBeCloseTo(l0 / nTrain, 4);
      expect(teL).toBeCloseTo(l1 / (4096 - nTrain), 4);
      expect(Math.abs(trA - a0 / nTrain)).toBeLessThanOrEqual(2 / nTrain);
      expect(Math.abs(teA - a1 / (4096 - nTrain))).toBeLessThanOrEqual(2 / (4096 - nTrain));
    });
  }
});
