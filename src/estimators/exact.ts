// `exact`: the information plane of a quantized network (Lorenzen, Igel & Nielsen 2022), with no
// estimation parameters. Every quantized layer takes finitely many values (2^bits levels per unit),
// so its distinct rows are counted as they are: I(X;T) = H(T) for distinct, uniform x and
// I(T;Y) = H(T) - sum_y p(y) H(T|Y=y), exactly, in bits. Duplicate inputs are handled as for `bin`.
// The counting is the `bin` kernel's with a cell per level (BIN_LEVELS: k = floor((v - lo) / step
// + 1/2)), which is exact whatever the f32 rounding of a level: a level lies half a cell from the
// next cell's boundary.
import { BIN_MODE } from '../engine/engine.js';
import { EXACT_NOT_QUANTIZED, MAX_QUANT_BITS } from '../config/config.js';
import { defineEstimator, type LayerActivations, type PlanePoint } from './estimator.js';
import { GroupConditionalEntropy } from './group-entropy.js';

/** The kernel's arguments for a 2^bits-level grid on [lo, hi], step as the quantizer computes it (f32). */
export interface LevelCells { mode: number; p1: number; p2: number; nbins: number }
export function levelCells(bits: number, lo: number, hi: number): LevelCells {
  const top = (1 << bits) - 1, lo32 = Math.fround(lo);
  const step = Math.fround(Math.fround(Math.fround(hi) - lo32) / top);
  return { mode: BIN_MODE.levels, p1: lo32, p2: 1 / step, nbins: top + 1 };
}

/** A grid read off the values of one layer (a dump: the values are levels, the range unknown):
 *  lo = the smallest value, step = the smallest gap between its sorted distinct values U. Every
 *  gap is a whole number of steps up to rounding, so the code floor((v - lo) / step + 1/2) is
 *  exact; refuses a layer whose values do not fit 2^bits levels. */
export function gridOfValues(U: Float32Array, bits: number, where: string): LevelCells {
  const M = U.length;
  if (M > 2 ** bits) throw new Error(`${where}: ${M} distinct values, more than the 2^${bits} levels of a ${bits}-bit layer: not quantized to ${bits} bits`);
  let gap = Infinity;
  for (let j = 1; j < M; j++) gap = Math.min(gap, U[j] - U[j - 1]);
  if (M < 2) return { mode: BIN_MODE.levels, p1: M ? U[0] : 0, p2: 1, nbins: 1 };
  const nbins = Math.round((U[M - 1] - U[0]) / gap) + 1;
  if (!(nbins <= 2 ** MAX_QUANT_BITS)) throw new Error(`${where}: the values do not lie on one grid (smallest gap ${gap} over a range of ${U[M - 1] - U[0]})`);
  return { mode: BIN_MODE.levels, p1: U[0], p2: 1 / gap, nbins };
}

export const exact = defineEstimator(['exact'], (config, engine, sizes) => {
  const e = engine.exports;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const out = engine.alloc(8 * 3);
  const dups = sizes.duplicates;
  const hTgivenX = dups && dups.duplicateRows > 0 ? new GroupConditionalEntropy(engine, dups, sizes.maxWidth, config.binning) : undefined;
  let sorted = 0, scratch = 0; // for grids read off the values, allocated on first use
  const cellsOf = (input: LayerActivations, l: number, bits: number): LevelCells => {
    const r = input.quantized?.ranges?.[l];
    if (r) return levelCells(bits, r[0], r[1]);
    const nv = sizes.maxRows * sizes.maxWidth;
    if (!sorted) { sorted = engine.alloc(4 * nv); scratch = engine.alloc(e.sort_scratch_bytes(nv)); }
    const M = e.sort_unique_f32(input.act[l], input.width[l], input.n, input.stride, sorted, scratch);
    return gridOfValues(engine.f32(sorted, M), bits, `a ${input.activation[l]} layer`);
  };
  return {
    planes: [{
      name: 'exact',
      settings: config.quantize ? `exact counts of the ${config.quantize}-bit levels of every layer (no estimation parameters)`
        : 'exact counts of quantized levels',
    }],
    measure(input) {
      const q = input.quantized;
      if (!q) throw new Error(EXACT_NOT_QUANTIZED);
      const points: PlanePoint[] = [];
      for (let l = 0; l < input.act.length; l++) {
        const c = cellsOf(input, l, q.bits);
        e.mi_binned(ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, c.mode, c.p1, c.p2, c.nbins, out);
        const [hT, hTgivenY, patterns] = engine.f64(out, 3);
        // duplicate inputs: I(X;T) = H(T) - H(T|X) over the groups of identical rows, as for `bin`
        const hx = hTgivenX ? hTgivenX.measure(input.act[l], input.width[l], input.n, input.stride, 0, 0, c) : undefined;
        points.push({ ixt: hx === undefined ? hT : hT - hx, ity: hT - hTgivenY, patterns });
      }
      return [points];
    },
  };
});
