// The training worker: one engine, one TrainingSession at a time, advanced in slices of about
// SLICE_MS; new points are posted at most every POST_MS so the page gets batched updates.
import { chooseCore, coreFile, fetchWasmModule, ib12, ESTIMATORS, TrainingSession, Engine, threadsAvailable, type Dataset, type TeamHelper, type TeamReply } from '../src/index.js';
import { withDuplicates } from '../src/data/duplicates.js';
import type { FromWorker, ToWorker } from './protocol.js';

const SLICE_MS = 25;
const POST_MS = 50;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);
const IB12 = withDuplicates(ib12());
let session: TrainingSession | undefined;
let runId = 0, running = false, sent = 0, lastPost = 0;
let rateT = 0, rateE = 0, rate = 0;

// Yield to the message queue between slices (setTimeout(0) would be clamped to 4 ms).
const channel = new MessageChannel();
channel.port1.onmessage = () => slice();
const schedule = () => channel.port2.postMessage(null);

function flush(force: boolean): void {
  const s = session!;
  const now = performance.now();
  if (!force && now - lastPost < POST_MS) return;
  if (now - rateT > 500) { rate = (s.epoch - rateE) / ((now - rateT) / 1000); rateT = now; rateE = s.epoch; }
  post({ kind: 'points', runId, from: sent, series: s.slice(sent), epoch: s.epoch, epochsPerSecond: rate,
    done: s.done, status: s.record.status, divergedAt: s.record.divergedAt });
  sent = s.points;
  lastPost = now;
}

function slice(): void {
  const s = session;
  if (!s || !running) return;
  const t0 = performance.now();
  // small steps keep a slice near SLICE_MS even with a logged epoch (a forward of every row) in it
  while (!s.done && performance.now() - t0 < SLICE_MS) s.advance(4);
  flush(s.done);
  if (s.done) running = false;
  else schedule();
}

// Engines by core file (engine/cores.ts: plain or relaxed, one thread or a team), made when first needed.
const engines = new Map<string, Promise<Engine>>();
function engineOf(file: string, make: (m: WebAssembly.Module) => Promise<Engine>): Promise<Engine> {
  let e = engines.get(file);
  if (!e) { e = fetchWasmModule(new URL(`../../${file}`, import.meta.url)).then(make); engines.set(file, e); }
  return e;
}

/** A helper thread of a team engine: a nested module worker (web/team-worker.ts). */
function spawnHelper(): TeamHelper {
  const w = new Worker(new URL('./team-worker.js', import.meta.url), { type: 'module' });
  const ready = new Promise<TeamReply>((resolve, reject) => {
    w.addEventListener('message', (e) => resolve(e.data as TeamReply), { once: true });
    w.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
  });
  return { post: (m) => w.postMessage(m), ready, close: () => w.terminate() };
}

/** The engine for a network with these hidden widths: with cross-origin isolation (which
 *  SharedArrayBuffer needs) and a layer wide enough to share out, one on up to 4 threads;
 *  otherwise the one-thread engine. */
async function engineFor(layers: number[], relaxed: boolean): Promise<Engine> {
  const engine = await engineOf(coreFile({ relaxed }), (m) => Engine.create(m));
  const threads = Math.min(4, navigator.hardwareConcurrency ?? 1);
  if (threads < 2 || !threadsAvailable() || !layers.some((w) => w >= engine.exports.TEAM_MIN_UNITS.value)) return engine;
  return engineOf(coreFile({ threads: true, relaxed }), (m) => Engine.createTeam(m, threads, spawnHelper));
}

scope.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.kind === 'start') {
      const data: Dataset = m.dataset ? withDuplicates({ ...m.dataset, nRows: m.dataset.y.length }) : IB12;
      const choice = chooseCore(m.relaxedSimd === true); // relaxed SIMD asked for and available?
      session = new TrainingSession(await engineFor(m.config.layers, choice.relaxed), m.config, data, 0);
      runId++; sent = 0; lastPost = 0; rateT = performance.now(); rateE = 0; rate = 0;
      post({ kind: 'begin', runId, epochs: session.epochs, widths: [...m.config.layers, data.nClasses],
        settings: Object.fromEntries(Object.entries(session.record.mi).map(([k, v]) => [k, v.settings])), core: choice });
      running = true;
      schedule();
    } else if (m.kind === 'pause') {
      running = false;
      if (session) flush(true);
    } else if (m.kind === 'resume') {
      if (session && !session.done && !running) { running = true; rateT = performance.now(); rateE = session.epoch; schedule(); }
    } else {
      running = false;
      session = undefined;
    }
  } catch (err) {
    running = false;
    post({ kind: 'error', message: (err as Error).message });
  }
};
// Load the core first; the page enables Start on 'ready'.
const core: Promise<Engine> = engineOf(coreFile(), (m) => Engine.create(m));
core.then(() => { post({ kind: 'ready', estimators: Object.keys(ESTIMATORS) }); },
  (err: unknown) => post({ kind: 'error', message: (err as Error).message }));
