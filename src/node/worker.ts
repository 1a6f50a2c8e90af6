// worker_threads entry: one engine per worker, one network per 'run' request.
import { parentPort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import type { Dataset } from '../data/dataset.js';
import { datasetKey } from './datasets.js';
import { createEngineWithThreads } from './team.js';
import { useRelaxedSimd } from '../engine/wasm-node.js';
import { runJob, type WorkerReply, type WorkerRequest } from './pool.js';

let engine: Promise<Engine> | undefined;
const datasets = new Map<string, Dataset>();
parentPort!.on('message', async (req: WorkerRequest) => {
  if (req.kind === 'setup') {
    useRelaxedSimd(req.relaxed, () => req.relaxed); // the main thread has checked the runtime
    engine = req.threadsPerNetwork > 1 ? createEngineWithThreads(req.threadsPerNetwork) : Engine.create(req.module);
    return;
  }
  if (req.kind === 'data') { datasets.set(req.key, req.data); return; }
  try {
    const record = runJob(await engine!, req.job, datasets.get(datasetKey(req.job.config))!, (p) => {
      parentPort!.postMessage({ kind: 'progress', i: req.i, epochsDone: p.epochsDone } satisfies WorkerReply);
    });
    parentPort!.postMessage({ kind: 'done', i: req.i, record } satisfies WorkerReply);
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', i: req.i, message: (err as Error).message } satisfies WorkerReply);
  }
});
