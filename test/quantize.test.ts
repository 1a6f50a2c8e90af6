// The quantizer of assembly/quantize.ts: levels, rounding between them, the straight-through
// backward pass and the moving range, wasm against the TypeScript reference (bit for bit), and the
// reference's gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { loadWasm } from './helpers/wasm.js';
import {
  ACT, refBackprop, refQuantize, refQuantizeBackward, refQuantizeForward, refQuantLevels,
  refSoftmaxCeForward, refAct, type RefLayer, type RefQuant,
} from '../src/reference/index.js';
import { RefRng } from '../src/reference/rng.js';

const w = await loadWasm();
type QEx = {
  quantize_forward(q: number, a: number, save: number, n: number, lo: number, hi: number, bits: number): void;
  quantize_backward(dz: number, da: number, a: number, n: number, lo: number, hi: number, act: number): void;
  quantize_rows(q: number, a: number, nUnits: number, n: number, B: number, lo: number, hi: number, bits: number, out: number): void;
};
const ex = w.ex as unknown as QEx;

function wasmForward(a: ArrayLike<number>, lo: number, hi: number, bits: number, save = false) {
  w.reset();
  const pa = w.putF32(a), pq = w.allocF32(a.length), ps = save ? w.allocF32(a.length) : 0;
  ex.quantize_forward(pq, pa, ps, a.length, lo, hi, bits);
  return { q: w.getF32(pq, a.length), saved: save ? w.getF32(ps, a.length) : null };
}

function sameBits(got: Float32Array, want: Float32Array, what: string) {
  expect(got.length).toBe(want.length);
  const gb = new Uint32Array(got.buffer), wb = new Uint32Array(want.buffer);
  for (let i = 0; i < got.length; i++) {
    if (gb[i] !== wb[i]) expect(`${what}[${i}]: ${got[i]}`).toBe(`${what}[${i}]: ${want[i]}`);
  }
}

const RANGES: [string, number, number][] = [['tanh', -1, 1], ['sigmoid', 0, 1], ['relu moving', 0, 3.7183], ['early moving', -5.2, 5.9]];

