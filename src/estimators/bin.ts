// `bin`: the paper's estimator. Bin every unit, count distinct patterns; with distinct, uniform x,
// I(X;T) = H(T) and I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) (PAPER.md 3).
import { BIN_MODE } from '../engine/engine.js';
import type { Binning } from '../config.js';
import type { EstimatorFactory, PlanePoint } from './estimator.js';

export function binSettings(b: Binning): string {
  return b.kind === 'edges'
    ? `${b.bins} edges linspace(${b.lo}, ${b.hi}) (${b.bins - 1} bins + the >= ${b.hi} cell)`
    : `bin width ${b.width}: floor(v / ${b.width})`;
}

export const bin: EstimatorFactory = (config, engine, sizes) => {
  const e = engine.exports;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const out = engine.alloc(8 * 3);
  const b = config.binning;
  const [mode, p1, p2, nbins] = b.kind === 'edges' ? [BIN_MODE.edges, b.lo, b.hi, b.bins] : [BIN_MODE.width, b.width, 0, 0];
  return {
    name: 'bin',
    settings: binSettings(b),
    measure(input) {
      const points: PlanePoint[] = [];
      for (let l = 0; l < input.act.length; l++) {
        e.mi_binned(ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, mode, p1, p2, nbins, out);
        const [hT, hTgivenY, patterns] = engine.f64(out, 3);
        points.push({ ixt: hT, ity: hT - hTgivenY, patterns });
      }
      return points;
    },
  };
};
