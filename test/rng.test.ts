// The wasm PRNG (docs/ABI.md "Random numbers") against the plain-TS reference, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { RefRng, refRngSeedState } from '../src/reference/index.js';
import { loadWasm, type Wasm } from './helpers/wasm.js';
import { expectClose } from './helpers/data.js';

let w: Wasm;
beforeAll(async () => {
  w = await loadWasm();
});

const SEEDS: [number, number][] = [
  [0, 0], [1, 0], [0, 1], [42, 7], [123456789, 987654321], [0xffffffff, 0xffffffff], [0x80000000, 3],
];

/** A fresh wasm state seeded with (seed, stream). */
function wasmState(seed: number, stream: number): number {
  const st = w.alloc(16);
  w.ex.rng_seed(st, seed, stream);
  return st;
}

describe('rng_seed (splitmix64)', () => {
  it('known value: seed 0, stream 0 gives splitmix64(0) outputs, low 32 bits', () => {
    // splitmix64 from state 0: first outputs 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec
    expect(Array.from(refRngSeedState(0, 0))).toEqual([0x7b1dcdaf, 0xa1b965f4, 0x8009454f, 0x724c81ec]);
  });
  it.each(SEEDS)('state words match the reference for seed %i stream %i', (seed, stream) => {
    const st = wasmState(seed, stream);
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(refRngSeedState(seed, stream)));
  });
  it('different streams and seeds give different states', () => {
    const a = Array.from(w.getU32(wasmState(5, 0), 4));
    const b = Array.from(w.getU32(wasmState(5, 1), 4));
    const c = Array.from(w.getU32(wasmState(6, 0), 4));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('rng_next (xoshiro128**)', () => {
  it('known value: the reference next() on state (1, 2, 3, 4)', () => {
    // s1 = 2: rotl(2 * 5, 7) * 9 = 1280 * 9 = 11520
    const r = RefRng.fromState([1, 2, 3, 4]);
    expect(r.next()).toBe(11520);
    // after one step: t = 2 << 9 = 1024; s2 = 3^1 = 2; s3 = 4^2 = 6; s1 = 2^2 = 0; s0 = 1^6 = 7;
    // s2 ^= t -> 1026; s3 = rotl(6, 11) = 12288
    expect(Array.from(r.state)).toEqual([7, 0, 1026, 12288]);
  });
  it('wasm rng_next from an arbitrary written state matches', () => {
    const st = w.alloc(16);
    const init = [0xdeadbeef, 0x01234567, 0x89abcdef, 0xfedcba98];
    w.writeU32(st, init);
    const ref = RefRng.fromState(init);
    for (let i = 0; i < 200; i++) expect(w.ex.rng_next(st) >>> 0).toBe(ref.next());
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
  });
  it.each(SEEDS)('2000 outputs match bit for bit for seed %i stream %i', (seed, stream) => {
    const st = wasmState(seed, stream);
    const ref = new RefRng(seed, stream);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 2000; i++) {
      got.push(w.ex.rng_next(st) >>> 0);
      want.push(ref.next());
    }
    expect(got).toEqual(want);
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
  });
});

describe('rng_below (Lemire)', () => {
  const NS = [1, 2, 3, 7, 10, 100, 1000, 4096, 65537, 0x7fffffff, 0x80000001, 0xc0000000, 0xfffffffe, 0xffffffff];
  it.each(SEEDS.slice(0, 4))('matches bit for bit for many n, seed %i stream %i', (seed, stream) => {
    const st = wasmState(seed, stream);
    const ref = new RefRng(seed, stream);
    for (const n of NS) {
      for (let i = 0; i < 300; i++) {
        const g = w.ex.rng_below(st, n) >>> 0;
        const r = ref.below(n);
        if (g !== r) throw new Error(`rng_below(${n}) draw ${i}: got ${g}, want ${r}`);
        expect(g).toBeLessThan(n);
      }
    }
    // same number of underlying draws (rejections included)
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
  });
  it('rejects in the reference exactly when low32 < (2^32 - n) % n (n = 0xc0000000 rejects often)', () => {
    const ref = new RefRng(9, 9);
    const plain = RefRng.fromState(ref.state);
    let draws = 0;
    for (let i = 0; i < 1000; i++) ref.below(0xc0000000);
    // count the raw draws that the rejection loop consumed
    while (plain.state.join() !== ref.state.join()) { plain.next(); draws++; }
    expect(draws).toBeGreaterThan(1000); // t = 2^30: about 1/3 of first tries rejected
  });
  it('is roughly uniform (chi-square, loose bound)', () => {
    for (const n of [2, 7, 10, 33]) {
      const st = wasmState(2024, n);
      const draws = 3000 * n;
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < draws; i++) counts[w.ex.rng_below(st, n) >>> 0]++;
      const e = draws / n;
      const chi2 = counts.reduce((acc, c) => acc + ((c - e) * (c - e)) / e, 0);
      // dof = n - 1; mean n - 1, sd sqrt(2(n-1)); allow a wide margin
      expect(chi2).toBeLessThan(n - 1 + 8 * Math.sqrt(2 * (n - 1)) + 10);
    }
  });
});

describe('rng_uniform', () => {
  it.each(SEEDS)('matches bit for bit and lies in (0, 1) for seed %i stream %i', (seed, stream) => {
    const st = wasmState(seed, stream);
    const ref = new RefRng(seed, stream);
    for (let i = 0; i < 2000; i++) {
      const g = w.ex.rng_uniform(st);
      const r = ref.uniform();
      if (!Object.is(g, r)) throw new Error(`draw ${i}: got ${g}, want ${r}`);
      expect(g).toBeGreaterThan(0);
      expect(g).toBeLessThan(1);
    }
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
  });
  it('reference formula: a drawn first, then b', () => {
    const r = RefRng.fromState([1, 2, 3, 4]);
    const q = RefRng.fromState([1, 2, 3, 4]);
    const a = q.next() >>> 5;
    const b = q.next() >>> 6;
    expect(r.uniform()).toBe((a * 67108864 + b + 0.5) / 2 ** 53);
  });
});

describe('rng_normal (Box-Muller, no caching)', () => {
  it.each(SEEDS)('matches within 1e-12 relative for seed %i stream %i', (seed, stream) => {
    const st = wasmState(seed, stream);
    const ref = new RefRng(seed, stream);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 2000; i++) {
      got.push(w.ex.rng_normal(st));
      want.push(ref.normal());
    }
    expectClose(got, want, 1e-14, 1e-12, 'rng_normal');
    // no caching: exactly two uniforms (four u32) per normal
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
  });
  it('has about mean 0 and variance 1', () => {
    const st = wasmState(77, 1);
    let s = 0, s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = w.ex.rng_normal(st);
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});

describe('rng_shuffle (Fisher-Yates)', () => {
  it.each([0, 1, 2, 3, 5, 17, 100, 1000, 4096])('n = %i: same permutation as the reference', (n) => {
    for (const [seed, stream] of SEEDS.slice(0, 3)) {
      const st = wasmState(seed, stream);
      const ref = new RefRng(seed, stream);
      const init = Int32Array.from({ length: n }, (_, i) => i);
      const p = w.putI32(init.length ? init : [0]);
      w.ex.rng_shuffle(st, p, n);
      const got = w.getI32(p, n);
      const want = init.slice();
      ref.shuffle(want);
      expect(Array.from(got)).toEqual(Array.from(want));
      // a permutation of 0..n-1
      expect(Array.from(got).sort((a, b) => a - b)).toEqual(Array.from(init));
      expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
    }
  });
  it('shuffles arbitrary i32 contents (not just indices)', () => {
    const st = wasmState(3, 3);
    const ref = new RefRng(3, 3);
    const init = Int32Array.from([-5, 2147483647, -2147483648, 0, 9, 9, 1]);
    const p = w.putI32(init);
    w.ex.rng_shuffle(st, p, init.length);
    const want = init.slice();
    ref.shuffle(want);
    expect(Array.from(w.getI32(p, init.length))).toEqual(Array.from(want));
  });
  it('every position is reachable (n = 5, many shuffles)', () => {
    const st = wasmState(11, 0);
    const n = 5;
    const seen = new Set<string>();
    const p = w.allocI32(n);
    for (let k = 0; k < 3000; k++) {
      w.writeI32(p, [0, 1, 2, 3, 4]);
      w.ex.rng_shuffle(st, p, n);
      seen.add(Array.from(w.getI32(p, n)).join());
    }
    expect(seen.size).toBe(120);
  });
});

describe('init_truncated_normal', () => {
  it.each([
    [1, 2, 1.0], [42, 0, 1 / Math.sqrt(12)], [7, 7, 0.3], [0xffffffff, 1, 1e-3],
  ])('seed %i stream %i std %f: matches the reference and stays within 2 std', (seed, stream, std) => {
    const n = 3001;
    const st = wasmState(seed, stream);
    const ref = new RefRng(seed, stream);
    const p = w.allocF32(n);
    w.ex.init_truncated_normal(st, p, n, std);
    const got = w.getF32(p, n);
    const raw = ref.truncatedNormalRaw(n, std);
    // same stream of draws (redraws included) ...
    expect(Array.from(w.getU32(st, 4))).toEqual(Array.from(ref.state));
    // ... and values equal to f32(z * std) up to the last bit of the f64 normal (1e-12 relative)
    // which can at most flip one f32 rounding
    let exact = 0;
    const bound = Math.fround(2 * std);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(raw[i]);
      if (got[i] === want) exact++;
      else expect(Math.abs(got[i] - raw[i])).toBeLessThanOrEqual(Math.abs(raw[i]) * 2 ** -23 + 1e-300);
      expect(Math.abs(got[i])).toBeLessThanOrEqual(bound);
    }
    expect(exact).toBeGreaterThanOrEqual(n - 3);
    // truncation happened: no value beyond 2 std, and the spread is a truncated normal's (sd 0.88 std)
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += got[i] * got[i];
    expect(Math.sqrt(s2 / n) / std).toBeGreaterThan(0.8);
    expect(Math.sqrt(s2 / n) / std).toBeLessThan(0.96);
  });
  it('the reference redraws: |z| > 2 never appears even over many draws', () => {
    const ref = new RefRng(5, 5);
    const raw = ref.truncatedNormalRaw(20000, 1);
    let maxAbs = 0;
    for (const v of raw) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeLessThanOrEqual(2);
    expect(maxAbs).toBeGreaterThan(1.9);
  });
});
