// worker_threads entry of `infoplane plane`: one engine, one reader and one measurer per worker.
import { parentPort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import { InputError } from '../data/errors.js';
import { MatrixReader } from '../data/activation-source.js';
import type { MatrixLoc } from '../data/activation-source.js';
import { PlaneMeasurer } from '../external/measure.js';
import { measureUnit, type PlaneWorkerReply, type PlaneWorkerRequest } from './plane-run.js';

let state: { m: PlaneMeasurer; reader: MatrixReader; locs: MatrixLoc[][] } | undefined;
const fail = (err: unknown) => {
  const e = err as Error;
  parentPort!.postMessage({ kind: 'error', message: e.message,
    ...(e instanceof InputError ? { input: { file: e.file, where: e.where, problem: e.problem } } : {}) } satisfies PlaneWorkerReply);
};
parentPort!.on('message', async (req: PlaneWorkerRequest) => {
  try {
    if (req.kind === 'setup') {
      const m = new PlaneMeasurer(await Engine.create(req.module), req.setup);
      state = { m, reader: await MatrixReader.create(req.hdf5), locs: req.locs };
      parentPort!.postMessage({ kind: 'ready', settings: m.settingsText() } satisfies PlaneWorkerReply);
      return;
    }
    const results = measureUnit(state!.m, state!.reader, state!.locs, req.unit);
    parentPort!.postMessage({ kind: 'done', i: req.i, results } satisfies PlaneWorkerReply);
  } catch (err) {
    fail(err);
  }
});
