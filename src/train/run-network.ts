// Train one network and measure it at the logged epochs. Pure: no Node imports, so a browser
// worker runs the same code. Its output depends only on the config, the dataset and the seed.
// The epoch loop itself lives in TrainingSession (session.ts); this runs it to the end.
import type { ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord } from '../record/schema.js';
import type { Engine } from '../engine/engine.js';
import { TrainingSession, type LoggedHook } from './session.js';

export interface RunProgress { epochsDone: number }

const PROGRESS_EVERY = 64;

export function runNetwork(engine: Engine, config: ExperimentConfig, data: Dataset, repeat: number,
  onProgress?: (p: RunProgress) => void, onLogged?: LoggedHook): RunRecord {
  const session = new TrainingSession(engine, config, data, repeat, onLogged);
  while (!session.done) {
    const ran = session.advance(PROGRESS_EVERY - (session.epoch % PROGRESS_EVERY));
    if (onProgress && ran > 0 && session.epoch % PROGRESS_EVERY === 0) onProgress({ epochsDone: session.epoch });
  }
  onProgress?.({ epochsDone: config.epochs });
  return session.record;
}
