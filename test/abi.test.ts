// The one literal conformance test of docs/ABI.md: every documented function exists with its
// parameter count and every exported function is documented; the header offsets are the
// documented numbers; and the calling sequence, driven from a plain WebAssembly.instantiate with
// those literal numbers (no TS wrapper), reproduces the TypeScript host's runNetwork bit for bit.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadWasm } from './helpers/wasm.js';
import { Engine, type CoreExports } from '../src/engine/engine.js';
import { runNetwork } from '../src/train/run-network.js';
import { loggedEpochs } from '../src/train/schedule.js';
import { ib12 } from '../src/data/ib12.js';
import { DEFAULTS, type ExperimentConfig } from '../src/config/config.js';

// Header offsets as docs/ABI.md lists them (the test below checks that the core agrees).
const NET_ROWS_PAD = 12, NET_X = 48, NET_Y = 52, NET_IDX = 56, NET_LAYER0 = 128, LAYER_SIZE = 32, LAYER_OUT = 4;

type NetExports = CoreExports;

/** The paper's network (tanh, Adam, random split, shuffled batches, 30 edges in [-1, 1]) per docs/ABI.md. */
function plainHost(ex: NetExports, X: Float32Array, y: Int32Array, nIn: number, K: number, hidden: number[],
  seed: number, epochs: number, logged: number[], lr: number, batch: number, nTrain: number) {
  const N = y.length;
  const i32 = (p: number, n: number) => new Int32Array(ex.memory.buffer, p, n);
  const f32 = (p: number, n: number) => new Float32Array(ex.memory.buffer, p, n);
  const f64 = (p: number, n: number) => new Float64Array(ex.memory.buffer, p, n);
  ex.arena_reset();
  const widths = [nIn, ...hidden, K], L = widths.length - 1;
  const wPtr = ex.alloc(4 * widths.length), aPtr = ex.alloc(4 * (L - 1));
  i32(wPtr, widths.length).set(widths);
  i32(aPtr, L - 1).fill(1); // tanh
  const net = ex.net_create(wPtr, aPtr, L, Math.min(batch, N), N);
  const word = (off: number) => new Uint32Array(ex.memory.buffer, net + off, 1)[0];
  const Np = word(NET_ROWS_PAD);
  // X as [unit][row] with stride Np, labels, and the split: identity shuffled by stream 1 of the seed
  const x = f32(word(NET_X), nIn * Np);
  for (let r = 0; r < N; r++) for (let i = 0; i < nIn; i++) x[i * Np + r] = X[r * nIn + i];
  i32(word(NET_Y), N).set(y);
  const rng = ex.alloc(16), idx = word(NET_IDX);
  i32(idx, N).set(Int32Array.from({ length: N }, (_, i) => i));
  ex.rng_seed(rng, seed, 1);
  ex.rng_shuffle(rng, idx, N);
  ex.net_init(net, seed, false);
  let maxW = 0;
  for (let l = 0; l < L; l++) maxW = Math.max(maxW, word(NET_LAYER0 + l * LAYER_SIZE + LAYER_OUT));
  const ctx = ex.mi_create(N, maxW, K);
  const evalOut = ex.alloc(32), miOut = ex.alloc(8 * 3 * L), gOut = ex.alloc(8 * 2 * L);
  const rows: { loss: number[]; ixt: number[]; ity: number[]; gMean: number[]; gStd: number[] }[] = [];
  let k = 0;
  for (let e = 0; e < epochs; e++) {
    const log = logged[k] === e;
    let row: (typeof rows)[number] | undefined;
    if (log) {
      ex.net_eval(net, nTrain, evalOut);
      ex.net_mi_binned(net, ctx, 0, -1, 1, 30, miOut);
      const m = f64(miOut, 3 * L);
      row = { loss: Array.from(f64(evalOut, 4)), ixt: [], ity: [], gMean: [], gStd: [] };
      for (let l = 0; l < L; l++) { row.ixt.push(m[3 * l]); row.ity.push(m[3 * l] - m[3 * l + 1]); }
    }
    const nb = ex.net_train_epoch(net, nTrain, 2, lr, 0.9, true, log);
    if (row) {
      ex.net_grad_stats(net, nb, gOut);
      const g = f64(gOut, 2 * L);
      for (let l = 0; l < L; l++) { row.gMean.push(g[2 * l]); row.gStd.push(g[2 * l + 1]); }
      rows.push(row);
      k++;
    }
  }
  return rows;
}

