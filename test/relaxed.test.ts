// The relaxed builds of the core (src/engine/cores.ts): f32x4.relaxed_madd in place of add(mul).
// Against the plain build and the TypeScript twins they agree within f32 accumulation error (the
// stated bound below); fused or not is the host's choice, but one host gives the same bits every
// time and for every thread count. Asked for where the runtime lacks relaxed SIMD, the plain core
// runs and one line says so.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// from dist/: the team's helpers are worker_threads, which load compiled JavaScript (npm test builds it)
import { Engine } from '../dist/engine/engine.js';
import { chooseCore, coreFile, relaxedSimdSupported, RELAXED_UNAVAILABLE } from '../dist/engine/cores.js';
import { loadCore, loadWasmModule, nodeRelaxedSimd, relaxedInUse, useRelaxedSimd } from '../dist/engine/wasm-node.js';
import { createEngineWithThreads, loadThreadsModule } from '../dist/node/team.js';
import { applyRelaxedSimd } from '../dist/cli/terminal.js';
import type { NetworkShape } from '../dist/model/network.js';
import { ACT, ACT_NAMES, ALL_ACTS, refDenseBackward, refDenseForward } from '../src/reference/index.js';
import type { Activation, OptimizerName } from '../src/config/config.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { TestData } from './helpers/data.js';
import { cli } from './helpers/cli.js';
import { trainAll as train } from './helpers/train.js';

const F32_EPS = 2 ** -23;
const build = (relaxed: boolean) => fileURLToPath(new URL(`../build/${coreFile({ relaxed })}`, import.meta.url));
const engines: Engine[] = [];
afterAll(() => {
  engines.forEach((e) => e.close());
  useRelaxedSimd(false);
});

// Node 20 (V8 11.3) has relaxed SIMD behind a flag that nodeRelaxedSimd turns on; Node 22+ and
// Chromium have it by default. Either way this runtime must have it, or the tests below prove nothing.
const available = nodeRelaxedSimd();

describe('detection and fallback', () => {
  it('this runtime has relaxed SIMD (after nodeRelaxedSimd) and the probe is a relaxed module', () => {
    expect(available).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    // the relaxed build needs the feature: it compiles now, and uses the opcode (0xfd 0x105)
    expect(loadCore(coreFile({ relaxed: true }))).toBeInstanceOf(WebAssembly.Module);
    const bytes = readFileSync(build(true));
    let madds = 0;
    for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) madds++;
    expect(madds).toBeGreaterThan(0);
  });

  it('not asked for: the plain core, without probing the runtime', () => {
    const probe = vi.fn(() => true);
    expect(chooseCore(false, probe)).toEqual({ relaxed: false });
    expect(probe).not.toHaveBeenCalled();
    expect(chooseCore(true, () => true)).toEqual({ relaxed: true });
  });

  it('asked for but unavailable (forced): the plain core and one line saying so', () => {
    expect(chooseCore(true, () => false)).toEqual({ relaxed: false, note: RELAXED_UNAVAILABLE });
    const choice = useRelaxedSimd(true, () => false);
    expect(choice.relaxed).toBe(false);
    expect(relaxedInUse()).toBe(false);
    expect(loadWasmModule()).toBe(loadCore(coreFile()));
    expect(loadThreadsModule()).toBe(loadCore(coreFile({ threads: true })));
    // the CLI's line: one line on stderr, then the run goes on with the plain core
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(applyRelaxedSimd(true, () => false)).toBe(false);
      expect(err).toHaveBeenCalledTimes(1);
      expect(String(err.mock.calls[0][0])).toBe(`infoplane: ${RELAXED_UNAVAILABLE}\n`);
      expect(applyRelaxedSimd(undefined, () => false)).toBe(false);
      expect(err).toHaveBeenCalledTimes(1);
    } finally {
      err.mockRestore();
    }
  });

  it('available: loadWasmModule and loadThreadsModule give the relaxed builds until switched back', () => {
    expect(useRelaxedSimd(true)).toEqual({ relaxed: true });
    expect(loadWasmModule()).toBe(loadCore(coreFile({ relaxed: true })));
    expect(loadThreadsModule()).toBe(loadCore(coreFile({ threads: true, relaxed: true })));
    useRelaxedSimd(false);
    expect(loadWasmModule()).toBe(loadCore(coreFile()));
  });
});

