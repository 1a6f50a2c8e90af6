// Every estimator has this shape; adding one is adding a file and a line in index.ts.
import type { Engine } from '../engine/engine.js';
import type { ExperimentConfig } from '../config.js';

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
  /** A quantized network's grid: bits and every layer's current [lo, hi] (estimators/exact.ts);
   *  without ranges (a dump measured by `plane`) the grid is read off the values. */
  quantized?: { bits: number; ranges?: [number, number][] };
}

/** Bits; `patterns` is the number of distinct binned patterns where the estimator has one. */
export interface PlanePoint { ixt: number; ity: number; patterns?: number }

export interface Estimator {
  readonly name: string;
  /** The settings, stated on the plot's title. */
  readonly settings: string;
  /** I(X;T) and I(T;Y) in bits for every layer. */
  measure(input: LayerActivations): PlanePoint[];
}

/** Allocates its scratch once (per network) for at most maxRows rows of at most maxWidth units. */
/** `seed` is the network's seed (config.seed + repeat), for estimators that subsample rows. */
export type EstimatorFactory = (config: ExperimentConfig, engine: Engine, sizes: { maxRows: number; maxWidth: number; nClasses: number; seed?: number }) => Estimator;
