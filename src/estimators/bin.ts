// `bin`: the paper's estimator. Bin every unit, count distinct patterns; with distinct, uniform x,
// I(X;T) = H(T) and I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) (docs/SCIENCE.md, binning). When the
// dataset repeats input rows, I(X;T) = H(T) - H(T|X) over the groups of identical rows
// (group-entropy.ts).
// Range modes of edges binning: `fixed` uses lo, hi as given (the reference code, which clips
// ReLU layers into [-1, 1]); `observed` uses each layer's min and max at that epoch; `running-max`
// the layer's min and max over all epochs measured so far (state of this network's instance).
import { BIN_MODE, type Engine } from '../engine/engine.js';
import type { Binning, BinRangeMode } from '../config/config.js';
import { defineEstimator, type PlanePoint } from './estimator.js';
import { GroupConditionalEntropy } from './group-entropy.js';

export function binSettings(b: Binning, rangeMode: BinRangeMode = 'fixed'): string {
  if (b.kind === 'width') return `bin width ${b.width}: floor(v / ${b.width})`;
  const cells = `${b.bins - 1} bins + the >= hi cell`;
  if (rangeMode === 'observed') return `${b.bins} edges linspace(lo, hi), lo/hi = the layer's min/max at each epoch (${cells})`;
  if (rangeMode === 'running-max') return `${b.bins} edges linspace(lo, hi), lo/hi = the layer's running min/max over the epochs so far (${cells})`;
  return `${b.bins} edges linspace(${b.lo}, ${b.hi}) (${b.bins - 1} bins + the >= ${b.hi} cell)`;
}

/** mi_binned of one layer (out f64[3]); a layer as wide as TEAM_MIN_UNITS on a team engine has its
 *  keys made by every thread (mi_binned_team: the same bits). */
export function binnedMi(engine: Engine, ctx: number, act: number, width: number, n: number, stride: number, labels: number,
  mode: number, p1: number, p2: number, nbins: number, out: number): void {
  // a narrow layer is thread 0's alone: its keys are too few to be worth the barriers
  if (!engine.team || width < engine.exports.TEAM_MIN_UNITS.value) engine.exports.mi_binned(ctx, act, width, n, stride, labels, mode, p1, p2, nbins, out);
  else engine.together('mi_binned_team', [ctx, act, width, n, stride, labels, mode, p1, p2, nbins, out]);
}

export const bin = defineEstimator(['bin'], (config, engine, sizes) => {
  const e = engine.exports;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const out = engine.alloc(8 * 3);
  const rangeOut = engine.alloc(8);
  const b = config.binning;
  const rangeMode: BinRangeMode = b.kind === 'edges' ? config.binRangeMode ?? 'fixed' : 'fixed';
  const [mode, p1, p2, nbins] = b.kind === 'edges' ? [BIN_MODE.edges, b.lo, b.hi, b.bins] : [BIN_MODE.width, b.width, 0, 0];
  const runLo: number[] = [], runHi: number[] = []; // running-max: per layer of this network
  const dups = sizes.duplicates;
  const hTgivenX = dups && dups.duplicateRows > 0 ? new GroupConditionalEntropy(engine, dups, sizes.maxWidth, b) : undefined;
  return {
    planes: [{ name: 'bin', settings: binSettings(b, rangeMode) }],
    measure(input) {
      const points: PlanePoint[] = [];
      for (let l = 0; l < input.act.length; l++) {
        let lo = p1, hi = p2;
        if (rangeMode !== 'fixed') {
          e.act_range(input.act[l], input.width[l], input.n, input.stride, rangeOut);
          [lo, hi] = engine.f32(rangeOut, 2);
          if (rangeMode === 'running-max') {
            runLo[l] = lo = Math.min(lo, runLo[l] ?? lo);
            runHi[l] = hi = Math.max(hi, runHi[l] ?? hi);
          }
        }
        binnedMi(engine, ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, mode, lo, hi, nbins, out);
        const [hT, hTgivenY, patterns] = engine.f64(out, 3);
        const hx = hTgivenX ? hTgivenX.measure(input.act[l], input.width[l], input.n, input.stride, lo, hi) : undefined;
        points.push({ ixt: hx === undefined ? hT : hT - hx, ity: hT - hTgivenY, patterns });
      }
      return [points];
    },
  };
});