describe('quantize_forward: levels and rounding', () => {
  for (const bits of [8, 4, 2]) {
    for (const [name, lo, hi] of RANGES) {
      it(`${name} [${lo}, ${hi}] at ${bits} bits: every level maps to itself, values between go to the nearest`, () => {
        const levels = refQuantLevels(lo, hi, bits);
        expect(levels.length).toBe(2 ** bits);
        expect(levels[0]).toBe(Math.fround(lo));
        expect(Math.abs(levels[levels.length - 1] - hi)).toBeLessThan(1e-6 * Math.max(1, Math.abs(hi)));
        const step = (hi - lo) / (2 ** bits - 1);
        // at the levels
        sameBits(wasmForward(levels, lo, hi, bits).q, levels, 'level');
        // between levels: a quarter step above and below every level, and 0.49 / 0.51 of the way
        const probe: number[] = [], want: number[] = [];
        for (let k = 0; k < levels.length; k++) {
          for (const frac of [-0.25, 0.25, -0.49, 0.49]) {
            const v = lo + (k + frac) * step;
            probe.push(v);
            want.push(levels[Math.min(Math.max(k, 0), levels.length - 1)]);
          }
          if (k + 1 < levels.length) {
            probe.push(lo + (k + 0.51) * step);
            want.push(levels[k + 1]);
          }
        }
        // outside: clamped to the end levels
        probe.push(lo - 10 * step, hi + 10 * step, -Infinity, Infinity);
        want.push(levels[0], levels[levels.length - 1], levels[0], levels[levels.length - 1]);
        sameBits(wasmForward(probe, lo, hi, bits).q, Float32Array.from(want), 'probe');
        // an independent nearest-level search agrees away from exact midpoints
        const rng = new RefRng(bits * 7 + 1, 9);
        for (let i = 0; i < 500; i++) {
          const v = Math.fround(lo - step + (hi - lo + 2 * step) * rng.uniform());
          let best = 0;
          for (let k = 1; k < levels.length; k++) if (Math.abs(levels[k] - v) < Math.abs(levels[best] - v)) best = k;
          const d1 = Math.abs(levels[best] - v);
          const second = Math.min(...Array.from(levels).filter((_, k) => k !== best).map((l) => Math.abs(l - v)));
          if (second - d1 > 1e-5 * step) expect(refQuantize(v, lo, hi, bits)).toBe(levels[best]);
        }
      });
    }
  }

  it('a value exactly half way rounds up; NaN stays NaN; at most 2^bits distinct outputs', () => {
    const lo = 0, hi = 15, bits = 4; // step 1: exact halves are representable
    const r = wasmForward([0.5, 1.5, 14.5, Number.NaN, -0, 7.49999], lo, hi, bits).q;
    expect(Array.from(r.slice(0, 3))).toEqual([1, 2, 15]);
    expect(Number.isNaN(r[3])).toBe(true);
    expect(r[4]).toBe(0);
    expect(r[5]).toBe(7);
    const rng = new RefRng(5, 9);
    const many = Array.from({ length: 4099 }, () => 4 * rng.normal());
    const q = wasmForward(many, -1, 1, 8).q;
    expect(new Set(q).size).toBeLessThanOrEqual(256);
    expect(new Set(wasmForward(many, -1, 1, 4).q).size).toBeLessThanOrEqual(16);
  });

  it('wasm equals the reference bit for bit on random and edge values (any n, save copy, in place)', () => {
    const rng = new RefRng(17, 9);
    const edge = [0, -0, 1, -1, 1e-45, -1e-45, 3.4e38, -3.4e38, Infinity, -Infinity, Number.NaN, 0.5, -0.5, 1 / 255, 127.5 / 255];
    for (const n of [1, 3, 4, 7, 33, 1000]) {
      for (const [, lo, hi] of RANGES) {
        for (const bits of [8, 4, 1]) {
          const a = Float32Array.from({ length: n }, (_, i) => (i < edge.length && n > 30 ? edge[i] : 3 * rng.normal()));
          const { q, saved } = wasmForward(a, lo, hi, bits, true);
          sameBits(q, refQuantizeForward(a, lo, hi, bits), `n=${n} bits=${bits}`);
          sameBits(saved as Float32Array, a, 'save');
          // in place
          w.reset();
          const p = w.putF32(a);
          ex.quantize_forward(p, p, 0, n, lo, hi, bits);
          sameBits(w.getF32(p, n), q, 'in place');
        }
      }
    }
  });
});

describe('quantize_backward: straight-through gradient', () => {
  it('passes da * f\'(a) where lo <= a <= hi and 0 outside, as the reference, for every activation', () => {
    const rng = new RefRng(3, 9);
    for (const act of [ACT.linear, ACT.tanh, ACT.relu, ACT.sigmoid, ACT.softsign, ACT.softplus]) {
      for (const n of [5, 64, 257]) {
        // tanh on a narrower range than its own, so that the mask has work to do
        const lo = act === ACT.relu || act === ACT.sigmoid || act === ACT.softplus ? 0 : act === ACT.tanh ? -0.5 : -1;
        const hi = act === ACT.linear ? 1.5 : act === ACT.tanh ? 0.5 : 1;
        const a = Float32Array.from({ length: n }, () => Math.fround(refAct(act, 2 * rng.normal())));
        a[0] = lo; a[1] = hi; a[2] = Math.fround(hi + 0.1); a[3] = Math.fround(lo - 0.1);
        const da = Float32Array.from({ length: n }, () => rng.normal());
        w.reset();
        const pa = w.putF32(a), pd = w.putF32(da), pz = w.allocF32(n);
        ex.quantize_backward(pz, pd, pa, n, lo, hi, act);
        const got = w.getF32(pz, n), want = refQuantizeBackward(da, a, lo, hi, act);
        for (let i = 0; i < n; i++) expect(got[i], `act ${act} n ${n} [${i}]`).toBeCloseTo(want[i], 5);
        if (act === ACT.linear) { expect(got[0]).toBe(da[0]); expect(got[1]).toBe(da[1]); } // the range's ends pass
        expect(got[2]).toBe(0);
        if (a[3] < lo) expect(got[3]).toBe(0);
      }
    }
    // tanh on [-1, 1] (its own bounds): every value passes
    const a = Float32Array.from({ length: 37 }, (_, i) => Math.fround(Math.tanh(i / 4 - 4)));
    const da = Float32Array.from({ length: 37 }, (_, i) => i + 1);
    w.reset();
    const pa = w.putF32(a), pd = w.putF32(da), pz = w.allocF32(37);
    ex.quantize_backward(pz, pd, pa, 37, -1, 1, ACT.tanh);
    const got = w.getF32(pz, 37), want = refQuantizeBackward(da, a, -1, 1, ACT.tanh);
    for (let i = 0; i < 37; i++) expect(got[i]).toBeCloseTo(want[i], 4);
  });
});

