import type { EstimatorFactory } from './estimator.js';
import { bin } from './bin.js';
import { adaptive } from './adaptive.js';
import { kdeUpper, kdeLower } from './kde.js';

export type { Estimator, EstimatorFactory, LayerActivations, PlanePoint } from './estimator.js';

// no prototype: a name such as "constructor" or "__proto__" is not an estimator
export const ESTIMATORS: Record<string, EstimatorFactory> = Object.assign(Object.create(null), { bin, adaptive, 'kde-upper': kdeUpper, 'kde-lower': kdeLower });
