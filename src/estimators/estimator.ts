// Every estimator has this shape: one file exporting an EstimatorDef, listed once in index.ts,
// its plane names in ESTIMATOR_NAMES (config/config.ts). docs/ARCHITECTURE.md walks through it.
import type { Engine } from '../engine/engine.js';
import type { EstimatorName, ExperimentConfig } from '../config/config.js';
import type { DuplicateGroups } from '../data/dataset.js';

/** What an estimator sees at a logged epoch: every layer's activations of all rows, in wasm memory. */
export interface LayerActivations {
  engine: Engine;
  /** Per layer: pointer to f32 [width][stride] activations. */
  act: number[];
  width: number[];
  /** Per layer: the activation that produced it ('tanh', 'relu', ..., 'softmax' for the output). */
  activation: string[];
  /** Rows (samples) and the padded row stride of `act`. */
  n: number;
  stride: number;
  /** Pointer to i32 [n] labels. */
  labels: number;
  nClasses: number;
}

/** Bits; `patterns` is the number of distinct binned patterns where the estimator has one. */
export interface PlanePoint { ixt: number; ity: number; patterns?: number }

/** One information plane an estimator fills: its name (a key of InfoplaneResult.mi) and settings. */
export interface Plane { name: EstimatorName; settings: string }

export interface Estimator {
  /** The planes it fills, in the order measure() returns them (KDE: both bounds from one pass). */
  readonly planes: readonly Plane[];
  /** Per plane, per layer: I(X;T) and I(T;Y) in bits. */
  measure(input: LayerActivations): PlanePoint[][];
}

/** What a network tells its estimators up front, so that they allocate their scratch once. */
export interface EstimatorContext {
  /** At most this many rows of at most maxWidth units, labels in 0..nClasses-1. */
  maxRows: number;
  maxWidth: number;
  nClasses: number;
  /** The network's seed (config.seed + repeat), for estimators that subsample rows. */
  seed?: number;
  /** Groups of identical input rows (data/duplicates.ts), for estimators that correct for them. */
  duplicates?: DuplicateGroups;
}

export type EstimatorFactory = (config: ExperimentConfig, engine: Engine, ctx: EstimatorContext) => Estimator;

/** An estimator module: the planes it can fill and how to build it for one network. */
export interface EstimatorDef { readonly planes: readonly EstimatorName[]; readonly create: EstimatorFactory }

/** An EstimatorDef keeping its plane names as literal types (index.ts checks them against ESTIMATOR_NAMES). */
export function defineEstimator<const P extends readonly EstimatorName[]>(planes: P, create: EstimatorFactory): { readonly planes: P; readonly create: EstimatorFactory } {
  return { planes, create };
}

/** One plane of an estimator on its own, as used by miOfMatrix and tests. */
export interface PlaneEstimator { readonly name: EstimatorName; readonly settings: string; measure(input: LayerActivations): PlanePoint[] }