describe('quantize_rows: quantization and the batch range in one pass', () => {
  it('quantizes every column as quantize_forward and returns the min/max (NaN left out) of the first n columns', () => {
    const rng = new RefRng(12, 9);
    for (const [units, n] of [[3, 13], [1, 4], [4, 1], [2, 30]]) {
      const B = (n + 3) & ~3;
      const a = Float32Array.from({ length: units * B }, () => 3 * rng.normal());
      for (let u = 0; u < units; u++) for (let s = n; s < B; s++) a[u * B + s] = 1e6; // padding: not a sample
      if (n > 2) { a[1] = Number.NaN; a[2] = -7.5; }
      w.reset();
      const pa = w.putF32(a), pq = w.allocF32(units * B), out = w.allocF32(2);
      ex.quantize_rows(pq, pa, units, n, B, -2, 4.5, 8, out);
      sameBits(w.getF32(pq, units * B), refQuantizeForward(a, -2, 4.5, 8), `rows ${units}x${n}`);
      const real = [];
      for (let u = 0; u < units; u++) for (let s = 0; s < n; s++) if (!Number.isNaN(a[u * B + s])) real.push(a[u * B + s]);
      expect(Array.from(w.getF32(out, 2))).toEqual([Math.min(...real), Math.max(...real)]);
    }
  });
});

