// Layer kernels of docs/ABI.md (activations, dense, softmax + CE, optimizers) against the reference.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACT, ACT_NAMES, ALL_ACTS, refAct, refActBackward, refActForward, refDenseBackward, refDenseForward,
  refSoftmaxCeBackward, refSoftmaxCeForward, refSgdStep, refMomentumStep, refAdamStep,
} from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { TestData, expectClose, } from './helpers/data.js';

let w: Wasm;
beforeAll(async () => {
  w = await loadWasm();
});

const F32_EPS = 2 ** -23;
const SENTINEL = 12345.5;

/** Allocates n f32 plus 8 sentinel values behind them; returns the pointer. */
function allocGuarded(n: number, fill?: ArrayLike<number>): number {
  const p = w.allocF32(n + 8);
  const init = new Float32Array(n + 8).fill(SENTINEL);
  if (fill) init.set(fill);
  w.writeF32(p, init);
  return p;
}
function expectGuardIntact(p: number, n: number, what: string): void {
  const tail = w.getF32(p + 4 * n, 8);
  for (let i = 0; i < 8; i++) {
    if (tail[i] !== SENTINEL) throw new Error(`${what}: wrote past the end (element n + ${i} = ${tail[i]})`);
  }
}
const abs = (a: ArrayLike<number>) => Float64Array.from(a as ArrayLike<number>, Math.abs);

