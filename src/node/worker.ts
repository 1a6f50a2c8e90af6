// worker_threads entry: one engine per worker, one network per 'run' request.
import { parentPort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import { runNetwork } from '../train/run-network.js';
import type { ExperimentConfig } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

let setup: { engine: Promise<Engine>; config: ExperimentConfig; data: Dataset } | undefined;
parentPort!.on('message', async (req: WorkerRequest) => {
  try {
    if (req.kind === 'setup') {
      setup = { engine: Engine.create(req.module), config: req.config, data: req.data };
      return;
    }
    const engine = await setup!.engine;
    const record = runNetwork(engine, setup!.config, setup!.data, req.repeat, (p) => {
      parentPort!.postMessage({ kind: 'progress', repeat: req.repeat, epochsDone: p.epochsDone } satisfies WorkerReply);
    });
    parentPort!.postMessage({ kind: 'done', record } satisfies WorkerReply);
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', message: (err as Error).message } satisfies WorkerReply);
  }
});
