import type { EstimatorFactory } from './estimator.js';
import { bin } from './bin.js';

export type { Estimator, EstimatorFactory, LayerActivations, PlanePoint } from './estimator.js';

export const ESTIMATORS: Record<string, EstimatorFactory> = { bin };
