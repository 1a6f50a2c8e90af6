// `bin-8`, `bin-16`, `bin-100`: the paper's binning at other bin counts over the same range, one
// pass for the three planes, so that the main study shows how much of the compression is the bin
// count's doing (docs/SCIENCE.md §12). Width binning configs use the range -1, 1.
import { BIN_MODE } from '../engine/engine.js';
import type { EstimatorName } from '../config/config.js';
import { binnedMi, binSettings } from './bin.js';
import { defineEstimator, type PlanePoint } from './estimator.js';

const EDGES: readonly [EstimatorName, number][] = [['bin-8', 8], ['bin-16', 16], ['bin-100', 100]];

export const binEdges = defineEstimator(['bin-8', 'bin-16', 'bin-100'], (config, engine, sizes) => {
  const e = engine.exports;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const out = engine.alloc(8 * 3);
  const b = config.binning;
  const [lo, hi] = b.kind === 'edges' ? [b.lo, b.hi] : [-1, 1];
  return {
    planes: EDGES.map(([name, bins]) => ({ name, settings: binSettings({ kind: 'edges', bins, lo, hi }) })),
    measure(input) {
      return EDGES.map(([, bins]) => {
        const points: PlanePoint[] = [];
        for (let l = 0; l < input.act.length; l++) {
          binnedMi(engine, ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, BIN_MODE.edges, lo, hi, bins, out);
          const [hT, hTgivenY, patterns] = engine.f64(out, 3);
          points.push({ ixt: hT, ity: hT - hTgivenY, patterns });
        }
        return points;
      });
    },
  };
});
