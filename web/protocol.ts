// Messages between the page (app.ts) and the training worker (worker.ts).
import type { CoreChoice, ExperimentConfig, Series } from '../src/index.js';

export type ToWorker =
  /** Train on `dataset` (a user's file) or, without it, on ib12. */
  /** relaxedSimd: train on the relaxed core where the browser has relaxed SIMD (src/engine/cores.ts). */
  | { kind: 'start'; config: ExperimentConfig; dataset?: DatasetMessage; relaxedSimd?: boolean }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'stop' };

/** A dataset as posted to the worker (typed arrays are copied by structured clone). */
export interface DatasetMessage { name: string; nInputs: number; nClasses: number; X: Float32Array; y: Int32Array }

export type FromWorker =
  /** The wasm core has loaded: training can start. */
  | { kind: 'ready'; estimators: string[] }
  /** A new run: its logged epochs and layer widths (the output layer last). */
  | { kind: 'begin'; runId: number; epochs: number[]; widths: number[]; settings: Record<string, string>; core: CoreChoice }
  /** Points [from, from + series.epochs.length) of run runId, and where training is. */
  | { kind: 'points'; runId: number; from: number; series: Series; epoch: number; epochsPerSecond: number;
      done: boolean; status: 'ok' | 'diverged'; divergedAt?: number }
  | { kind: 'error'; message: string };
