import { describe, expect, it } from 'vitest';
import { cellsOf, fitBeta, modelInfo, selfConsistency, selfConsistencyLoss, subsetInfo } from '../src/record/model-info.js';
import { refSelfConsistencyLoss } from '../src/reference/self-consistency.js';
import { seededUniform } from '../src/stats/rng.js';

/** Plug-in entropy in bits of a list of symbols (an independent count, for the checks below). */
function entropyBits(xs: number[]): number {
  const c = new Map<number, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  let h = 0;
  for (const v of c.values()) h -= (v / xs.length) * Math.log2(v / xs.length);
  return h;
}

describe('a layer\'s bin partition in TypeScript', () => {
  const n = 257, width = 3, stride = 260, u = seededUniform(4);
  const act = new Float32Array(width * stride).map(() => (u() * 2.4 - 1.2));
  it('matches the reference binning: cells with equal binned tuples, values below lo in the top cell', () => {
    const b = { kind: 'edges' as const, bins: 5, lo: -1, hi: 1 };
    const { cells, count } = cellsOf(act, width, n, stride, b);
    // independent: numpy-style digitize on f32 edges, tuple as a string
    const edges = Float32Array.from([-1, -0.5, 0, 0.5, 1]);
    const cell = (v: number) => { if (!(v >= edges[0]) || v >= edges[4]) return 4; let k = 0; while (edges[k + 1] <= v) k++; return k; };
    const key = (i: number) => Array.from({ length: width }, (_, j) => cell(act[j * stride + i])).join(',');
    const ids = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const k = key(i);
      if (!ids.has(k)) ids.set(k, cells[i]);
      expect(cells[i]).toBe(ids.get(k));
    }
    expect(count).toBe(ids.size);
  });
  it('modelInfo with 0/1 probabilities equals the plug-in I(T;Y); subsetInfo over all rows too', () => {
    const { cells, count } = cellsOf(act, width, n, stride, { kind: 'width', width: 0.5 });
    const y = Int32Array.from({ length: n }, () => (u() < 0.4 ? 1 : 0));
    const p1 = Float64Array.from(y);
    const m = modelInfo(cells, count, p1);
    const all = subsetInfo(cells, count, Int32Array.from({ length: n }, (_, i) => i), y, 2);
    const hT = entropyBits(Array.from(cells)), hY = entropyBits(Array.from(y)), hTY = entropyBits(Array.from(cells, (c, i) => c * 2 + y[i]));
    expect(m.ixt).toBeCloseTo(hT, 12);
    expect(m.ity).toBeCloseTo(hT + hY - hTY, 12);
    expect(all.ity).toBeCloseTo(hT + hY - hTY, 12);
  });
  it('modelInfo: a partition that ignores x carries no information; one that separates p(y|x) carries it', () => {
    const cells = new Int32Array(4), p1 = Float64Array.from([0.9, 0.9, 0.1, 0.1]);
    expect(modelInfo(cells, 1, p1).ity).toBeCloseTo(0, 12);
    // two cells by p1: I = H(0.5) - H(0.9) = 1 - 0.469
    expect(modelInfo(Int32Array.from([0, 0, 1, 1]), 2, p1).ity).toBeCloseTo(1 - 0.4689955935892812, 9);
  });
  it('self-consistency: cells of pure, distinct decoders are consistent at large beta', () => {
    const p1 = Float64Array.from([0, 0, 0, 1, 1, 1]), cells = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const s = selfConsistency(cells, 2, p1);
    expect(s.divergence).toBeLessThan(0.01);
    // two cells with the same decoder cannot be told apart by the IB encoder: 1 bit remains
    const same = selfConsistency(Int32Array.from([0, 1, 0, 1]), 2, Float64Array.from([0.5, 0.5, 0.5, 0.5]));
    expect(same.divergence).toBeCloseTo(1, 6);
    // ... and all of that bit is the shared-decoder part; the distinct decoders above have none
    expect(same.sharedDecoderBits).toBeCloseTo(1, 12);
    expect(same.decoders).toBe(1);
    expect(s.sharedDecoderBits).toBe(0);
    // cells of sizes 1, 1, 2 on one decoder, one more cell alone: rows pay log2(4/1), log2(4/1), log2(4/2) x2, 0
    const mixed = selfConsistency(Int32Array.from([0, 1, 2, 2, 3]), 4, Float64Array.from([0.3, 0.3, 0.3, 0.3, 0.9]));
    expect(mixed.sharedDecoderBits).toBeCloseTo((2 + 2 + 1 + 1 + 0) / 5, 12);
    expect(mixed.decoders).toBe(2);
  });
  /** A random partition of n rows into about `count` cells (every cell used) and p(y=1|x) from
   *  `levels` distinct values (0 = continuous), some at 0 and 1 to hit the clamps. */
  function randomCase(seed: number, n: number, count: number, levels: number, singletons: boolean) {
    const u = seededUniform(seed), cells = new Int32Array(n), p1 = new Float64Array(n);
    const values = Array.from({ length: levels }, (_, k) => (k === 0 ? 0 : k === 1 ? 1 : u()));
    for (let i = 0; i < n; i++) {
      cells[i] = singletons ? (i < count ? i : Math.floor(u() * count)) : i < count ? i : Math.floor(u() ** 3 * count);
      p1[i] = levels ? values[Math.floor(u() * levels)] : u();
    }
    return { cells, count, p1 };
  }
  // the fit (about 100 losses) only where the reference is cheap: few distinct p(y|x)
  const cases: [string, ReturnType<typeof randomCase>, boolean][] = [
    ['few cells, continuous p(y|x)', randomCase(1, 300, 12, 0, false), true],
    ['many cells, 24 levels of p(y|x), mostly singletons (cells share decoders)', randomCase(2, 620, 600, 24, true), true],
    ['> 512 cells, continuous p(y|x), uneven cell sizes', randomCase(3, 700, 530, 0, false), false],
    ['> 512 cells, 3 levels of p(y|x) incl. 0 and 1', randomCase(4, 650, 560, 3, false), true],
  ];
  it.each(cases)('self-consistency: the aggregated loss (and fit) equal the reference (%s)', (_, c, full) => {
    const ref = refSelfConsistencyLoss(c.cells, c.count, c.p1);
    const loss = selfConsistencyLoss(c.cells, c.count, c.p1);
    for (const beta of [0, 0.3, 1, 7.5, 100, 4096, 1e6]) expect(Math.abs(loss(beta) - ref(beta))).toBeLessThan(1e-9);
    const got = selfConsistency(c.cells, c.count, c.p1);
    expect(got.cells).toBe(c.count);
    // no beta removes the shared-decoder part
    expect(got.divergence).toBeGreaterThanOrEqual(got.sharedDecoderBits - 1e-12);
    if (!full) return;
    const want = fitBeta(ref);
    expect(Math.abs(got.divergence - want.divergence)).toBeLessThan(1e-9);
    expect(Math.abs(Math.log2(got.beta) - Math.log2(want.beta))).toBeLessThan(1e-9);
  });
});
