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
