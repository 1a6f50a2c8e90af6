// node bench/quantized.js: what quantization costs (run `npm run build` first). A/B interleaved:
// a float and a quantized paper net train in alternation, ROUNDS times, and the medians of their
// epoch times are compared; then the exact MI of a quantized net's 6 layers against the binned MI
// (30 edges) of the float net, measured the same way. `--json` prints the medians as JSON.
import Benchmark from 'benchmark';
import { Engine } from '../dist/engine/engine.js';
import { loadWasmModule } from '../dist/engine/wasm-node.js';
import { Network } from '../dist/model/network.js';
import { ib12 } from '../dist/data/ib12.js';
import { ESTIMATORS } from '../dist/estimators/index.js';
import { DEFAULTS } from '../dist/config/config.js';

const json = process.argv.includes('--json');
const module = loadWasmModule();
const data = ib12();
const N_TRAIN = 3277, ROUNDS = 5;

async function net(activation, batch, bits) {
  const engine = await Engine.create(module);
  const n = new Network(engine, { nInputs: 12, hidden: [10, 7, 5, 4, 3], nClasses: 2, activation, batch, nRows: data.nRows });
  n.setData(data.X, data.y);
  n.setOrder(Int32Array.from({ length: data.nRows }, (_, i) => i));
  if (bits) n.quantize(bits);
  n.init(1, false);
  for (let e = 0; e < 300; e++) n.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false); // realistic activations
  return { engine, net: n };
}

/** Median seconds per call of fn over one benchmark.js run. */
function median(name, fn) {
  const b = new Benchmark(name, fn, { minSamples: 20, maxTime: 1 });
  b.run();
  const s = [...b.stats.sample].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}
const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
const line = (name, value, unit) => {
  results[name] = { [unit]: Number(value.toPrecision(4)) };
  if (!json) console.log(`${name.padEnd(84)} ${value.toFixed(unit === 'x' ? 3 : 4).padStart(9)} ${unit}`);
};

for (const [activation, batch] of [['tanh', 512], ['tanh', 256], ['relu', 256]]) {
  const f = await net(activation, batch, 0), q8 = await net(activation, batch, 8);
  const tf = [], tq = [];
  for (let r = 0; r < ROUNDS; r++) {
    tf.push(median('float', () => f.net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false)));
    tq.push(median('8-bit', () => q8.net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false)));
  }
  line(`train epoch, paper net ${activation}, batch ${batch}: float`, mid(tf) * 1e3, 'ms');
  line(`train epoch, paper net ${activation}, batch ${batch}: 8-bit quantized`, mid(tq) * 1e3, 'ms');
  line(`  quantized / float (median of ${ROUNDS} interleaved rounds)`, mid(tq) / mid(tf), 'x');
}

{
  const f = await net('tanh', 512, 0), q8 = await net('tanh', 512, 8);
  f.net.evaluate(N_TRAIN); q8.net.evaluate(N_TRAIN);
  const layers = (n, engine) => ({
    engine, act: n.widths.map((_, l) => n.activationPtr(l)), width: n.widths, activation: n.widths.map(() => 'tanh'),
    n: data.nRows, stride: n.rowsPad, labels: n.labelsPtr(), nClasses: 2,
  });
  const sizes = { maxRows: data.nRows, maxWidth: 10, nClasses: 2 };
  const bin = ESTIMATORS.bin(DEFAULTS, f.engine, sizes), exact = ESTIMATORS.exact({ ...DEFAULTS, quantize: 8 }, q8.engine, sizes);
  const inF = layers(f.net, f.engine), inQ = { ...layers(q8.net, q8.engine), quantized: { bits: 8, ranges: q8.net.quantRanges() } };
  const tb = [], te = [];
  for (let r = 0; r < ROUNDS; r++) {
    tb.push(median('bin', () => bin.measure(inF)));
    te.push(median('exact', () => exact.measure(inQ)));
  }
  line('MI of 6 layers: binned (30 edges on [-1, 1]) of the float net', mid(tb) * 1e3, 'ms');
  line('MI of 6 layers: exact of the 8-bit net', mid(te) * 1e3, 'ms');
  line('  exact / binned', mid(te) / mid(tb), 'x');
}
if (json) console.log(JSON.stringify(results, null, 1));
