// `infoplane plane` below the CLI: check every matrix's shape, then measure them on worker threads.
// A unit of work is one logged epoch (all layers), or one layer (all epochs, in order) when the
// running-max bin range needs the layer's history; units go to whichever worker is free and each
// (layer, epoch) result depends only on its matrix and the run's settings, so the output is the
// same for any thread count. Each worker reads one matrix at a time.
import { Worker } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import { loadWasmModule } from '../engine/wasm-node.js';
import { InputError } from '../data/errors.js';
import { MatrixReader, containerOf, where, type MatrixLoc } from '../data/activation-source.js';
import type { Catalog } from '../data/activation-catalog.js';
import { PlaneMeasurer, type MatrixResult, type MeasureSetup } from '../external/measure.js';

export type Unit = { l: number; k: number }[];

export type PlaneWorkerRequest =
  | { kind: 'setup'; module: WebAssembly.Module; locs: MatrixLoc[][]; setup: MeasureSetup; hdf5: boolean }
  | { kind: 'unit'; i: number; unit: Unit };
export type PlaneWorkerReply =
  | { kind: 'ready'; settings: string[] }
  | { kind: 'done'; i: number; results: MatrixResult[] }
  | { kind: 'error'; message: string; input?: { file: string; where: string; problem: string } };

export const usesHdf5 = (locs: MatrixLoc[][]) => locs.some((row) => row.some((loc) => containerOf(loc.file) === 'h5'));

/** Rows and width of every layer; every matrix is checked (same rows everywhere, one width per layer). */
export function probeShapes(catalog: Catalog, reader: MatrixReader): { rows: number; widths: number[] } {
  let rows = -1;
  const widths: number[] = [];
  catalog.locs.forEach((row, l) => row.forEach((loc, k) => {
    if (k > 0 && loc.slab !== undefined) return; // a stacked array was checked as a whole
    const s = reader.shape(loc);
    if (rows < 0) rows = s.rows;
    if (s.rows !== rows) throw new InputError(where(loc), '', `${s.rows} rows, but ${where(catalog.locs[0][0])} has ${rows} (every matrix holds the same samples)`);
    if (k === 0) widths[l] = s.cols;
    else if (s.cols !== widths[l]) throw new InputError(where(loc), '', `${s.cols} units, but layer ${catalog.layers[l]} has ${widths[l]} at epoch ${catalog.epochs[0]}`);
  }));
  return { rows, widths };
}

/** The units of work in a fixed order. */
export function planUnits(L: number, K: number, byLayer: boolean): Unit[] {
  if (byLayer) return Array.from({ length: L }, (_, l) => Array.from({ length: K }, (_, k) => ({ l, k })));
  return Array.from({ length: K }, (_, k) => Array.from({ length: L }, (_, l) => ({ l, k })));
}

/** Measures one unit on this thread; InputErrors name the file. */
export function measureUnit(m: PlaneMeasurer, reader: MatrixReader, locs: MatrixLoc[][], unit: Unit): MatrixResult[] {
  return unit.map(({ l, k }) => {
    const loc = locs[l][k];
    try {
      return m.measure(l, k, (dst, stride) => reader.fill(loc, dst, stride));
    } catch (e) {
      if (e instanceof RangeError) throw new InputError(where(loc), '', e.message);
      throw e;
    }
  });
}

/** Every matrix measured, on `threads` threads; onProgress reports matrices done. When `signal`
 *  aborts, the units in flight finish and the results so far come back with `interrupted`. */
export async function measureAll(locs: MatrixLoc[][], setup: MeasureSetup, units: Unit[], threads: number,
  onProgress?: (matrices: number) => void, signal?: AbortSignal): Promise<{ results: MatrixResult[]; settings: string[]; interrupted: boolean }> {
  const module = loadWasmModule();
  const hdf5 = usesHdf5(locs);
  const results: MatrixResult[][] = new Array(units.length);
  let done = 0;
  if (threads <= 1 || units.length <= 1) {
    const reader = await MatrixReader.create(hdf5);
    try {
      const m = new PlaneMeasurer(await Engine.create(module), setup);
      for (let i = 0; i < units.length && !signal?.aborted; i++) {
        results[i] = measureUnit(m, reader, locs, units[i]);
        onProgress?.((done += units[i].length));
        await new Promise((res) => setImmediate(res)); // let signals and progress output through
      }
      return { results: results.flat(), settings: m.settingsText(), interrupted: signal?.aborted ?? false };
    } finally {
      reader.close();
    }
  }
  let next = 0, settings: string[] = [];
  const workers: Worker[] = [];
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const w = new Worker(new URL('./plane-worker.js', import.meta.url));
    workers.push(w);
    const feed = () => {
      if (signal?.aborted || next >= units.length) { resolve(); return; }
      const i = next++;
      w.postMessage({ kind: 'unit', i, unit: units[i] } satisfies PlaneWorkerRequest);
    };
    w.on('message', (r: PlaneWorkerReply) => {
      if (r.kind === 'ready') { settings = r.settings; feed(); }
      else if (r.kind === 'done') { results[r.i] = r.results; onProgress?.((done += r.results.length)); feed(); }
      else reject(r.input ? new InputError(r.input.file, r.input.where, r.input.problem) : new Error(r.message));
    });
    w.on('error', reject);
    w.postMessage({ kind: 'setup', module, locs, setup, hdf5 } satisfies PlaneWorkerRequest);
  });
  try {
    await Promise.all(Array.from({ length: Math.min(threads, units.length) }, one));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results: results.flat(), settings, interrupted: signal?.aborted ?? false };
}
