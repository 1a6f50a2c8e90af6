import type { EstimatorFactory } from './estimator.js';
import { bin } from './bin.js';
import { adaptive } from './adaptive.js';
import { kdeUpper, kdeLower } from './kde.js';
import { exact } from './exact.js';

export type { Estimator, EstimatorFactory, LayerActivations, PlanePoint } from './estimator.js';

export const ESTIMATORS: Record<string, EstimatorFactory> = { bin, adaptive, 'kde-upper': kdeUpper, 'kde-lower': kdeLower, exact };
