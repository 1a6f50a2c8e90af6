import { describe, expect, it } from 'vitest';
import { cellsOf, modelInfo, selfConsistency, subsetInfo } from '../src/record/model-info.js';
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
  });
});
