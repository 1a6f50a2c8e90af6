// npm run bench: medians of the hot paths, measured with benchmark.js (run `npm run build` first;
// `npm run bench` does). Prints a table; `--json` prints the same medians as JSON.
import Benchmark from 'benchmark';
import { Engine } from '../dist/engine/engine.js';
import { loadWasmModule } from '../dist/engine/wasm-node.js';
import { Network } from '../dist/model/network.js';
import { ib12 } from '../dist/data/ib12.js';

const json = process.argv.includes('--json');
const module = loadWasmModule();
const data = ib12();
const N_TRAIN = 3277;

async function paperNet(batch) {
  const engine = await Engine.create(module);
  const net = new Network(engine, { nInputs: 12, hidden: [10, 7, 5, 4, 3], nClasses: 2, activation: 'tanh', batch, nRows: data.nRows });
  net.setData(data.X, data.y);
  net.setOrder(Int32Array.from({ length: data.nRows }, (_, i) => i));
  net.init(1, false);
  return { engine, net };
}

const cases = [];
for (const batch of [512, 64, N_TRAIN]) {
  const { net } = await paperNet(batch);
  cases.push({
    name: `train epoch, paper net, batch ${batch === N_TRAIN ? `${N_TRAIN} (full)` : batch}`,
    unit: 'epochs/s', perRun: 1,
    fn: () => net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false),
  });
}
{
  const { engine, net } = await paperNet(512);
  for (let e = 0; e < 300; e++) net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false); // realistic activations
  const ctx = engine.exports.mi_create(data.nRows, 10, 2);
  const out = engine.alloc(8 * 3 * net.nLayers);
  cases.push({
    name: 'MI per logged epoch: forward 4096 rows + binned MI of 6 layers (30 bins)', unit: 'ms', perRun: 1,
    fn: () => { net.evaluate(N_TRAIN); engine.exports.net_mi_binned(net.ptr, ctx, 0, -1, 1, 30, out); },
  });
  cases.push({
    name: '  of which binned MI of 6 layers only', unit: 'ms', perRun: 1,
    fn: () => engine.exports.net_mi_binned(net.ptr, ctx, 0, -1, 1, 30, out),
  });
}

// ---- rival estimators (issue 3): KDE bounds, adaptive vs fixed binning ----
{
  const { engine, net } = await paperNet(512);
  for (let e = 0; e < 300; e++) net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false); // realistic activations
  net.evaluate(N_TRAIN);
  const ex = engine.exports, N = data.nRows, B = net.rowsPad, y = net.labelsPtr(), L = net.nLayers;
  const kde = ex.kde_create(N, 10, 2), kout = engine.alloc(8 * 4);
  cases.push({
    name: 'KDE upper+lower, one layer 4096 x 10 (paper net L1 after 300 epochs, s2 1e-3)', unit: 'ms', perRun: 1,
    fn: () => ex.kde_mi(kde, net.activationPtr(0), 10, N, B, y, 0, 0, 1e-3, kout),
  });
  const dense = engine.alloc(4 * 10 * B), dv = engine.f32(dense, 10 * B);
  for (let i = 0; i < dv.length; i++) dv[i] = ((i * 2654435761) % 1000) / 1000 * 0.02 - 0.01; // every pair within the cut
  cases.push({
    name: 'KDE upper+lower, 4096 x 10, all pairs near (no skipped tiles)', unit: 'ms', perRun: 1,
    fn: () => ex.kde_mi(kde, dense, 10, N, B, y, 0, 0, 1e-3, kout),
  });
  const mi = ex.mi_create(N, 10, 2), out = engine.alloc(8 * 3);
  const ebab = ex.ebab_create(N * 10), edges = engine.alloc(4 * 32);
  cases.push({
    name: 'binned MI of 6 layers, fixed edges linspace(-1, 1, 30)', unit: 'ms', perRun: 1,
    fn: () => { for (let l = 0; l < L; l++) ex.mi_binned(mi, net.activationPtr(l), net.widths[l], N, B, y, 0, -1, 1, 30, out); },
  });
  cases.push({
    name: 'binned MI of 6 layers, adaptive (EBAB 30 bins: sort + edges + binning)', unit: 'ms', perRun: 1,
    fn: () => {
      for (let l = 0; l < L; l++) {
        const n = ex.ebab_edges(ebab, net.activationPtr(l), net.widths[l], N, B, l < L - 1 ? 1 : 0, -1, 30, edges);
        ex.mi_binned(mi, net.activationPtr(l), net.widths[l], N, B, y, 2, edges, 0, n, out);
      }
    },
  });
  cases.push({
    name: '  of which the EBAB edges (sort of 6 layers)', unit: 'ms', perRun: 1,
    fn: () => { for (let l = 0; l < L; l++) ex.ebab_edges(ebab, net.activationPtr(l), net.widths[l], N, B, 1, -1, 30, edges); },
  });
}
// ---- end of rival estimators ----

const results = {};
for (const c of cases) {
  const b = new Benchmark(c.name, c.fn, { minSamples: 30, maxTime: 3 });
  b.run();
  const s = [...b.stats.sample].sort((x, y) => x - y);
  const median = s[Math.floor(s.length / 2)]; // seconds per call
  const value = c.unit === 'ms' ? median * 1e3 : c.perRun / median;
  results[c.name.trim()] = { [c.unit]: Number(value.toPrecision(4)), rme: Number(b.stats.rme.toFixed(1)), samples: s.length };
  if (!json) console.log(`${c.name.padEnd(78)} ${value.toFixed(c.unit === 'ms' ? 3 : 0).padStart(9)} ${c.unit}  (±${b.stats.rme.toFixed(1)}%, ${s.length} samples)`);
}
if (json) console.log(JSON.stringify(results, null, 1));
