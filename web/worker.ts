// The training worker: one engine, one TrainingSession at a time, advanced in slices of about
// SLICE_MS; new points are posted at most every POST_MS so the page gets batched updates.
import { createEngine, ib12, ESTIMATORS, TrainingSession, type Dataset, type Engine } from '../src/index.js';
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

scope.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    if (m.kind === 'start') {
      const data: Dataset = m.dataset ? withDuplicates({ ...m.dataset, nRows: m.dataset.y.length }) : IB12;
      session = new TrainingSession(await core, m.config, data, 0);
      runId++; sent = 0; lastPost = 0; rateT = performance.now(); rateE = 0; rate = 0;
      post({ kind: 'begin', runId, epochs: session.epochs, widths: [...m.config.layers, data.nClasses],
        settings: Object.fromEntries(Object.entries(session.record.mi).map(([k, v]) => [k, v.settings])) });
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
const core: Promise<Engine> = createEngine(new URL('../../infoplane.wasm', import.meta.url));
core.then(() => { post({ kind: 'ready', estimators: Object.keys(ESTIMATORS) }); },
  (err: unknown) => post({ kind: 'error', message: (err as Error).message }));