describe('ABI surface', () => {
  it('net_bytes, mi_bytes, kde_bytes and ebab_bytes count exactly what the *_create calls allocate, allocating nothing', async () => {
    const w = await loadWasm(); // an instance of its own: these networks grow memory to 200 MB
    for (const [widths, acts, batch, N] of [[[12, 10, 7, 5, 4, 3, 2], [1, 1, 1, 1, 1], 512, 4096], [[784, 1024, 20, 20, 20, 10], [2, 2, 2, 2], 128, 10001], [[3, 2], [], 7, 9]] as const) {
      w.reset();
      const L = widths.length - 1;
      const wp = w.putI32(widths), ap = w.putI32(acts.length ? acts : [0]), out = w.allocF64(4);
      const top0 = w.ex.arena_top();
      w.ex.net_bytes(wp, ap, L, batch, N, out);
      w.ex.mi_bytes(N, 1024, widths[L], out + 16);
      expect(w.ex.arena_top()).toBe(top0);
      const [netTotal, netLargest, miTotal, miLargest] = w.getF64(out, 4);
      w.ex.net_create(wp, ap, L, batch, N);
      const top1 = w.ex.arena_top();
      expect(top1 - top0).toBe(netTotal);
      w.ex.mi_create(N, 1024, widths[L]);
      const top2 = w.ex.arena_top();
      expect(top2 - top1).toBe(miTotal);
      const more = w.allocF64(4), top3 = w.ex.arena_top();
      w.ex.kde_bytes(N, 64, widths[L], 1, more);
      w.ex.ebab_bytes(N * 12, more + 16);
      expect(w.ex.arena_top()).toBe(top3);
      w.ex.kde_create(N, 64, widths[L], 1);
      const top4 = w.ex.arena_top();
      expect(top4 - top3).toBe(w.getF64(more, 1)[0]);
      w.ex.ebab_create(N * 12);
      expect(w.ex.arena_top() - top4).toBe(w.getF64(more + 16, 1)[0]);
      expect(netLargest).toBeGreaterThanOrEqual(4 * Math.ceil(N / 4) * widths[0]); // at least X
      expect(miLargest).toBeGreaterThan(0);
    }
    // a size past what wasm32 holds is reported, not wrapped
    w.reset();
    const wp = w.putI32([1000, 10, 10]), ap = w.putI32([1]), out = w.allocF64(2);
    w.ex.net_bytes(wp, ap, 2, 512, 1_000_000, out);
    expect(w.getF64(out, 1)[0]).toBeGreaterThan(2 * 4e9);
    const wide = w.putI32([60000, 60000, 2]);
    w.ex.net_bytes(wide, ap, 2, 512, 100, out); // 3.6e9 weights: past i32
    expect(w.getF64(out, 1)[0]).toBeGreaterThan(5 * 4 * 3.6e9);
  }, 60_000);
  it('imports nothing but env.abort', async () => {
    const { readFileSync } = await import('node:fs');
    const { WASM_PATH } = await import('./helpers/wasm.js');
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(WASM_PATH)));
    for (const imp of imports) expect(`${imp.module}.${imp.name}:${imp.kind}`).toBe('env.abort:function');
  });
  it('alloc is 16-byte aligned, zero-filled, grows memory; arena_reset frees', () => {
    w.reset();
    const top0 = w.ex.arena_top() >>> 0;
    const a = w.alloc(3);
    const b = w.alloc(5);
    expect(b - a).toBeGreaterThanOrEqual(16);
    expect(b % 16).toBe(0);
    const before = w.ex.memory.buffer.byteLength;
    const big = w.alloc(before + 65536); // forces growth
    expect(w.ex.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(w.getF32(big, 1024).every((v) => v === 0)).toBe(true);
    expect(w.getF32(big + before, 1024).every((v) => v === 0)).toBe(true);
    expect(w.ex.arena_top() >>> 0).toBeGreaterThanOrEqual(big + before + 65536);
    // dirty some memory, reset, allocate again: must be zero-filled again
    w.writeF32(a, [1, 2, 3, 4, 5, 6, 7, 8]);
    w.reset();
    expect(w.ex.arena_top() >>> 0).toBe(top0);
    const c = w.alloc(32);
    expect(Array.from(w.getF32(c, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('act_forward', () => {
  // a dense grid over [-20, 20] (f32 values) plus special values: denormals, saturation points, extremes, +-Inf, NaN
  const grid: number[] = [];
  for (let i = -200000; i <= 200000; i++) grid.push(i / 10000);
  const specials = [
    0, -0, 1e-45, -1e-45, 1.4e-45, 1e-40, -1e-40, 1.1754942e-38, -1.1754942e-38, 1e-30, 1e-8, -1e-8,
    0.5, -0.5, 9.0, -9.0, 9.5, 10, 15, 25, -25, 50, -50, 88, -88, 100, -100, 1e4, -1e4, 1e30, -1e30,
    3.4028234e38, -3.4028234e38,
  ];

  function runForward(z: Float32Array, kind: number, inPlace = false): Float32Array {
    w.reset();
    const zp = allocGuarded(z.length, z);
    const op = inPlace ? zp : allocGuarded(z.length);
    w.ex.act_forward(op, zp, z.length, kind);
    expectGuardIntact(op, z.length, `act_forward kind ${kind}`);
    if (!inPlace) expect(Array.from(w.getF32(zp, z.length))).toEqual(Array.from(z)); // input untouched
    return w.getF32(op, z.length);
  }

  it('tanh: max abs error <= 1e-6 vs Math.tanh over [-20, 20], huge values, +-Infinity, -0, denormals', () => {
    const z = Float32Array.from([...grid, ...specials, Infinity, -Infinity]);
    const got = runForward(z, ACT.tanh);
    const want = Array.from(z, (v) => Math.tanh(v));
    let maxErr = 0;
    let at = 0;
    for (let i = 0; i < z.length; i++) {
      const e = Math.abs(got[i] - want[i]);
      if (!(e <= maxErr)) { maxErr = e; at = i; } // NaN propagates into maxErr
    }
    expect(maxErr, `worst at z = ${z[at]}: got ${got[at]}, want ${want[at]}`).toBeLessThanOrEqual(1e-6);
    expect(got[z.length - 2]).toBe(1);
    expect(got[z.length - 1]).toBe(-1);
    // bounded by 1 and odd: tanh(-z) = -tanh(z) as computed by the kernel
    const gotNeg = runForward(Float32Array.from(z, (v) => -v), ACT.tanh);
    let bad = -1;
    for (let i = 0; i < z.length && bad < 0; i++) if (!(Math.abs(got[i]) <= 1) || gotNeg[i] !== -got[i]) bad = i;
    expect(bad, bad >= 0 ? `z = ${z[bad]}: tanh ${got[bad]}, tanh(-z) ${gotNeg[bad]}` : '').toBe(-1);
  });

  it('tanh saturates to exactly +-1 where a correctly rounded f32 tanh does, and nowhere else', () => {
    // the reference bins v >= 1 into a cell of its own, so saturated units must be exactly 1 then
    const z: number[] = [];
    for (let v = 6; v <= 12; v += 1 / 4096) z.push(v, -v);
    // every f32 around the threshold
    const f = new Float32Array(1), u = new Uint32Array(f.buffer);
    for (f[0] = 9.0109; f[0] < 9.0111; u[0]++) z.push(f[0]);
    const zf = Float32Array.from(z);
    const got = runForward(zf, ACT.tanh);
    let bad = -1;
    for (let i = 0; i < zf.length && bad < 0; i++) {
      const want = Math.fround(Math.tanh(zf[i]));
      if ((Math.abs(want) === 1) !== (Math.abs(got[i]) === 1)) bad = i;
    }
    expect(bad, bad >= 0 ? `z = ${zf[bad]}: got ${got[bad]}, f32(tanh) ${Math.fround(Math.tanh(zf[bad]))}` : '').toBe(-1);
  });

  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: matches the reference within f32 tolerance on [-20, 20]', (_n, kind) => {
    const z = Float32Array.from([...grid, ...specials.filter((v) => Math.abs(v) <= 20)]);
    const got = runForward(z, kind as number);
    const want = refActForward(z, kind as number);
    if (kind === ACT.linear || kind === ACT.relu) {
      // exact: no arithmetic beyond a comparison (-0 and 0 are not told apart)
      expectClose(got, want, 0, 0, ACT_NAMES[kind as number]);
    } else {
      expectClose(got, want, kind === ACT.tanh ? 1e-6 : 2e-7, 4 * F32_EPS, ACT_NAMES[kind as number]);
    }
  });

  it.each([
    ['relu', ACT.relu], ['sigmoid', ACT.sigmoid], ['softsign', ACT.softsign], ['linear', ACT.linear],
  ])('%s: huge finite values and +-Infinity give the limits without NaN', (_n, kind) => {
    const z = Float32Array.from([1e30, -1e30, 3.4028234e38, -3.4028234e38, 1e4, -1e4, 100, -100]);
    const got = runForward(z, kind);
    const want = refActForward(z, kind);
    expectClose(got, want, 1e-30, 4 * F32_EPS, ACT_NAMES[kind]);
    if (kind === ACT.relu || kind === ACT.sigmoid) {
      const g2 = runForward(Float32Array.from([Infinity, -Infinity]), kind);
      expect(Array.from(g2)).toEqual(kind === ACT.relu ? [Infinity, 0] : [1, 0]);
    }
  });

  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: NaN in gives NaN out, in every lane position', (_n, kind) => {
    // the clamps use pmin/pmax (one instruction each); a wrong operand order would turn NaN into
    // the clamp bound, and a diverged network would then look finite to the estimators
    for (let at = 0; at < 5; at++) {
      const z = Float32Array.from([0.5, -0.25, 2, -3, 0.125], (v, i) => (i === at ? NaN : v));
      const got = runForward(z, kind as number);
      for (let i = 0; i < z.length; i++) expect(Number.isNaN(got[i]), `lane ${i}, NaN at ${at}`).toBe(i === at);
    }
  });

  it('softplus: large |z| stays finite and accurate (no overflow of exp)', () => {
    const z = Float32Array.from([30, 50, 88, 89, 100, 1e4, 1e30, -30, -88, -100, -1e4, -1e30]);
    const got = runForward(z, ACT.softplus);
    const want = refActForward(z, ACT.softplus);
    expectClose(got, want, 1e-12, 4 * F32_EPS, 'softplus');
  });

  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: in place and every length 0..13 (tails past n untouched)', (_n, kind) => {
    const d = new TestData(10 + (kind as number));
    for (let n = 0; n <= 13; n++) {
      const z = d.f32(n, -4, 4);
      const want = refActForward(z, kind as number);
      expectClose(runForward(z, kind as number), want, 1e-6, 4 * F32_EPS, `n=${n}`);
      expectClose(runForward(z, kind as number, true), want, 1e-6, 4 * F32_EPS, `in place n=${n}`);
    }
  });
});

