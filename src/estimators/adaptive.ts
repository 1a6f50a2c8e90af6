// `adaptive`: entropy-based adaptive binning (EBAB, Chelombiev et al. 2019; docs/SCIENCE.md, adaptive binning). Per layer
// and logged epoch the edges are equal-count quantiles of the layer's distinct values, so every bin
// holds the same share of them; then the patterns are counted as for `bin`.
import { defineEstimator, type PlanePoint } from './estimator.js';

/** The EBAB lower edge: -1 for tanh, 0 for ReLU, otherwise none (the smallest value). */
export function ebabLower(activation: string): number | undefined {
  return activation === 'tanh' ? -1 : activation === 'relu' ? 0 : undefined;
}

export function adaptiveSettings(nbins: number): string {
  return `EBAB: ${nbins} bins with equal counts of the layer's distinct values, per layer and epoch ` +
    `(edges U[floor(k |U| / ${nbins})], lower edge -1 tanh / 0 relu / else min U, the max U cell)`;
}

export const adaptive = defineEstimator(['adaptive'], (config, engine, sizes) => {
  const e = engine.exports;
  const nbins = config.adaptiveBins ?? 30;
  const ctx = e.mi_create(sizes.maxRows, sizes.maxWidth, sizes.nClasses);
  const ebab = e.ebab_create(sizes.maxRows * sizes.maxWidth);
  const edges = engine.alloc(4 * (nbins + 2));
  const out = engine.alloc(8 * 3);
  return {
    planes: [{ name: 'adaptive', settings: adaptiveSettings(nbins) }],
    measure(input) {
      const points: PlanePoint[] = [];
      for (let l = 0; l < input.act.length; l++) {
        const lower = ebabLower(input.activation[l]);
        const nEdges = e.ebab_edges(ebab, input.act[l], input.width[l], input.n, input.stride, lower === undefined ? 0 : 1, lower ?? 0, nbins, edges);
        e.mi_binned_explicit(ctx, input.act[l], input.width[l], input.n, input.stride, input.labels, edges, nEdges, out);
        const [hT, hTgivenY, patterns] = engine.f64(out, 3);
        points.push({ ixt: hT, ity: hT - hTgivenY, patterns });
      }
      return [points];
    },
  };
});
