// Networks on worker_threads. Each network depends only on (config, dataset, repeat) and results are
// placed by job index, so the output is the same for any thread count.
import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord } from '../record/schema.js';
import { Engine } from '../engine/engine.js';
import { loadWasmModule, relaxedInUse } from '../engine/wasm-node.js';
import { runNetwork, type RunProgress } from '../train/run-network.js';
import { DumpWriter } from './dump-writer.js';
import { datasetKey } from './datasets.js';
import { createEngineWithThreads, threadsPay } from './team.js';

/** One network to train: repeat r of a config (seed = config.seed + r); with dumpDir, its
 *  activations at the logged epochs are written there (node/dump-writer.ts). */
export interface Job { config: ExperimentConfig; repeat: number; dumpDir?: string }

/** Trains one job's network on this thread's engine. */
export function runJob(engine: Engine, job: Job, data: Dataset, onProgress?: (p: RunProgress) => void): RunRecord {
  const { config, repeat, dumpDir } = job;
  const dump = dumpDir !== undefined ? new DumpWriter(dumpDir, config, data, (config.seed + repeat) >>> 0) : undefined;
  const record = runNetwork(engine, config, data, repeat, onProgress, dump?.onLogged);
  dump?.finish(record);
  return record;
}
export interface JobHooks {
  /** Epochs done so far by job i (called often; cheap handlers only). */
  onProgress?(i: number, epochsDone: number): void;
  /** Job i finished (called once, in the main thread, as soon as its record arrives). */
  onDone?(i: number, record: RunRecord): void;
}

export type WorkerRequest =
  /** relaxed: the builds the main thread chose (engine/wasm-node.ts useRelaxedSimd); module is the one-thread one */
  | { kind: 'setup'; module: WebAssembly.Module; threadsPerNetwork: number; relaxed: boolean }
  | { kind: 'data'; key: string; data: Dataset }
  | { kind: 'run'; i: number; job: Job };
export type WorkerReply =
  | { kind: 'progress'; i: number; epochsDone: number }
  | { kind: 'done'; i: number; record: RunRecord }
  | { kind: 'error'; i: number; message: string };

import { Interrupted } from './interrupted.js';

export { Interrupted };

/** Threads for each network when there are fewer networks than threads: the threads left over
 *  go to the networks, if every network has a layer wide enough to share out (else 1). */
export function threadsPerNetwork(jobs: Job[], threads: number, module: WebAssembly.Module): number {
  const per = jobs.length > 0 && threads > jobs.length ? Math.floor(threads / jobs.length) : 1;
  if (per <= 1) return 1;
  const probe = Engine.createSync(module);
  return jobs.every((j) => threadsPay(probe, j.config.layers)) ? per : 1;
}

/** Runs every job; datasets are looked up by datasetKey(job.config). Returns records in job order.
 *  With fewer jobs than threads, each network gets several threads (threadsPerNetwork). */
export async function runJobs(jobs: Job[], datasets: Map<string, Dataset>, threads: number, hooks: JobHooks = {},
  signal?: AbortSignal): Promise<RunRecord[]> {
  const module = loadWasmModule();
  const records: RunRecord[] = new Array(jobs.length);
  const finish = (i: number, r: RunRecord) => { records[i] = r; hooks.onDone?.(i, r); };
  const perNetwork = threadsPerNetwork(jobs, threads, module);
  if (threads <= 1 || jobs.length <= 1) {
    const engine = perNetwork > 1 ? await createEngineWithThreads(perNetwork) : await Engine.create(module);
    for (let i = 0; i < jobs.length; i++) {
      if (signal?.aborted) throw new Interrupted();
      finish(i, runJob(engine, jobs[i], datasets.get(datasetKey(jobs[i].config))!, (p) => hooks.onProgress?.(i, p.epochsDone)));
      await new Promise((res) => setImmediate(res)); // let signals and progress output through
    }
    engine.close();
    return records;
  }
  let next = 0;
  const workers: Worker[] = [];
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    workers.push(w);
    const sent = new Set<string>(); // datasets cross once per worker, not once per network
    const feed = () => {
      if (signal?.aborted) { reject(new Interrupted()); return; }
      if (next >= jobs.length) { resolve(); return; }
      const i = next++, key = datasetKey(jobs[i].config);
      if (!sent.has(key)) { sent.add(key); w.postMessage({ kind: 'data', key, data: datasets.get(key)! } satisfies WorkerRequest); }
      w.postMessage({ kind: 'run', i, job: jobs[i] } satisfies WorkerRequest);
    };
    w.on('message', (m: WorkerReply) => {
      if (m.kind === 'progress') hooks.onProgress?.(m.i, m.epochsDone);
      else if (m.kind === 'done') {
        // a failing hook (e.g. saving the result on a full disk) ends the run with its error
        try { finish(m.i, m.record); } catch (e) { reject(e); return; }
        feed();
      }
      else reject(new Error(m.message));
    });
    w.on('error', reject);
    w.postMessage({ kind: 'setup', module, threadsPerNetwork: perNetwork, relaxed: relaxedInUse() } satisfies WorkerRequest);
    feed();
  });
  try {
    await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, one));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return records;
}

/** The repeats of one config. */
export function runRepeats(config: ExperimentConfig, data: Dataset, threads: number,
  onProgress?: (p: { repeat: number; epochsDone: number }) => void, signal?: AbortSignal, dumpDir?: (repeat: number) => string): Promise<RunRecord[]> {
  const jobs: Job[] = Array.from({ length: config.repeats }, (_, r) => ({ config, repeat: r, ...(dumpDir ? { dumpDir: dumpDir(r) } : {}) }));
  return runJobs(jobs, new Map([[datasetKey(config), data]]), threads,
    { onProgress: (i, epochsDone) => onProgress?.({ repeat: i, epochsDone }) }, signal);
}