describe('act_backward', () => {
  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: dz = da * f\'(a) vs the reference, every length up to 1001', (_n, k) => {
    const kind = k as number;
    const d = new TestData(100 + kind);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 1001]) {
      w.reset();
      const z = d.f32(n, -8, 8);
      const a = Float32Array.from(z, (v) => refAct(kind, v)); // valid outputs of f, rounded to f32
      if (n >= 5) { a[0] = Math.fround(refAct(kind, 0)); a[1] = Math.fround(refAct(kind, 30)); a[2] = Math.fround(refAct(kind, -30)); }
      const da = d.f32(n, -2, 2);
      const dap = w.putF32(da);
      const ap = w.putF32(a);
      const dzp = allocGuarded(n);
      w.ex.act_backward(dzp, dap, ap, n, kind);
      expectGuardIntact(dzp, n, 'act_backward');
      const want = refActBackward(da, a, kind);
      expectClose(w.getF32(dzp, n), want, 2e-7, 8 * F32_EPS, `act_backward ${ACT_NAMES[kind]} n=${n}`);
    }
  });
  it('derivative formulas through the output at known points', () => {
    w.reset();
    const a = [0.5, -0.5, 0, 1, 0.25];
    const da = [1, 1, 1, 1, 2];
    const want: Record<number, number[]> = {
      [ACT.linear]: [1, 1, 1, 1, 2],
      [ACT.tanh]: [0.75, 0.75, 1, 0, 2 * (1 - 0.0625)],
      [ACT.relu]: [1, 0, 0, 1, 2],
      [ACT.sigmoid]: [0.25, -0.75, 0, 0, 2 * 0.1875],
      [ACT.softsign]: [0.25, 0.25, 1, 0, 2 * 0.5625],
      [ACT.softplus]: [1 - Math.exp(-0.5), 1 - Math.exp(0.5), 0, 1 - Math.exp(-1), 2 * (1 - Math.exp(-0.25))],
    };
    for (const kind of ALL_ACTS) {
      const dzp = w.allocF32(5);
      w.ex.act_backward(dzp, w.putF32(da), w.putF32(a), 5, kind);
      expectClose(w.getF32(dzp, 5), want[kind], 1e-7, 4 * F32_EPS, ACT_NAMES[kind]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
const SHAPES: [number, number][] = [[1, 1], [1, 13], [13, 1], [5, 4], [12, 10], [7, 13], [13, 13], [3, 2], [10, 7]];
const BS = [4, 8, 12, 52, 516]; // 52: a 32-sample and a 16-sample block and a tail of 4

describe('dense_forward', () => {
  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: shapes (nIn, nOut) from 1..13, B in {4, 8, 12, 52, 516}', (_n, k) => {
    const act = k as number;
    const d = new TestData(200 + act);
    for (const [nIn, nOut] of SHAPES) {
      for (const B of BS) {
        w.reset();
        const inp = d.f32(nIn * B, -1, 1);
        const W = d.normalF32(nOut * nIn, 1.5 / Math.sqrt(nIn));
        const b = d.f32(nOut, -0.5, 0.5);
        const ip = w.putF32(inp), Wp = w.putF32(W), bp = w.putF32(b);
        const op = allocGuarded(nOut * B, new Float32Array(nOut * B).fill(NaN)); // must be overwritten
        w.ex.dense_forward(op, ip, Wp, bp, nIn, nOut, B, act);
        expectGuardIntact(op, nOut * B, 'dense_forward');
        const got = w.getF32(op, nOut * B);
        const want = refDenseForward(inp, W, b, nIn, nOut, B, act);
        // per element: f32 accumulation error scales with sum |W||x| + |b|; activations have |f'| <= 1
        const mag = refDenseForward(abs(inp), abs(W), abs(b), nIn, nOut, B, ACT.linear);
        for (let i = 0; i < got.length; i++) {
          const tol = 1.5e-6 + 4 * F32_EPS * Math.abs(want[i]) + (nIn + 2) * F32_EPS * mag[i];
          if (!(Math.abs(got[i] - want[i]) <= tol)) {
            throw new Error(`dense_forward ${ACT_NAMES[act]} nIn=${nIn} nOut=${nOut} B=${B} element ` +
              `(o=${Math.floor(i / B)}, s=${i % B}): got ${got[i]}, want ${want[i]}`);
          }
        }
        // inputs untouched
        expect(Array.from(w.getF32(ip, nIn * B))).toEqual(Array.from(inp));
        expect(Array.from(w.getF32(Wp, nOut * nIn))).toEqual(Array.from(W));
      }
    }
  });
  it('every shape nIn, nOut in 1..13 with B = 4 and 12, every activation (forward and backward)', () => {
    const d = new TestData(250);
    for (const act of ALL_ACTS) {
      for (let nIn = 1; nIn <= 13; nIn++) {
        for (let nOut = 1; nOut <= 13; nOut++) {
          for (const B of [4, 12]) {
            w.reset();
            const inp = Float32Array.from(d.f32(nIn * B, -2, 2), (v) => refAct(act, v));
            const W = d.normalF32(nOut * nIn, 1.5 / Math.sqrt(nIn));
            const b = d.f32(nOut, -0.5, 0.5);
            const dOut = d.normalF32(nOut * B, 0.3);
            const ip = w.putF32(inp), Wp = w.putF32(W), bp = w.putF32(b), dop = w.putF32(dOut);
            const op = allocGuarded(nOut * B);
            const dIp = allocGuarded(nIn * B), dWp = allocGuarded(nOut * nIn), dbp = allocGuarded(nOut);
            w.ex.dense_forward(op, ip, Wp, bp, nIn, nOut, B, act);
            w.ex.dense_backward(dIp, dWp, dbp, dop, ip, Wp, nIn, nOut, B, act);
            const tag = `${ACT_NAMES[act]} nIn=${nIn} nOut=${nOut} B=${B}`;
            for (const [ptr, n] of [[op, nOut * B], [dIp, nIn * B], [dWp, nOut * nIn], [dbp, nOut]]) expectGuardIntact(ptr, n, tag);
            expectClose(w.getF32(op, nOut * B), refDenseForward(inp, W, b, nIn, nOut, B, act), 3e-6, 1e-5, `forward ${tag}`);
            const ref = refDenseBackward(dOut, inp, W, nIn, nOut, B, act);
            expectClose(w.getF32(dWp, nOut * nIn), ref.dW, 2e-6, 1e-5, `dW ${tag}`);
            expectClose(w.getF32(dbp, nOut), ref.db, 2e-6, 1e-5, `db ${tag}`);
            expectClose(w.getF32(dIp, nIn * B), ref.dInp!, 2e-6, 1e-5, `dInp ${tag}`);
          }
        }
      }
    }
  });
  it('a hand-computed case: W = [[1, 2], [-1, 0.5]], b = [0.5, -1], two input columns', () => {
    w.reset();
    const B = 4;
    const inp = [1, 2, 0, 0, /* unit 1 */ 3, -1, 0, 0];
    const op = w.allocF32(2 * B);
    w.ex.dense_forward(op, w.putF32(inp), w.putF32([1, 2, -1, 0.5]), w.putF32([0.5, -1]), 2, 2, B, ACT.linear);
    // o0: 1*1 + 2*3 + 0.5 = 7.5, 1*2 + 2*(-1) + 0.5 = 0.5, padding: 0.5
    // o1: -1 + 1.5 - 1 = -0.5, -2 - 0.5 - 1 = -3.5, padding: -1
    expect(Array.from(w.getF32(op, 2 * B))).toEqual([7.5, 0.5, 0.5, 0.5, -0.5, -3.5, -1, -1]);
    w.ex.dense_forward(op, w.putF32(inp), w.putF32([1, 2, -1, 0.5]), w.putF32([0.5, -1]), 2, 2, B, ACT.relu);
    expect(Array.from(w.getF32(op, 2 * B))).toEqual([7.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]);
  });
});

describe('dense_backward', () => {
  function check(actIn: number, nIn: number, nOut: number, B: number, d: TestData, withDInp: boolean): void {
    w.reset();
    const z = d.f32(nIn * B, -3, 3);
    const inp = Float32Array.from(z, (v) => refAct(actIn, v)); // the previous layer's outputs
    const W = d.normalF32(nOut * nIn, 1 / Math.sqrt(nIn));
    const dOut = d.normalF32(nOut * B, 0.3);
    const ip = w.putF32(inp), Wp = w.putF32(W), dop = w.putF32(dOut);
    // outputs pre-filled with garbage: they must be overwritten, not accumulated into
    const dWp = allocGuarded(nOut * nIn, new Float32Array(nOut * nIn).fill(777));
    const dbp = allocGuarded(nOut, new Float32Array(nOut).fill(-777));
    const dIp = withDInp ? allocGuarded(nIn * B, new Float32Array(nIn * B).fill(555)) : 0;
    const before = withDInp ? null : w.snapshot();
    w.ex.dense_backward(dIp, dWp, dbp, dop, ip, Wp, nIn, nOut, B, actIn);
    const tag = `dense_backward actIn=${ACT_NAMES[actIn]} nIn=${nIn} nOut=${nOut} B=${B} dInp=${withDInp ? 'yes' : '0'}`;
    expectGuardIntact(dWp, nOut * nIn, `${tag} dW`);
    expectGuardIntact(dbp, nOut, `${tag} db`);
    const ref = refDenseBackward(dOut, inp, W, nIn, nOut, B, actIn, withDInp);
    const mag = refDenseBackward(abs(dOut), abs(inp), abs(W), nIn, nOut, B, actIn, withDInp);
    const tolOf = (m: number, n: number) => 1e-7 + (n + 2) * F32_EPS * m;
    const gdW = w.getF32(dWp, nOut * nIn), gdb = w.getF32(dbp, nOut);
    for (let i = 0; i < gdW.length; i++) {
      if (!(Math.abs(gdW[i] - ref.dW[i]) <= tolOf(mag.dW[i], B))) {
        throw new Error(`${tag}: dW[${Math.floor(i / nIn)}][${i % nIn}] got ${gdW[i]}, want ${ref.dW[i]}`);
      }
    }
    for (let o = 0; o < nOut; o++) {
      if (!(Math.abs(gdb[o] - ref.db[o]) <= tolOf(mag.db[o], B))) {
        throw new Error(`${tag}: db[${o}] got ${gdb[o]}, want ${ref.db[o]}`);
      }
    }
    if (withDInp) {
      expectGuardIntact(dIp, nIn * B, `${tag} dInp`);
      const g = w.getF32(dIp, nIn * B);
      for (let i = 0; i < g.length; i++) {
        if (!(Math.abs(g[i] - ref.dInp![i]) <= tolOf(mag.dInp![i], nOut) + 2e-7 * Math.abs(ref.dInp![i]))) {
          throw new Error(`${tag}: dInp[${Math.floor(i / B)}][${i % B}] got ${g[i]}, want ${ref.dInp![i]}`);
        }
      }
    } else {
      // with dInp = 0 nothing but dW and db may change anywhere in memory
      const after = w.snapshot();
      const skip = (i: number) => (i >= dWp && i < dWp + 4 * nOut * nIn) || (i >= dbp && i < dbp + 4 * nOut);
      for (let i = 0; i < before!.length; i++) {
        if (before![i] !== after[i] && !skip(i)) throw new Error(`${tag}: byte ${i} of memory changed`);
      }
    }
    expect(Array.from(w.getF32(dop, nOut * B))).toEqual(Array.from(dOut)); // dOut untouched
  }

  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('actIn %s: dW, db, dInp for every shape and B', (_n, k) => {
    const d = new TestData(300 + (k as number));
    for (const [nIn, nOut] of SHAPES) for (const B of BS) check(k as number, nIn, nOut, B, d, true);
  });
  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('actIn %s: dInp = 0 computes dW, db and writes nothing else', (_n, k) => {
    const d = new TestData(400 + (k as number));
    for (const [nIn, nOut] of SHAPES) for (const B of [4, 12, 52, 516]) check(k as number, nIn, nOut, B, d, false);
  });
  it('a hand-computed case', () => {
    w.reset();
    const B = 4; // nIn = 2, nOut = 1
    const inp = [1, 2, 3, 0, /* unit 1 */ -1, 0.5, 0, 0];
    const dOut = [0.5, -1, 2, 0];
    const W = [3, -2];
    const dIp = w.allocF32(2 * B), dWp = w.allocF32(2), dbp = w.allocF32(1);
    w.ex.dense_backward(dIp, dWp, dbp, w.putF32(dOut), w.putF32(inp), w.putF32(W), 2, 1, B, ACT.linear);
    // dW0 = 0.5 - 2 + 6 = 4.5; dW1 = -0.5 - 0.5 = -1; db = 1.5
    expect(Array.from(w.getF32(dWp, 2))).toEqual([4.5, -1]);
    expect(Array.from(w.getF32(dbp, 1))).toEqual([1.5]);
    // (the sign of a zero is not part of the contract: compare numerically)
    expectClose(w.getF32(dIp, 2 * B), [1.5, -3, 6, 0, -1, 2, -4, 0], 0, 0, 'dInp');
  });
});

// ---------------------------------------------------------------------------------------------
describe('softmax_ce_forward', () => {
  function run(z: Float32Array, y: Int32Array, K: number, B: number, n: number) {
    w.reset();
    const zp = w.putF32(z), yp = w.putI32(y);
    const pp = allocGuarded(K * B, new Float32Array(K * B).fill(NaN));
    const loss = w.ex.softmax_ce_forward(pp, zp, yp, K, B, n);
    expectGuardIntact(pp, K * B, 'softmax_ce_forward');
    expect(Array.from(w.getF32(zp, K * B))).toEqual(Array.from(z));
    return { p: w.getF32(pp, K * B), loss };
  }
  it.each([
    [2, 4, 4], [2, 8, 5], [2, 516, 512], [3, 12, 9], [3, 516, 513], [10, 8, 8], [10, 516, 1], [1, 4, 3],
  ])('K = %i, B = %i, n = %i: probabilities and mean loss vs the reference', (K, B, n) => {
    const d = new TestData(500 + K * 1000 + B);
    const z = new Float32Array(K * B);
    const y = new Int32Array(B);
    for (let s = 0; s < n; s++) {
      for (let k = 0; k < K; k++) z[k * B + s] = d.uniform(-6, 6);
      y[s] = d.int(K);
    }
    const { p, loss } = run(z, y, K, B, n);
    const ref = refSoftmaxCeForward(z, y, K, B, n);
    expectClose(p, ref.p, 1e-7, 8 * F32_EPS, `p K=${K} B=${B} n=${n}`);
    expect(Math.abs(loss - ref.loss), `loss got ${loss} want ${ref.loss}`).toBeLessThanOrEqual(1e-6 * (1 + ref.loss));
    for (let s = 0; s < B; s++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += p[k * B + s];
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
    }
  });
  it('a NaN logit in any class makes that sample NaN and leaves the others alone', () => {
    for (const K of [2, 3]) for (let k = 0; k < K; k++) {
      const B = 8, z = new Float32Array(K * B).map((_, i) => Math.sin(i));
      z[k * B + 5] = NaN;
      const { p } = run(z, new Int32Array(B), K, B, B);
      for (let s = 0; s < B; s++) for (let j = 0; j < K; j++) {
        expect(Number.isNaN(p[j * B + s]), `K=${K} NaN in class ${k}: p[${j}][${s}]`).toBe(s === 5);
      }
    }
  });
  it('infinite logits: two classes give what the general K-class loop gives (+Inf: NaN; -Inf: ~0)', () => {
    // the two-class path skips the exp of the larger logit; it must not turn exp(Inf - Inf) into 1
    const B = 8;
    for (const K of [2, 3]) {
      const z = new Float32Array(K * B).map((_, i) => Math.cos(i));
      z[0 * B + 2] = Infinity; // sample 2: +Inf in class 0
      z[1 * B + 3] = -Infinity; // sample 3: -Inf in class 1
      z[0 * B + 5] = Infinity; z[1 * B + 5] = Infinity; // sample 5: two +Inf
      const { p } = run(z, new Int32Array(B), K, B, B);
      for (let k = 0; k < K; k++) {
        expect(Number.isNaN(p[k * B + 2]), `K=${K} +Inf: p[${k}][2]`).toBe(true);
        expect(Number.isNaN(p[k * B + 5]), `K=${K} two +Inf: p[${k}][5]`).toBe(true);
        expect(Number.isFinite(p[k * B + 3]), `K=${K} -Inf: p[${k}][3]`).toBe(true);
      }
      expect(p[1 * B + 3]).toBeLessThan(1e-37);
      for (const s of [0, 1, 4, 6, 7]) for (let k = 0; k < K; k++) expect(Number.isFinite(p[k * B + s])).toBe(true);
    }
  });
  it('huge logits (1e4 and more) give exact one-hot probabilities and finite losses, no NaN', () => {
    const K = 3, B = 8, n = 7;
    const cols = [
      [1e4, -1e4, 0], [1e4, 1e4, 1e4], [-1e4, -1e4, -3e4], [3e4, 0, -3e4], [0, 0, 1e4], [1e4, 1e4 - 1, 0],
      [3.0e38, -3.0e38, 0],
    ];
    const yv = [1, 0, 2, 0, 2, 1, 1];
    const z = new Float32Array(K * B);
    const y = new Int32Array(B);
    cols.forEach((c, s) => { c.forEach((v, k) => { z[k * B + s] = v; }); y[s] = yv[s]; });
    const { p, loss } = run(z, y, K, B, n);
    for (const v of p) expect(Number.isFinite(v)).toBe(true);
    const ref = refSoftmaxCeForward(z, y, K, B, n);
    expectClose(p, ref.p, 1e-7, 8 * F32_EPS, 'p');
    // per-sample losses: 1e4, ln 3, 2e4 - ... ; scale-aware tolerance (f32 logits of size 1e4 round by 1e-3)
    expect(Number.isFinite(loss)).toBe(true);
    expect(Math.abs(loss - ref.loss), `loss got ${loss}, want ${ref.loss}`).toBeLessThanOrEqual(1e-6 * ref.loss + 1e-3);
  });
  it('a hand-computed case: z = [0, ln 3] gives p = [1/4, 3/4]', () => {
    const K = 2, B = 4, n = 2;
    const z = Float32Array.from([0, 0, 0, 0, Math.log(3), Math.log(3), 0, 0]);
    const y = Int32Array.from([0, 1, 0, 0]);
    const { p, loss } = run(z, y, K, B, n);
    expectClose(p, [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.5, 0.5], 1e-7, 0, 'p');
    expect(loss).toBeCloseTo((Math.log(4) + Math.log(4 / 3)) / 2, 6);
  });
});

describe('softmax_ce_backward', () => {
  it.each([[2, 4, 4], [2, 8, 5], [3, 12, 9], [3, 516, 513], [10, 516, 1], [2, 516, 516]])(
    'K = %i, B = %i, n = %i: (p - onehot)/n for s < n, exactly 0 for padding columns', (K, B, n) => {
      w.reset();
      const d = new TestData(600 + K + B + n);
      const z = d.f32(K * B, -4, 4);
      const y = d.labels(B, K);
      const p = Float32Array.from(refSoftmaxCeForward(z, y, K, B, B).p);
      const dzp = allocGuarded(K * B, new Float32Array(K * B).fill(NaN)); // garbage in padding too
      w.ex.softmax_ce_backward(dzp, w.putF32(p), w.putI32(y), K, B, n);
      expectGuardIntact(dzp, K * B, 'softmax_ce_backward');
      const got = w.getF32(dzp, K * B);
      const want = refSoftmaxCeBackward(p, y, K, B, n);
      expectClose(got, want, 1e-12, 4 * F32_EPS, `dz K=${K} B=${B} n=${n}`);
      for (let k = 0; k < K; k++) {
        for (let s = n; s < B; s++) expect(got[k * B + s], `dz[${k}][${s}]`).toBe(0);
      }
    });
});

// ---------------------------------------------------------------------------------------------
describe('optimizer steps', () => {
  const LENS = [1, 3, 4, 17, 263];
  const STEPS = 6;
  const f = Math.fround;
  /**
   * Each f32 store and f32 operation may round by half an ulp of the values that flowed through
   * an element, so the tolerance of element i is 1e-6 relative plus k ulps of `scale[i]`, the
   * largest magnitude that element (or a term added to it) had during the steps.
   */
  function expectTracked(what: string, got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>, k = 4 * STEPS) {
    for (let i = 0; i < got.length; i++) {
      const tol = 1e-6 * Math.abs(want[i]) + k * F32_EPS * scale[i] + 1e-30;
      if (!(Math.abs(got[i] - want[i]) <= tol)) {
        throw new Error(`${what}: element ${i} of ${got.length}: got ${got[i]}, want ${want[i]} ` +
          `(|diff| ${Math.abs(got[i] - want[i])}, allowed ${tol})`);
      }
    }
  }
  const track = (scale: Float64Array, ...terms: ArrayLike<number>[]) => {
    for (const t of terms) for (let i = 0; i < scale.length; i++) scale[i] = Math.max(scale[i], Math.abs(t[i]));
  };
  const mul = (a: ArrayLike<number>, c: number) => Float64Array.from(a as ArrayLike<number>, (x) => x * c);

  it.each(LENS)('sgd_step, n = %i, several steps', (n) => {
    w.reset();
    const d = new TestData(700 + n);
    const p0 = d.normalF32(n);
    const pp = allocGuarded(n, p0);
    const gp = w.allocF32(n);
    const ref = p0.slice();
    const sp = new Float64Array(n);
    const lr = 0.05;
    for (let t = 0; t < STEPS; t++) {
      const g = d.normalF32(n);
      w.writeF32(gp, g);
      w.ex.sgd_step(pp, gp, n, lr);
      track(sp, ref, mul(g, lr));
      refSgdStep(ref, g, lr);
      track(sp, ref);
      expect(Array.from(w.getF32(gp, n))).toEqual(Array.from(g));
    }
    expectGuardIntact(pp, n, 'sgd_step');
    expectTracked('sgd p', w.getF32(pp, n), ref, sp);
  });

  it('sgd_step: exact on representable values', () => {
    w.reset();
    const pp = w.putF32([1, 2, 3, 4, 5]);
    w.ex.sgd_step(pp, w.putF32([1, -1, 2, 0, 4]), 5, 0.5);
    expect(Array.from(w.getF32(pp, 5))).toEqual([0.5, 2.5, 2, 4, 3]);
  });

  it.each(LENS)('momentum_step, n = %i, several steps', (n) => {
    w.reset();
    const d = new TestData(800 + n);
    const p0 = d.normalF32(n);
    const pp = allocGuarded(n, p0), vp = allocGuarded(n, new Float32Array(n)), gp = w.allocF32(n);
    const ref = p0.slice(), vref = new Float32Array(n);
    const sp = new Float64Array(n), sv = new Float64Array(n);
    const lr = 0.01, mu = 0.9;
    for (let t = 0; t < STEPS; t++) {
      const g = d.normalF32(n);
      w.writeF32(gp, g);
      w.ex.momentum_step(pp, gp, vp, n, lr, mu);
      track(sv, vref, g);
      track(sp, ref);
      refMomentumStep(ref, g, vref, f(lr), f(mu));
      track(sv, vref);
      track(sp, ref, mul(sv, lr));
    }
    expectGuardIntact(pp, n, 'momentum p');
    expectGuardIntact(vp, n, 'momentum v');
    expectTracked('momentum v', w.getF32(vp, n), vref, sv);
    expectTracked('momentum p', w.getF32(pp, n), ref, sp);
  });

  it('momentum_step: exact on representable values', () => {
    w.reset();
    const pp = w.putF32([1, 2, 3]);
    const vp = w.putF32([1, -2, 0]);
    w.ex.momentum_step(pp, w.putF32([1, 1, 2]), vp, 3, 0.25, 0.5);
    // v = 0.5 v + g = [1.5, 0, 2]; p -= 0.25 v
    expect(Array.from(w.getF32(vp, 3))).toEqual([1.5, 0, 2]);
    expect(Array.from(w.getF32(pp, 3))).toEqual([0.625, 2, 2.5]);
  });

  function adamRun(n: number, hp: { lr: number; b1: number; b2: number; eps: number }, t0: number, gScale: number,
    roundHp: boolean) {
    w.reset();
    const d = new TestData(900 + n + t0);
    const p0 = d.normalF32(n);
    const pp = allocGuarded(n, p0), mp = allocGuarded(n, new Float32Array(n)), vp = allocGuarded(n, new Float32Array(n));
    const gp = w.allocF32(n);
    const ref = p0.slice(), mref = new Float32Array(n), vref = new Float32Array(n);
    const sp = new Float64Array(n), sm = new Float64Array(n), sv = new Float64Array(n);
    const r = roundHp ? f : (x: number) => x;
    for (let t = t0; t < t0 + STEPS; t++) {
      const g = d.normalF32(n, gScale);
      w.writeF32(gp, g);
      w.ex.adam_step(pp, gp, mp, vp, n, hp.lr, hp.b1, hp.b2, hp.eps, t);
      track(sm, mref, mul(g, 1 - hp.b1));
      track(sv, vref, Float64Array.from(g, (x) => x * x * (1 - hp.b2)));
      track(sp, ref);
      refAdamStep(ref, g, mref, vref, r(hp.lr), r(hp.b1), r(hp.b2), r(hp.eps), t);
      track(sm, mref);
      track(sv, vref);
      track(sp, ref);
    }
    for (const [ptr, what] of [[pp, 'p'], [mp, 'm'], [vp, 'v']] as const) expectGuardIntact(ptr, n, `adam ${what}`);
    return { p: w.getF32(pp, n), m: w.getF32(mp, n), v: w.getF32(vp, n), ref, mref, vref, p0, sp, sm, sv };
  }

  it.each(LENS)('adam_step, n = %i, steps 1..6, lr 1e-3, b1 0.9, b2 0.999, eps 1e-8 (f64 reference)', (n) => {
    const r = adamRun(n, { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 }, 1, 1, false);
    expectTracked('adam p', r.p, r.ref, r.sp);
    // the accumulated step (p - p0) to 1e-4 of lr beyond the f32 rounding of p: catches a wrong bias correction
    for (let i = 0; i < n; i++) {
      const dGot = r.p[i] - r.p0[i], dRef = r.ref[i] - r.p0[i];
      expect(Math.abs(dGot - dRef), `element ${i}: step got ${dGot} want ${dRef}`).toBeLessThanOrEqual(
        1e-7 + 4 * STEPS * F32_EPS * r.sp[i]);
    }
  });

  it.each(LENS)('adam_step, n = %i: m and v state with f32-rounded hyperparameters; late steps t = 1000..1005', (n) => {
    for (const [t0, gScale] of [[1, 1], [1000, 1e-3]] as const) {
      const hp = { lr: 4e-4, b1: 0.9, b2: 0.999, eps: 1e-7 };
      const r = adamRun(n, hp, t0, gScale, true);
      expectTracked(`adam p t0=${t0}`, r.p, r.ref, r.sp);
      expectTracked(`adam m t0=${t0}`, r.m, r.mref, r.sm);
      expectTracked(`adam v t0=${t0}`, r.v, r.vref, r.sv);
    }
  });

  it('adam_step: the first step is lr * g / (|g| + eps) (bias correction exact at t = 1)', () => {
    w.reset();
    const g = [1, -2, 0.5, 0, 1e-3].map(f);
    const pp = w.putF32([0, 0, 0, 0, 0]), mp = w.allocF32(5), vp = w.allocF32(5);
    w.ex.adam_step(pp, w.putF32(g), mp, vp, 5, 0.5, 0.5, 0.75, 1e-3, 1);
    // m = 0.5 g, v = 0.25 g^2; mhat = g, vhat = g^2: p = -0.5 g / (|g| + 1e-3)
    const want = g.map((x) => -0.5 * x / (Math.abs(x) + 1e-3));
    expectClose(w.getF32(pp, 5), want, 1e-7, 1e-6, 'adam p');
    expectClose(w.getF32(mp, 5), g.map((x) => 0.5 * x), 0, 0, 'adam m');
    expectClose(w.getF32(vp, 5), g.map((x) => 0.25 * x * x), 1e-12, 1e-6, 'adam v');
  });

  it('adam_step: after several steps every parameter moved by at most lr per step', () => {
    const n = 17;
    const r = adamRun(n, { lr: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-8 }, 1, 1, false);
    for (let i = 0; i < n; i++) expect(Math.abs(r.p[i] - r.p0[i])).toBeLessThanOrEqual(STEPS * 1e-2 * 1.3);
  });
});