const DOC = readFileSync(new URL('../docs/ABI.md', import.meta.url), 'utf8');
const MODULE = new WebAssembly.Module(readFileSync(new URL('../build/infoplane.wasm', import.meta.url)));

/** name -> parameter count of every `name(a, b, ...)` in the first cell of the doc's table rows. */
function documentedFunctions(): Map<string, number> {
  const fns = new Map<string, number>();
  for (const line of DOC.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cell = line.split(' | ')[0];
    for (const m of cell.matchAll(/`(\w+)\(([^)]*)\)/g)) fns.set(m[1], m[2].trim() === '' ? 0 : m[2].split(',').length);
  }
  return fns;
}

describe('docs/ABI.md against the module', () => {
  it('documents every exported function with its parameter count, and nothing more', () => {
    const doc = documentedFunctions();
    const instance = new WebAssembly.Instance(MODULE, { env: { abort() {} } });
    const actual = new Map<string, number>();
    for (const [name, v] of Object.entries(instance.exports)) if (typeof v === 'function') actual.set(name, v.length);
    expect(Object.fromEntries([...doc].sort())).toEqual(Object.fromEntries([...actual].sort()));
    expect(doc.get('net_train_epoch')).toBe(7); // the parser really read the tables
  });
  it('lists every layout global with the value the module exports', () => {
    const doc: Record<string, number> = {};
    for (const m of DOC.matchAll(/^\| `((?:NET|LAYER|TEAM)_\w+)` \| (\d+) \|/gm)) doc[m[1]] = Number(m[2]);
    const instance = new WebAssembly.Instance(MODULE, { env: { abort() {} } });
    const actual: Record<string, number> = {};
    for (const [name, v] of Object.entries(instance.exports)) if (v instanceof WebAssembly.Global) actual[name] = Number(v.value);
    expect(doc).toEqual(actual);
    expect({ NET_ROWS_PAD, NET_X, NET_Y, NET_IDX, NET_LAYER0, LAYER_SIZE, LAYER_OUT }).toEqual(
      { NET_ROWS_PAD: doc.NET_ROWS_PAD, NET_X: doc.NET_X, NET_Y: doc.NET_Y, NET_IDX: doc.NET_IDX, NET_LAYER0: doc.NET_LAYER0, LAYER_SIZE: doc.LAYER_SIZE, LAYER_OUT: doc.LAYER_OUT });
  });
});

describe('ABI from a plain host', () => {
  it('net_create .. net_mi_binned reproduces runNetwork bit for bit', async () => {
    const w = await loadWasm();
    const ex = w.instance.exports as unknown as NetExports;
    const data = ib12();
    const config: ExperimentConfig = { ...DEFAULTS, epochs: 150, lr: 1e-3, miSchedule: { kind: 'log', points: 60 } };
    const logged = loggedEpochs(config.miSchedule, config.epochs);
    const nTrain = Math.round(config.trainFraction * data.nRows);
    const seed = 7;
    const plain = plainHost(ex, data.X, data.y, data.nInputs, data.nClasses, config.layers, seed, config.epochs, logged, config.lr, config.batch, nTrain);

    const engine = await Engine.create(new WebAssembly.Module(readFileSync(new URL('../build/infoplane.wasm', import.meta.url))));
    const rec = runNetwork(engine, { ...config, seed }, data, 0);
    expect(plain).toHaveLength(logged.length);
    plain.forEach((row, k) => {
      expect(row.loss, `epoch ${logged[k]}`).toEqual([rec.trainLoss[k], rec.trainAcc[k], rec.testLoss[k], rec.testAcc[k]]);
      expect(row.ixt).toEqual(rec.mi.bin.ixt.map((r) => r[k]));
      expect(row.ity).toEqual(rec.mi.bin.ity.map((r) => r[k]));
      expect(row.gMean).toEqual(rec.gradMean.map((r) => r[k]));
      expect(row.gStd).toEqual(rec.gradStd.map((r) => r[k]));
    });
    // the run really moved: the output layer gained information about Y
    const out = config.layers.length;
    expect(plain[plain.length - 1].ity[out]).toBeGreaterThan(plain[0].ity[out] + 0.05);
  }, 60_000);
});
