import type { EstimatorFactory } from './estimator.js';
import { bin, binEdges } from './bin.js';
import { adaptive } from './adaptive.js';
import { kdeUpper, kdeLower } from './kde.js';

export type { Estimator, EstimatorFactory, LayerActivations, PlanePoint } from './estimator.js';

export const ESTIMATORS: Record<string, EstimatorFactory> = {
  bin, adaptive, 'kde-upper': kdeUpper, 'kde-lower': kdeLower,
  // the bin estimator at other bin counts, side by side with `bin` in one run
  'bin-8': binEdges(8), 'bin-16': binEdges(16), 'bin-100': binEdges(100),
};
