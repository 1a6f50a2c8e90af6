// net_init, net_train_epoch, net_grad_stats and net_eval against the float64 reference trainer.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine } from '../src/engine/engine.js';
import { Network } from '../src/model/network.js';
import { ib12 } from '../src/data/ib12.js';
import { ACT, refInitLayers, refTrainEpoch, refMlpForward, refSoftmaxCeForward, refQuantLevels, refQuantRange, REF_Q_EMA_START, type RefOptimizer, type RefQuant } from '../src/reference/index.js';
import type { Activation, OptimizerName } from '../src/config/config.js';

const engine = await Engine.create(new WebAssembly.Module(readFileSync(new URL('../build/infoplane.wasm', import.meta.url))));
const data = ib12();

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
  // a fixed, scrambled order: the first N_TRAIN rows train
  const order = Int32Array.from({ length: data.nRows }, (_, i) => (i * 2654435761) % 4096 >>> 0);
  net.setOrder(order);
  net.init(seed, false);
  const widths = [12, ...hidden, 2];
  const ref = refInitLayers(widths, hidden.map(() => ACT[activation]), seed, false);
  return { net, ref, order };
}

const N_TRAIN = 3277;

/** Three epochs in wasm and in the reference (the first N_TRAIN rows of `order`): mini-batch count,
 *  gradient mean and std per epoch, then the parameters, each within its relative tolerance. */
function trainAndCompare(net: Network, ref: ReturnType<typeof refInitLayers>, order: Int32Array, batch: number,
  opt: RefOptimizer, tol: { grad: number; params: number }, quant?: RefQuant) {
  for (let epoch = 0; epoch < 3; epoch++) {
    const nb = net.trainEpoch(N_TRAIN, opt.kind, opt.lr, opt.mu ?? 0.9, false, true);
    expect(nb).toBe(Math.ceil(N_TRAIN / batch));
    const want = refTrainEpoch(ref, data.X, data.y, order, N_TRAIN, batch, opt, quant);
    const got = net.gradStats(nb);
    relClose(got.filter((_, i) => i % 2 === 0), want.gradMean, tol.grad, `gradMean epoch ${epoch}`);
    relClose(got.filter((_, i) => i % 2 === 1), want.gradStd, tol.grad, `gradStd epoch ${epoch}`);
  }
  for (let l = 0; l < ref.length; l++) {
    relClose(net.params(l).W, ref[l].W, tol.params, `W${l}`);
    relClose(net.params(l).b, ref[l].b, tol.params, `b${l}`);
  }
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
    // a first layer stepped in several blocks of units (assembly/net.ts STEP_UNITS), the last partial
    [[70, 5], 'relu', 'momentum', 0.05, 200],
  ];
  for (const [hidden, activation, optimizer, lr, batch] of cases) {
    it(`${hidden.join('-')} ${activation} ${optimizer} batch ${batch}: params, gradient mean and std after 3 epochs`, () => {
      const { net, ref, order } = setup(hidden, activation, batch, 3);
      const opt: RefOptimizer = { kind: optimizer, lr, mu: 0.9 };
      trainAndCompare(net, ref, order, batch, opt, { grad: 2e-3, params: 1e-3 });
      // net_eval: loss and accuracy of the train and test rows under the same weights
      const [trL, trA, teL, teA] = net.evaluate(N_TRAIN);
      const x = new Float64Array(12 * 4096);
      for (let r = 0; r < 4096; r++) for (let i = 0; i < 12; i++) x[i * 4096 + r] = data.X[r * 12 + i];
      const acts = refMlpForward(x, ref, 4096);
      const { p } = refSoftmaxCeForward(acts[acts.length - 1], data.y, 2, 4096, 4096);
      let l0 = 0, a0 = 0, l1 = 0, a1 = 0;
      for (let j = 0; j < 4096; j++) {
        const r = order[j], yr = data.y[r];
        const loss = -Math.log(p[yr * 4096 + r]), hit = (p[4096 + r] > p[r] ? 1 : 0) === yr ? 1 : 0;
        if (j < N_TRAIN) { l0 += loss; a0 += hit; } else { l1 += loss; a1 += hit; }
      }
      expect(trL).toBeCloseTo(l0 / N_TRAIN, 4);
      expect(teL).toBeCloseTo(l1 / (4096 - N_TRAIN), 4);
      expect(Math.abs(trA - a0 / N_TRAIN)).toBeLessThanOrEqual(2 / N_TRAIN);
      expect(Math.abs(teA - a1 / (4096 - N_TRAIN))).toBeLessThanOrEqual(2 / (4096 - N_TRAIN));
    });
  }
});

describe('a whole quantized epoch in wasm vs the reference trainer (assembly/quantize.ts)', () => {
  const quantCases: [number[], Activation, number, number][] = [
    [[10, 7, 5, 4, 3], 'tanh', 8, 512],
    [[10, 7, 5, 4, 3], 'tanh', 4, 256],
    [[6, 3], 'relu', 8, 100], // moving ranges
    [[5], 'sigmoid', 4, 333],
  ];
  for (const [hidden, activation, bits, batch] of quantCases) {
    it(`${hidden.join('-')} ${activation} ${bits} bits, batch ${batch}: params, gradient stats, ranges and levels after 3 epochs`, () => {
      const { net, ref, order } = setup(hidden, activation, batch, 5);
      net.quantize(bits);
      net.init(5, false);
      const moving = activation === 'relu';
      const fixed: [number, number] = activation === 'sigmoid' ? [0, 1] : [-1, 1];
      const quant: RefQuant = {
        bits, fixed: hidden.map(() => (moving ? null : [...fixed] as [number, number])),
        moving: hidden.map(() => [...REF_Q_EMA_START] as [number, number]),
      };
      const opt: RefOptimizer = { kind: 'adam', lr: 4e-3 };
      trainAndCompare(net, ref, order, batch, opt, { grad: 3e-3, params: 2e-3 }, quant);
      const ranges = net.quantRanges() as [number, number][];
      expect(ranges.length).toBe(hidden.length + 1);
      expect(ranges[hidden.length]).toEqual([0, 1]);
      hidden.forEach((_, l) => {
        const want = refQuantRange(quant, l);
        expect(ranges[l][0]).toBeCloseTo(want[0], 9);
        expect(ranges[l][1]).toBeCloseTo(want[1], 6);
      });
      if (moving) expect(ranges[0][1]).not.toBe(6); // the moving range moved
      // evaluation: every layer's values are levels of its grid, the output's too
      net.evaluate(N_TRAIN);
      net.widths.forEach((width, l) => {
        const levels = new Set(refQuantLevels(ranges[l][0], ranges[l][1], bits));
        const a = engine.f32(net.activationPtr(l), width * net.rowsPad);
        for (let u = 0; u < width; u++) for (let s = 0; s < 4096; s += 7) {
          if (!levels.has(a[u * net.rowsPad + s])) expect(`layer ${l} unit ${u} row ${s}: ${a[u * net.rowsPad + s]}`).toBe('a level');
        }
      });
    });
  }
});
