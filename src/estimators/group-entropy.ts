// H(T|X) of binned activations over the groups of identical input rows (data/duplicates.ts): with
// p(x) the empirical distribution of the rows, I(X;T) = H(T) - H(T|X). The `bin` estimator
// subtracts it when a dataset repeats rows.
import type { Binning } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import type { DuplicateGroups } from '../data/dataset.js';

/**
 * H(T|X) in bits of binned activations: sum over groups g of (|g| / N) H(T | rows of g), each group's
 * entropy computed by the wasm kernel on a gathered copy of its rows. Scratch is allocated once.
 */
export class GroupConditionalEntropy {
  private readonly ctx: number;
  private readonly scratch: number;
  private readonly zeros: number;
  private readonly out: number;
  private readonly mode: number; private readonly p1: number; private readonly p2: number; private readonly nbins: number;

  constructor(private readonly engine: Engine, private readonly groups: DuplicateGroups, maxWidth: number, binning: Binning) {
    const m = Math.max(groups.maxGroup, 1), mp = (m + 3) & ~3;
    this.ctx = engine.exports.mi_create(m, maxWidth, 1);
    this.scratch = engine.alloc(4 * maxWidth * mp);
    this.zeros = engine.alloc(4 * mp); // every row of a group in class 0
    this.out = engine.alloc(8 * 3);
    [this.mode, this.p1, this.p2, this.nbins] = binning.kind === 'edges' ? [0, binning.lo, binning.hi, binning.bins] : [1, binning.width, 0, 0];
  }

  /** act: f32 [width][stride] activations of all N rows (wasm pointer); edges binning over
   *  [lo, hi] when given (a layer's own range), else the binning's. */
  measure(act: number, width: number, N: number, stride: number, lo = this.p1, hi = this.p2): number {
    const { engine, groups } = this;
    let h = 0;
    for (let g = 0; g + 1 < groups.start.length; g++) {
      const a = groups.start[g], n = groups.start[g + 1] - a, np = (n + 3) & ~3;
      const src = engine.f32(act, width * stride), dst = engine.f32(this.scratch, width * np);
      dst.fill(0);
      for (let u = 0; u < width; u++) for (let i = 0; i < n; i++) dst[u * np + i] = src[u * stride + groups.rows[a + i]];
      engine.exports.mi_binned(this.ctx, this.scratch, width, n, np, this.zeros, this.mode, lo, hi, this.nbins, this.out);
      h += (n / N) * engine.f64(this.out, 1)[0];
    }
    return h;
  }
}