describe('reference gradients of a quantized network', () => {
  const widths = [5, 6, 4, 2], n = 9;
  function net(seed: number, act: number): RefLayer[] {
    const rng = new RefRng(seed, 9);
    return widths.slice(0, -1).map((nIn, l) => ({
      nIn, nOut: widths[l + 1], act: l + 2 < widths.length ? act : 0,
      W: Float64Array.from({ length: nIn * widths[l + 1] }, () => rng.normal() / Math.sqrt(nIn)),
      b: Float64Array.from({ length: widths[l + 1] }, () => 0.3 * rng.normal()),
    }));
  }
  const rng = new RefRng(4, 9);
  const x = Float64Array.from({ length: widths[0] * n }, () => rng.normal());
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);

  // the surrogate whose true gradient the straight-through rule computes: each quantized layer
  // outputs f(z) + (q0 - a0) inside the range and the frozen q0 outside, offsets taken at theta0
  function surrogateLoss(layers: RefLayer[], q: RefQuant, a0: Float64Array[], q0: Float64Array[]) {
    let h: ArrayLike<number> = x;
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l], out = new Float64Array(L.nOut * n);
      for (let o = 0; o < L.nOut; o++) for (let s = 0; s < n; s++) {
        let z = L.b[o];
        for (let i = 0; i < L.nIn; i++) z += L.W[o * L.nIn + i] * h[i * n + s];
        out[o * n + s] = refAct(L.act, z);
      }
      if (l < layers.length - 1) {
        const [lo, hi] = q.fixed[l] as [number, number];
        for (let i = 0; i < out.length; i++) {
          out[i] = a0[l][i] >= Math.fround(lo) && a0[l][i] <= Math.fround(hi) ? out[i] + (q0[l][i] - a0[l][i]) : q0[l][i];
        }
      }
      h = out;
    }
    return refSoftmaxCeForward(h, y, 2, n, n).loss;
  }

  for (const [name, act, range] of [['tanh', ACT.tanh, [-1, 1]], ['relu, some clipped', ACT.relu, [0, 0.6]]] as const) {
    it(`${name}: straight-through gradients equal finite differences of the surrogate; output layer equals the quantized net's`, () => {
      const layers = net(11, act);
      const quant: RefQuant = { bits: 4, fixed: [[...range], [...range]], moving: [] };
      const { grads, acts } = refBackprop(layers, x, y, n, quant, false);
      // unquantized activations at theta0
      const a0: Float64Array[] = [];
      let h: ArrayLike<number> = acts.length ? x : x;
      for (let l = 0; l < layers.length - 1; l++) {
        const L = layers[l], out = new Float64Array(L.nOut * n);
        for (let o = 0; o < L.nOut; o++) for (let s = 0; s < n; s++) {
          let z = L.b[o];
          for (let i = 0; i < L.nIn; i++) z += L.W[o * L.nIn + i] * h[i * n + s];
          out[o * n + s] = refAct(L.act, z);
        }
        a0.push(out);
        h = acts[l];
      }
      if (act === ACT.relu) expect(a0.some((a) => a.some((v) => v > 0.6))).toBe(true); // clipping exercised
      const eps = 1e-6;
      for (let l = 0; l < layers.length; l++) {
        for (const [pi, param] of [[2 * l, layers[l].W], [2 * l + 1, layers[l].b]] as [number, Float64Array][]) {
          for (let i = 0; i < param.length; i++) {
            const keep = param[i];
            param[i] = keep + eps; const up = surrogateLoss(layers, quant, a0, acts);
            param[i] = keep - eps; const dn = surrogateLoss(layers, quant, a0, acts);
            param[i] = keep;
            expect(grads[pi][i], `layer ${l} param ${pi % 2 ? 'b' : 'W'}[${i}]`).toBeCloseTo((up - dn) / (2 * eps), 6);
          }
        }
      }
      // the output layer's weights do not move any quantized value: the quantized net's own loss
      // has the same derivative there
      const last = layers[layers.length - 1];
      const qLoss = () => {
        const { acts: a } = refBackprop(layers, x, y, n, quant, false);
        return refSoftmaxCeForward(a[a.length - 1], y, 2, n, n).loss;
      };
      for (let i = 0; i < last.W.length; i++) {
        const W = last.W as Float64Array, keep = W[i];
        W[i] = keep + eps; const up = qLoss();
        W[i] = keep - eps; const dn = qLoss();
        W[i] = keep;
        expect(grads[2 * (layers.length - 1)][i]).toBeCloseTo((up - dn) / (2 * eps), 6);
      }
    });
  }
});

