// The distance of each layer to the IB bound: for every estimator, layer and logged epoch, the
// bound's I(T;Y) at the layer's I(X;T) minus the layer's I(T;Y) (bits; > 0 = below the bound).
import { labelModelOf, type ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import { boundAt, type IBPoint } from '../bound/ib.js';
import { datasetBound } from '../bound/bound.js';
import type { LabelModel } from '../bound/labels.js';
import type { BoundRecord, MiSeries } from './schema.js';


/** {estimator: [layer][k]} gaps; NaN where the layer's point is missing. */
export function boundGaps(points: readonly IBPoint[], mi: Record<string, MiSeries>): Record<string, number[][]> {
  return Object.fromEntries(Object.entries(mi).map(([name, s]) => [name,
    s.ixt.map((row, l) => row.map((ixt, k) => {
      const ity = s.ity[l]?.[k];
      return typeof ixt === 'number' && typeof ity === 'number' ? boundAt(points, ixt) - ity : NaN;
    }))]));
}

// buildResult may run often for one dataset (sweep cells, live snapshots): keep the last few bounds,
// keyed by the data's content and the label model.
const cache: { key: string; bound: BoundRecord }[] = [];

function contentKey(data: Dataset, model: LabelModel): string {
  let h = 0x811c9dc5; // FNV-1a over the inputs' bytes and the labels
  const bytes = new Uint8Array(data.X.buffer, data.X.byteOffset, data.X.byteLength);
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  for (let i = 0; i < data.y.length; i++) h = Math.imul(h ^ data.y[i], 0x01000193);
  return `${data.nRows}x${data.nInputs}:${data.nClasses}:${h >>> 0}:${JSON.stringify(model)}`;
}

/** The run's bound (IB defaults: docs/SCIENCE.md, The IB bound), or undefined unless config.bound. */
export function boundForConfig(config: ExperimentConfig, data: Dataset): BoundRecord | undefined {
  if (config.bound !== true) return undefined;
  const labelModel = labelModelOf(config);
  const key = contentKey(data, labelModel);
  const hit = cache.find((c) => c.key === key);
  if (hit) return hit.bound;
  const bound = { points: datasetBound(data, labelModel).points, labelModel };
  cache.unshift({ key, bound });
  cache.length = Math.min(cache.length, 4);
  return bound;
}
