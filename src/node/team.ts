// Node's helper threads for a team engine (src/engine/team.ts): one worker_thread each, unref'd so
// that an idle team never keeps the process alive.
import { Worker } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import type { TeamHelper, TeamReply, TeamRequest } from '../engine/team.js';
import { loadCore, loadWasmModule, relaxedInUse } from '../engine/wasm-node.js';
import { coreFile } from '../engine/cores.js';

/** build/infoplane-mt.wasm (or its relaxed build, engine/wasm-node.ts), compiled once per process. */
export function loadThreadsModule(): WebAssembly.Module {
  return loadCore(coreFile({ threads: true, relaxed: relaxedInUse() }));
}

function spawnHelper(): TeamHelper {
  const w = new Worker(new URL('./team-worker.js', import.meta.url));
  w.unref();
  const ready = new Promise<TeamReply>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  w.on('message', (m: TeamReply) => { if (m.kind === 'team-error') process.emitWarning(`infoplane helper thread: ${m.message}`); });
  return { post: (m: TeamRequest) => w.postMessage(m), ready, close: () => { void w.terminate(); } };
}

/** An engine whose networks train on `threads` threads (one engine of the default build for 1). */
export async function createEngineWithThreads(threads: number): Promise<Engine> {
  if (threads <= 1) return Engine.create(loadWasmModule());
  return Engine.createTeam(loadThreadsModule(), threads, spawnHelper);
}

/** Whether threads can speed up a network of these widths (hidden and output) on `engine`'s core:
 *  only a layer as wide as the core's TEAM_MIN_UNITS is shared out. */
export function threadsPay(engine: Engine, widths: number[]): boolean {
  return widths.some((w) => w >= engine.exports.TEAM_MIN_UNITS.value);
}
