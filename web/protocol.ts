// Messages between the page (app.ts) and the training worker (worker.ts).
import type { ExperimentConfig, Series } from '../src/index.js';

export type ToWorker =
  | { kind: 'start'; config: ExperimentConfig }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'stop' };

export type FromWorker =
  | { kind: 'ready'; estimators: string[] }
  /** A new run: its logged epochs and layer widths (the output layer last). */
  | { kind: 'begin'; runId: number; epochs: number[]; widths: number[]; settings: Record<string, string> }
  /** Points [from, from + series.epochs.length) of run runId, and where training is. */
  | { kind: 'points'; runId: number; from: number; series: Series; epoch: number; epochsPerSecond: number;
      done: boolean; status: 'ok' | 'diverged'; divergedAt?: number }
  | { kind: 'error'; message: string };