describe('fused kernels: dense_forward_q and dense_input_grad_q equal the two-pass kernels bit for bit', () => {
  type FEx = {
    dense_forward_q(out: number, save: number, inp: number, W: number, b: number, nIn: number, nOut: number, B: number, act: number,
      lo: number, hi: number, bits: number, mm: number): void;
    dense_input_grad_q(dInp: number, dOut: number, save: number, W: number, nIn: number, wStride: number, nOut: number, B: number,
      act: number, lo: number, hi: number): void;
    dense_forward(out: number, inp: number, W: number, b: number, nIn: number, nOut: number, B: number, act: number): void;
    dense_backward(dInp: number, dW: number, db: number, dOut: number, inp: number, W: number, nIn: number, nOut: number, B: number, actIn: number): void;
  };
  const fx = w.ex as unknown as FEx;
  const rng = new RefRng(23, 9);
  // [act, lo, hi]: each of the kernel's specialisations (tanh on its own range and a narrower one,
  // relu on a moving range below 0 and one above, a generic activation)
  const cases: [number, number, number][] = [
    [ACT.tanh, -1, 1], [ACT.tanh, -0.6, 0.7], [ACT.relu, -0.02, 2.5], [ACT.relu, 0.3, 1.5],
    [ACT.sigmoid, 0, 1], [ACT.softplus, -0.1, 2], [ACT.linear, -1.5, 1.5],
  ];
  for (const [act, lo, hi] of cases) {
    for (const [nIn, nOut, B] of [[12, 10, 256], [10, 7, 52], [3, 5, 4], [5, 1, 100], [4, 3, 36]]) {
      it(`act ${act} on [${lo}, ${hi}], ${nIn} -> ${nOut}, B ${B}`, () => {
        for (const bits of [8, 4, 1]) {
          w.reset();
          const inp = Float32Array.from({ length: nIn * B }, () => 1.5 * rng.normal());
          const Wt = Float32Array.from({ length: nOut * nIn }, () => rng.normal() / Math.sqrt(nIn));
          const bv = Float32Array.from({ length: nOut }, () => 0.5 * rng.normal());
          bv[0] = 20; // a saturated unit: tanh exactly 1, relu above the range
          const pi = w.putF32(inp), pW = w.putF32(Wt), pb = w.putF32(bv);
          // two passes
          const a2 = w.allocF32(nOut * B), q2 = w.allocF32(nOut * B);
          fx.dense_forward(a2, pi, pW, pb, nIn, nOut, B, act);
          ex.quantize_forward(q2, a2, 0, nOut * B, lo, hi, bits);
          const save = w.getF32(a2, nOut * B), levels = w.getF32(q2, nOut * B);
          // fused, with a save buffer and in place
          const ps = w.allocF32(nOut * B), pq = w.allocF32(nOut * B), mm = w.allocF32(2);
          fx.dense_forward_q(pq, ps, pi, pW, pb, nIn, nOut, B, act, lo, hi, bits, mm);
          sameBits(w.getF32(ps, nOut * B), save, 'save');
          sameBits(w.getF32(pq, nOut * B), levels, 'levels');
          const finite = Array.from(save).filter((v) => !Number.isNaN(v));
          expect(Array.from(w.getF32(mm, 2))).toEqual([Math.min(...finite), Math.max(...finite)]);
          const pp = w.allocF32(nOut * B);
          fx.dense_forward_q(pp, pp, pi, pW, pb, nIn, nOut, B, act, lo, hi, bits, mm);
          sameBits(w.getF32(pp, nOut * B), levels, 'in place');
          // backward into this layer from a next layer of 3 units: dense_backward (linear) then
          // quantize_backward, against the fused kernel, whole and as a slice of inputs [1, nOut)
          const nNext = 3;
          const W2 = w.putF32(Float32Array.from({ length: nNext * nOut }, () => rng.normal()));
          const dOut = w.putF32(Float32Array.from({ length: nNext * B }, () => rng.normal()));
          const dI = w.allocF32(nOut * B), dW = w.allocF32(nNext * nOut), db = w.allocF32(nNext);
          fx.dense_backward(dI, dW, db, dOut, pq, W2, nOut, nNext, B, ACT.linear);
          ex.quantize_backward(dI, dI, ps, nOut * B, lo, hi, act);
          const want = w.getF32(dI, nOut * B);
          const dF = w.allocF32(nOut * B);
          fx.dense_input_grad_q(dF, dOut, ps, W2, nOut, nOut, nNext, B, act, lo, hi);
          sameBits(w.getF32(dF, nOut * B), want, 'dInp');
          if (nOut > 1) {
            const dS = w.allocF32((nOut - 1) * B);
            fx.dense_input_grad_q(dS, dOut, ps + 4 * B, W2 + 4, nOut - 1, nOut, nNext, B, act, lo, hi);
            sameBits(w.getF32(dS, (nOut - 1) * B), want.slice(B), 'dInp slice');
          }
        }
      });
    }
  }
});
