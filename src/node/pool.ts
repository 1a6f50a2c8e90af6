// Repeats on worker_threads. Each network depends only on (config, data, repeat), and results are
// placed by repeat index, so the output is the same for any thread count.
import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord } from '../record/schema.js';
import { Engine } from '../engine/engine.js';
import { loadWasmModule } from '../engine/wasm-node.js';
import { runNetwork } from '../train/run-network.js';

export interface PoolProgress { repeat: number; epochsDone: number }
export type WorkerRequest = { kind: 'setup'; config: ExperimentConfig; data: Dataset; module: WebAssembly.Module } | { kind: 'run'; repeat: number };
export type WorkerReply = { kind: 'progress'; repeat: number; epochsDone: number } | { kind: 'done'; record: RunRecord } | { kind: 'error'; message: string };

export async function runRepeats(config: ExperimentConfig, data: Dataset, threads: number,
  onProgress?: (p: PoolProgress) => void, signal?: AbortSignal): Promise<RunRecord[]> {
  const module = loadWasmModule();
  const records: RunRecord[] = new Array(config.repeats);
  if (threads <= 1 || config.repeats <= 1) {
    const engine = await Engine.create(module);
    for (let r = 0; r < config.repeats; r++) {
      if (signal?.aborted) throw new Error('interrupted');
      records[r] = runNetwork(engine, config, data, r, (p) => onProgress?.({ repeat: r, epochsDone: p.epochsDone }));
      // let signals and progress output through between networks
      await new Promise((res) => setImmediate(res));
    }
    return records;
  }
  let next = 0;
  const workers: Worker[] = [];
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    workers.push(w);
    const feed = () => {
      if (signal?.aborted) { reject(new Error('interrupted')); return; }
      if (next >= config.repeats) { w.terminate(); resolve(); return; }
      w.postMessage({ kind: 'run', repeat: next++ } satisfies WorkerRequest);
    };
    w.on('message', (m: WorkerReply) => {
      if (m.kind === 'progress') onProgress?.({ repeat: m.repeat, epochsDone: m.epochsDone });
      else if (m.kind === 'done') { records[m.record.repeat] = m.record; feed(); }
      else reject(new Error(m.message));
    });
    w.on('error', reject);
    // the dataset and module cross once per worker, not once per network
    w.postMessage({ kind: 'setup', config, data, module } satisfies WorkerRequest);
    feed();
  });
  try {
    await Promise.all(Array.from({ length: Math.min(threads, config.repeats) }, one));
  } finally {
    for (const w of workers) void w.terminate();
  }
  return records;
}
