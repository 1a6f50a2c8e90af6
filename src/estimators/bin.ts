// `bin`: the paper's estimator. Bin every unit, count distinct patterns; with distinct, uniform x,
// I(X;T) = H(T) and I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) (docs/SCIENCE.md §3).
// Range modes of edges binning: `fixed` uses lo, hi as given (the reference code, which clips
// ReLU layers into [-1, 1]); `observed` uses each layer's min and max at that epoch; `running-max`
// the layer's min and max over all epochs measured so far (state of this network's instance).
import { BIN_MODE } from '../engine/engine.js';
import type { Binning, BinRangeMode } from '../config.js';
import type { EstimatorFactory, PlanePoint } from './estimator.js';

export function binSettings(b: Binning, rangeMode: BinRangeMode = 'fixed'): string {
  if (b.kind === 'width') return `bin width ${b.width}: floor(v / ${b.width})`;
  const cells = `${b.bins - 1} bins + the >= hi cell`;
  if (rangeMode === 'observed') return `${b.bins} edges linspace(lo, hi), lo/hi = the layer's min/max at each epoch (${cells})`;
  if (rangeMode === 'running-max') return `${b.bins} edges linspace(lo, hi), lo/hi = the layer's running min/max over the epochs so far (${cells})`;
  return `${b.bins} edges linspace(${b.lo}, ${b.hi}) (${b.bins - 1} bins + the >= ${b.hi} cell)`;
}

export const bin: EstimatorFactory = (config, engine, sizes) => binWith(config, engine, sizes, 'bin', config.binning);

/** `bin` with a given number of edges over the configured range (-1, 1 for width binning): the
 *  sensitivity of the bin estimate to its bin count (docs/SCIENCE.md §12). */
export const binEdges = (edges: number): EstimatorFactory => (config, engine, sizes) => {
  const b = config.binning;
  const [lo, hi] = b.kind === 'edges' ? [b.lo, b.hi] : [-1, 1];
  return binWith(config, engine, sizes, `bin-${edges}`, { kind: 'edges', bins: edges, lo, hi });
};

function binWith(config: Parameters<EstimatorFactory>[0], engine: Parameters<EstimatorFactory>[1], sizes: Parameters<EstimatorFactory>[2], name: string, b: Binning): ReturnType<EstimatorFactory> {
  const e = engine.exports;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const out = engine.alloc(8 * 3);
  const rangeOut = engine.alloc(8);
  const rangeMode: BinRangeMode = b.kind === 'edges' ? config.binRangeMode ?? 'fixed' : 'fixed';
  const [mode, p1, p2, nbins] = b.kind === 'edges' ? [BIN_MODE.edges, b.lo, b.hi, b.bins] : [BIN_MODE.width, b.width, 0, 0];
  const runLo: number[] = [], runHi: number[] = []; // running-max: per layer of this network
  return {
    name,
    settings: binSettings(b, rangeMode),
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
        e.mi_binned(ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, mode, lo, hi, nbins, out);
        const [hT, hTgivenY, patterns] = engine.f64(out, 3);
        points.push({ ixt: hT, ity: hT - hTgivenY, patterns });
      }
      return points;
    },
  };
}