/** Whether this host fuses relaxed_madd: b + w x with w = x = 1 + 2^-12, b = -1 on the relaxed
 *  build. w x = 1 + 2^-11 + 2^-24 is not an f32: rounded first it loses 2^-24 (a tie, to even),
 *  fused the result keeps it. */
let fuses: boolean | undefined;
async function hostFuses(): Promise<boolean> {
  if (fuses === undefined) {
    const w = await loadWasm(build(true)), u = 1 + 2 ** -12;
    const inp = w.putF32(new Float32Array(4).fill(u)), out = w.allocF32(4);
    w.ex.dense_forward(out, inp, w.putF32([u]), w.putF32([-1]), 1, 1, 4, ACT.linear);
    fuses = w.getF32(out, 1)[0] === 2 ** -11 + 2 ** -24;
  }
  return fuses;
}

/** The f32 accumulation bound of a sum of n products: |got - exact| <= 1e-6 + 4 eps |exact| +
 *  (n + 2) eps sum|terms| (each of n roundings errs by at most eps times the partial sum). Both
 *  builds meet it, so they differ from each other by at most twice it. */
function checkBound(what: string, plain: Float32Array, relaxed: Float32Array, want: ArrayLike<number>, mag: ArrayLike<number>, n: number): number {
  let differ = 0;
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-6 + 4 * F32_EPS * Math.abs(want[i]) + (n + 2) * F32_EPS * mag[i];
    for (const [name, got] of [['plain', plain], ['relaxed', relaxed]] as const) {
      if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${what} ${name} element ${i}: got ${got[i]}, want ${want[i]} (bound ${tol})`);
    }
    if (!(Math.abs(relaxed[i] - plain[i]) <= 2 * tol)) throw new Error(`${what} element ${i}: relaxed ${relaxed[i]}, plain ${plain[i]}`);
    if (!Object.is(relaxed[i], plain[i])) differ++;
  }
  return differ;
}
const abs = (a: ArrayLike<number>) => Float64Array.from(a as ArrayLike<number>, Math.abs);

describe('relaxed kernels against the plain ones and the TypeScript twins', () => {
  let plain: Wasm, relaxed: Wasm;
  const both = async () => { plain ??= await loadWasm(build(false)); relaxed ??= await loadWasm(build(true)); };

  /** dense_forward and dense_backward of one random case on an instance; every output copied out. */
  function dense(w: Wasm, inp: Float32Array, W: Float32Array, b: Float32Array, dOut: Float32Array, nIn: number, nOut: number, B: number, act: number) {
    w.reset();
    const ip = w.putF32(inp), Wp = w.putF32(W), bp = w.putF32(b), dop = w.putF32(dOut);
    const op = w.allocF32(nOut * B), dIp = w.allocF32(nIn * B), dWp = w.allocF32(nOut * nIn), dbp = w.allocF32(nOut);
    w.ex.dense_forward(op, ip, Wp, bp, nIn, nOut, B, act);
    w.ex.dense_backward(dIp, dWp, dbp, dop, ip, Wp, nIn, nOut, B, act);
    return { out: w.getF32(op, nOut * B), dInp: w.getF32(dIp, nIn * B), dW: w.getF32(dWp, nOut * nIn), db: w.getF32(dbp, nOut) };
  }

  // widths 1..13 and the MNIST net's 784 -> 1024 (long sums); B covers the 32- and 16-sample blocks
  // and the 4-sample tails
  const SHAPES: [number, number, number][] = [[1, 1, 4], [13, 1, 52], [5, 4, 12], [12, 10, 516], [10, 7, 36], [3, 2, 20], [784, 20, 64], [20, 1024, 16]];
  it.each(ALL_ACTS.map((k) => [ACT_NAMES[k], k]))('%s: dense forward and backward within the f32 bound of the exact sums, on both builds', async (_n, k) => {
    await both();
    const act = k as number;
    const d = new TestData(900 + act);
    let differ = 0, total = 0;
    for (const [nIn, nOut, B] of SHAPES) {
      const inp = d.f32(nIn * B, -1, 1), W = d.normalF32(nOut * nIn, 1.5 / Math.sqrt(nIn)), b = d.f32(nOut, -0.5, 0.5);
      const dOut = d.normalF32(nOut * B, 0.3);
      const p = dense(plain, inp, W, b, dOut, nIn, nOut, B, act), r = dense(relaxed, inp, W, b, dOut, nIn, nOut, B, act);
      const tag = `${ACT_NAMES[act]} nIn=${nIn} nOut=${nOut} B=${B}`;
      // forward: |f'| <= 1 for every activation, so the pre-activation's bound holds after it
      const mag = refDenseForward(abs(inp), abs(W), abs(b), nIn, nOut, B, ACT.linear);
      differ += checkBound(`forward ${tag}`, p.out, r.out, refDenseForward(inp, W, b, nIn, nOut, B, act), mag, nIn);
      const ref = refDenseBackward(dOut, inp, W, nIn, nOut, B, act);
      const refMag = refDenseBackward(abs(dOut), abs(inp), abs(W), nIn, nOut, B, ACT.linear);
      differ += checkBound(`dW ${tag}`, p.dW, r.dW, ref.dW, refMag.dW, B);
      differ += checkBound(`db ${tag}`, p.db, r.db, ref.db, refMag.db, B);
      differ += checkBound(`dInp ${tag}`, p.dInp, r.dInp, ref.dInp!, refMag.dInp!, nOut);
      total += p.out.length + p.dW.length + p.db.length + p.dInp.length;
      // the same bits again on fresh calls: deterministic on one host
      const again = dense(relaxed, inp, W, b, dOut, nIn, nOut, B, act);
      for (const key of ['out', 'dInp', 'dW', 'db'] as const) expect(Buffer.from(again[key].buffer).equals(Buffer.from(r[key].buffer)), `${key} ${tag}`).toBe(true);
    }
    expect(total).toBeGreaterThan(0);
    // where the host fuses, many outputs differ in their low bits: the relaxed kernels really ran
    if (await hostFuses()) expect(differ).toBeGreaterThan(total / 10);
    else expect(differ).toBe(0);
  });

  it('edge cases: exact products agree bit for bit; one inexact product is fused or not, never anything else', async () => {
    await both();
    // small integers: every product and sum is exact in f32, so fusing cannot change a bit
    const inp = Float32Array.from([1, 2, 0, -0, 3, -1, 0, 0]), W = Float32Array.from([1, 2, -1, 0.5]), b = Float32Array.from([0.5, -1]);
    const dOut = Float32Array.from([1, -2, 0.5, 0, 3, 0.25, -1, 0]);
    const p = dense(plain, inp, W, b, dOut, 2, 2, 4, ACT.linear), r = dense(relaxed, inp, W, b, dOut, 2, 2, 4, ACT.linear);
    expect(Array.from(r.out)).toEqual([7.5, 0.5, 0.5, 0.5, -0.5, -3.5, -1, -1]);
    for (const key of ['out', 'dInp', 'dW', 'db'] as const) expect(Array.from(r[key]), key).toEqual(Array.from(p[key]));
    // hostFuses's case, through dense's helpers: plain rounds twice; relaxed is one or the other
    const u = 1 + 2 ** -12, x4 = new Float32Array(4).fill(u);
    const one = (w: Wasm) => dense(w, x4, Float32Array.of(u), Float32Array.of(-1), new Float32Array(4), 1, 1, 4, ACT.linear).out;
    expect(Array.from(one(plain))).toEqual([2 ** -11, 2 ** -11, 2 ** -11, 2 ** -11]);
    const got = one(relaxed)[0];
    expect(got === 2 ** -11 + 2 ** -24).toBe(await hostFuses());
    expect([2 ** -11, 2 ** -11 + 2 ** -24]).toContain(got);
    expect(Array.from(one(relaxed))).toEqual([got, got, got, got]);
    // NaN and infinity propagate alike
    const bad = Float32Array.from([NaN, 1, Infinity, 1]);
    const pn = dense(plain, bad, Float32Array.of(1), Float32Array.of(0), new Float32Array(4), 1, 1, 4, ACT.linear).out;
    const rn = dense(relaxed, bad, Float32Array.of(1), Float32Array.of(0), new Float32Array(4), 1, 1, 4, ACT.linear).out;
    expect(Array.from(rn)).toEqual(Array.from(pn));
  });
});

describe('training on the relaxed core', () => {
  const d = new TestData(31);
  const N = 601, nIn = 37;
  const X = Float32Array.from({ length: N * nIn }, () => d.uniform(-1, 1));
  const y = Int32Array.from({ length: N }, () => Math.floor(d.uniform(0, 3)));

  it.each([['tanh', 'sgd', [300, 20]], ['relu', 'adam', [130, 257, 9]]] as [Activation, OptimizerName, number[]][])(
    '%s, %s, hidden %j: the same bits twice and on 2 threads; within 1e-5 (relative to the largest value) of the plain core', async (activation, optimizer, hidden) => {
      const shape: NetworkShape = { nInputs: nIn, hidden, nClasses: 3, activation, batch: 128, nRows: N };
      const plain = train(await Engine.create(loadCore(coreFile())), shape, X, y, optimizer, 4);
      useRelaxedSimd(true);
      try {
        const one = await Engine.create(loadWasmModule());
        const ref = train(one, shape, X, y, optimizer, 4);
        expect(Buffer.from(train(one, shape, X, y, optimizer, 4).buffer).equals(Buffer.from(ref.buffer))).toBe(true);
        const team = await createEngineWithThreads(2);
        engines.push(team);
        expect(team.threads).toBe(2);
        const got = train(team, shape, X, y, optimizer, 4);
        let diff = 0;
        for (let i = 0; i < ref.length; i++) if (!Object.is(got[i], ref[i])) diff++;
        expect(diff, `2 threads: ${diff} of ${ref.length} numbers differ from 1 thread`).toBe(0);
        // against the plain core: four epochs of rounding differences stay far below what training changes
        let scale = 0, worst = 0;
        for (let i = 0; i < ref.length; i++) { scale = Math.max(scale, Math.abs(plain[i])); worst = Math.max(worst, Math.abs(ref[i] - plain[i])); }
        expect(ref.every(Number.isFinite)).toBe(true);
        expect(worst / scale).toBeLessThan(1e-5);
        if (await hostFuses()) expect(worst).toBeGreaterThan(0); // the relaxed build really ran
      } finally {
        useRelaxedSimd(false);
      }
    }, 120_000);
});

describe('infoplane run --relaxed-simd', () => {
  it('trains on the relaxed core in worker threads, says so, and records it in timing.json only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-fma-'));
    try {
      const args = ['run', '--preset', 'paper', '--repeats', '2', '--epochs', '30', '--mi-points', '5', '--threads', '2'];
      const plain = cli([...args, '--out', join(dir, 'plain')]);
      const relaxed = cli([...args, '--relaxed-simd', '--out', join(dir, 'relaxed')]);
      expect(plain.code, plain.stderr).toBe(0);
      expect(relaxed.code, relaxed.stderr).toBe(0);
      expect(relaxed.stdout).toContain('(2 thread(s), relaxed SIMD)');
      expect(plain.stdout).not.toContain('relaxed SIMD');
      expect(relaxed.stderr).not.toContain(RELAXED_UNAVAILABLE);
      const timing = (d: string) => JSON.parse(readFileSync(join(dir, d, 'timing.json'), 'utf8'));
      expect(timing('relaxed').relaxedSimd).toBe(true);
      expect('relaxedSimd' in timing('plain')).toBe(false);
      // where the host fuses, the workers' networks differ in their low bits from the plain run's
      const result = (d: string) => readFileSync(join(dir, d, 'infoplane.json'), 'utf8');
      expect(result('relaxed') !== result('plain')).toBe(await hostFuses());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
