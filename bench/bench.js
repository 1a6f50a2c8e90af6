// npm run bench: medians of the hot paths, measured with benchmark.js (run `npm run build` first;
// `npm run bench` does), the same work in the repo's plain TypeScript reference and in the peers a
// user would pick instead (TensorFlow.js wasm, PyTorch, numpy), thread scaling, and whole runs.
// Prints a table; `--json` prints the same medians as JSON (so does `infoplane bench --json`).
// `--study` adds the paper's full study of one setting (50 networks x 10,000 epochs, minutes).
import Benchmark from 'benchmark';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { runNetwork } from '../dist/train/run-network.js';
import { DEFAULTS, PRESETS } from '../dist/config/config.js';
import { TrainingSession } from '../dist/train/session.js';
import { datasetOf } from '../dist/node/datasets.js';
import { refInitLayers, refTrainEpoch, refMiBinned, refSelfConsistencyLoss } from '../dist/reference/index.js';
import { cellsOf, fitBeta, selfConsistency } from '../dist/record/model-info.js';
import { relabel } from '../dist/data/relabel.js';
import { tfjsPeer, torchPeer, torchMnistPeer, numpyPeer } from './peers.js';
import { Engine } from '../dist/engine/engine.js';
import { loadCore, loadWasmModule, nodeRelaxedSimd, useRelaxedSimd } from '../dist/engine/wasm-node.js';
import { coreFile } from '../dist/engine/cores.js';
import { Network } from '../dist/model/network.js';
import { createEngineWithThreads } from '../dist/node/team.js';
import { ib12 } from '../dist/data/ib12.js';

const json = process.argv.includes('--json');
const module = loadWasmModule();
// the relaxed build (fused multiply-add where the host has it; opt-in `--relaxed-simd`), when this
// runtime has relaxed SIMD: its cases are named "..., relaxed SIMD" and compared with the plain ones
const RELAXED = ', relaxed SIMD';
const relaxedModule = nodeRelaxedSimd() ? loadCore(coreFile({ relaxed: true })) : null;
const builds = relaxedModule ? [['', module], [RELAXED, relaxedModule]] : [['', module]];
if (!relaxedModule && !json) console.log('relaxed SIMD is not available in this runtime: the plain core only');
const data = ib12();
const N_TRAIN = 3277;
// engines with helper threads: closed at the end, or their threads keep the process alive
const teams = [];
const team = (engine) => { teams.push(engine); return engine; };

async function paperNet(batch, core = module) {
  const engine = await Engine.create(core);
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
if (relaxedModule) {
  const { net } = await paperNet(512, relaxedModule);
  cases.push({ name: `train epoch, paper net, batch 512${RELAXED}`, unit: 'epochs/s', perRun: 1, fn: () => net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false) });
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

// ---- the wide net (Saxe et al.'s MNIST net) ----
let mnistData = null;
try { mnistData = (await import('../dist/data/mnist.js')).mnist(); } catch (e) { if (!json) console.log(`skipped the MNIST net: ${e.message.split('\n')[0]}`); }
if (mnistData) {
  const mnistNet = (engine) => {
    const net = new Network(engine, { nInputs: 784, hidden: [1024, 20, 20, 20], nClasses: 10, activation: 'tanh', batch: 128, nRows: mnistData.nRows });
    net.setData(mnistData.X, mnistData.y);
    net.setOrder(Int32Array.from({ length: mnistData.nRows }, (_, i) => i));
    net.init(1, true);
    return net;
  };
  const name = `train epoch, 784-1024-20-20-20-10 on ${mnistData.nRows} MNIST rows, batch 128, SGD`;
  for (const [tag, core] of builds) {
    const net = mnistNet(await Engine.create(core));
    cases.push({
      name: `${name}${tag}`, unit: 'samples/s', perRun: mnistData.nRows,
      fn: () => net.trainEpoch(mnistData.nRows, 'sgd', 1e-3, 0.9, true, false), maxTime: 8, minSamples: 5,
    });
  }
  // the same network on two threads (the threads build: the 1024-wide layer split by units; the
  // same bits as one thread, test/threads.test.ts)
  for (const [tag] of builds) {
    useRelaxedSimd(tag !== '');
    const net2 = mnistNet(team(await createEngineWithThreads(2)));
    useRelaxedSimd(false);
    cases.push({
      name: `${name}, 2 threads (one network)${tag}`, unit: 'samples/s', perRun: mnistData.nRows,
      fn: () => net2.trainEpoch(mnistData.nRows, 'sgd', 1e-3, 0.9, true, false), maxTime: 8, minSamples: 5,
    });
  }
  // an epoch of `run --preset mnist` as it runs (MI every epoch): training with gradient statistics
  // on the 8,000 training rows, the forward of all 10,000, the KDE bounds and bins of 5 layers; on
  // one thread and on two (every part but the bins shared, the same bits)
  const config = { ...DEFAULTS, ...PRESETS.mnist, epochs: 1000, miSchedule: /** @type {const} */ ({ kind: 'all' }) }; // every epoch an MI epoch
  const mnistRun = datasetOf(config);
  for (const threads of [1, 2]) {
    const session = new TrainingSession(threads === 1 ? await Engine.create(module) : team(await createEngineWithThreads(2)), config, mnistRun);
    cases.push({
      name: `mnist preset, one MI epoch (train 8000 rows + eval + KDE + bins), ${threads} thread${threads > 1 ? 's' : ''}`, unit: 'samples/s', perRun: session.nTrain,
      fn: () => session.advance(1), maxTime: 10, minSamples: 3,
    });
  }
}
// ---- rival estimators: KDE bounds, adaptive vs fixed binning ----
{
  const { engine, net } = await paperNet(512);
  for (let e = 0; e < 300; e++) net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false); // realistic activations
  net.evaluate(N_TRAIN);
  const ex = engine.exports, N = data.nRows, B = net.rowsPad, y = net.labelsPtr(), L = net.nLayers;
  const kde = ex.kde_create(N, 10, 2, 1), kout = engine.alloc(8 * 4);
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
        ex.mi_binned_explicit(mi, net.activationPtr(l), net.widths[l], N, B, y, edges, n, out);
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
  const b = new Benchmark(c.name, c.fn, { minSamples: c.minSamples ?? 30, maxTime: c.maxTime ?? 3 });
  b.run();
  const s = [...b.stats.sample].sort((x, y) => x - y);
  const median = s[Math.floor(s.length / 2)]; // seconds per call
  const value = c.unit === 'ms' ? median * 1e3 : c.perRun / median;
  results[c.name.trim()] = { [c.unit]: Number(value.toPrecision(4)), rme: Number(b.stats.rme.toFixed(1)), samples: s.length };
  if (!json) console.log(`${c.name.padEnd(78)} ${value.toFixed(c.unit === 'ms' ? 3 : 0).padStart(9)} ${c.unit}  (±${b.stats.rme.toFixed(1)}%, ${s.length} samples)`);
}
const line = (name, value, unit, note = '') => {
  results[name] = { [unit]: Number(Number(value).toPrecision(4)), ...(note ? { note } : {}) };
  if (!json) console.log(`${name.padEnd(78)} ${typeof value === 'number' ? value.toFixed(unit === 'ms' || unit === 's' ? 3 : unit === 'x' ? (value < 10 ? 2 : 1) : 0).padStart(9) : value} ${unit}${note ? `  (${note})` : ''}`);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const infoTrain = results['train epoch, paper net, batch 512']['epochs/s'];
const infoMi = results['MI per logged epoch: forward 4096 rows + binned MI of 6 layers (30 bins)'].ms;
// relaxed SIMD against the plain core, case by case
for (const k of Object.keys(results).filter((k) => k.endsWith(RELAXED))) {
  const plain = results[k.slice(0, -RELAXED.length)], unit = Object.keys(plain)[0];
  line(`  relaxed SIMD / plain: ${k.slice(0, -RELAXED.length).replace(/^train epoch, /, '')}`, results[k][unit] / plain[unit], 'x');
}

// ---- the plain TypeScript reference (src/reference) on the same work ----
{
  const widths = [12, 10, 7, 5, 4, 3, 2];
  const layers = refInitLayers(widths, [1, 1, 1, 1, 1], 1, false);
  const order = Int32Array.from({ length: data.nRows }, (_, i) => i);
  const opt = /** @type {const} */ ({ kind: 'adam', lr: 4e-4 });
  const times = [];
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); refTrainEpoch(layers, data.X, data.y, order, N_TRAIN, 512, opt); times.push(performance.now() - t0); }
  const refTrain = 1000 / median(times);
  line('TS reference: train epoch, paper net, batch 512', refTrain, 'epochs/s');
  line('  infoplane / TS reference, training', infoTrain / refTrain, 'x');
  const { engine, net } = await paperNet(512);
  for (let e = 0; e < 300; e++) net.trainEpoch(N_TRAIN, 'adam', 4e-4, 0.9, true, false);
  net.evaluate(N_TRAIN);
  const acts = net.widths.map((w, l) => engine.f32(net.activationPtr(l), w * net.rowsPad).slice());
  const mt = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    net.widths.forEach((w, l) => refMiBinned(acts[l], w, data.nRows, net.rowsPad, data.y, { mode: 'edges', lo: -1, hi: 1, nbins: 30 }, 2));
    mt.push(performance.now() - t0);
  }
  line('TS reference: binned MI of 6 layers (no forward)', median(mt), 'ms');
  line('  infoplane / TS reference, MI', median(mt) / results['  of which binned MI of 6 layers only'.trim()].ms, 'x');
  // IB self-consistency fit of the 6 layers' bin partitions under the noisy label model (gamma 5):
  // the loss summed over distinct decoders (record/model-info.ts) against the reference's sum over
  // every cell (src/reference/self-consistency.ts; the cost before the aggregation), one pass each
  const p1 = relabel(data, 'noisy', 0, { gamma: 5, theta: 7.65 }).labelProb;
  const parts = net.widths.map((w, l) => cellsOf(acts[l], w, data.nRows, net.rowsPad, { kind: 'edges', bins: 30, lo: -1, hi: 1 }));
  const st = [];
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); for (const c of parts) selfConsistency(c.cells, c.count, p1); st.push(performance.now() - t0); }
  const t0 = performance.now();
  for (const c of parts) fitBeta(refSelfConsistencyLoss(c.cells, c.count, p1));
  const refFit = performance.now() - t0;
  line(`IB self-consistency fit, 6 layers (${parts.map((c) => c.count).join('/')} cells)`, median(st), 'ms');
  line('TS reference: IB self-consistency fit, 6 layers (every cell, 1 pass)', refFit, 'ms');
  line('  infoplane / TS reference, self-consistency', refFit / median(st), 'x');

  // ---- peers ----
  const tf = await tfjsPeer(data, N_TRAIN, 512, 6);
  if (tf.skipped) line('TensorFlow.js wasm: train epoch, paper net, batch 512', 'skipped', '', tf.skipped);
  else { line(`TensorFlow.js ${tf.tfjs} (${tf.backend}): train epoch, paper net, batch 512`, tf.epochsPerSecond, 'epochs/s'); line('  infoplane / TensorFlow.js', infoTrain / tf.epochsPerSecond, 'x'); }
  const pt = torchPeer(data, N_TRAIN, 512, 6);
  if (pt.skipped) line('PyTorch CPU: train epoch, paper net, batch 512', 'skipped', '', pt.skipped);
  else { line(`PyTorch ${pt.torch} CPU, 1 thread: train epoch, paper net, batch 512`, pt.epochsPerSecond, 'epochs/s'); line('  infoplane / PyTorch', infoTrain / pt.epochsPerSecond, 'x'); }
  // Saxe et al.'s MNIST net: PyTorch on its BLAS with 1 and 2 threads against infoplane's rows
  // (infoplane's one-thread case above; a case named "... N threads" is paired with PyTorch's N)
  const mnistCases = Object.keys(results).filter((k) => k.includes('784-1024') && results[k]['samples/s'] && !k.endsWith(RELAXED));
  if (mnistCases.length === 2) line('  MNIST net, one network: 2 threads / 1 thread', results[mnistCases[1]]['samples/s'] / results[mnistCases[0]]['samples/s'], 'x');
  const presetCases = Object.keys(results).filter((k) => k.startsWith('mnist preset, one MI epoch'));
  if (presetCases.length === 2) line('  mnist preset, one MI epoch: 2 threads / 1 thread', results[presetCases[1]]['samples/s'] / results[presetCases[0]]['samples/s'], 'x');
  if (mnistData && mnistCases.length) {
    for (const threads of [1, 2]) {
      const m = torchMnistPeer(mnistData, threads, 8);
      if (m.skipped) { line(`PyTorch CPU: MNIST net, ${threads} thread(s)`, 'skipped', '', m.skipped); continue; }
      line(`PyTorch ${m.torch} CPU on ${m.blas}, ${m.threads} thread(s): MNIST net 784-1024-20-20-20-10, batch 128, SGD`, m.samplesPerSecond, 'samples/s',
        `BLAS loaded: ${m.blasLibs.map((p) => p.split('/').pop()).join(', ') || 'none'}; built for ${m.blasBuild}`);
      for (const k of mnistCases) {
        const t = Number(/(\d+) threads?\b/.exec(k)?.[1] ?? 1);
        if (t === threads) line(`  infoplane / PyTorch, MNIST net, ${threads} thread(s)`, results[k]['samples/s'] / m.samplesPerSecond, 'x');
      }
    }
  }
  const np = numpyPeer(acts, net.widths, data.nRows, net.rowsPad, data.y, 4);
  if (np.skipped) line('numpy: binned MI of 6 layers', 'skipped', '', np.skipped);
  else {
    line(`numpy ${np.numpy}: binned MI of 6 layers (digitize + unique rows)`, np.msPerLoggedEpoch, 'ms');
    line('  numpy / infoplane (MI incl. the forward pass)', np.msPerLoggedEpoch / infoMi, 'x');
  }
}

// ---- whole runs through the CLI and the library ----
{
  const bin = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));
  const wall = (args) => { const t0 = performance.now(); const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' }); if (r.status !== 0) throw new Error(r.stderr); return (performance.now() - t0) / 1000; };
  const out = fileURLToPath(new URL('../runs/bench-scaling', import.meta.url));
  const args = ['run', '--preset', 'paper', '--repeats', '8', '--out', out]; // 8 paper networks, 8000 epochs each
  const t1 = wall([...args, '--threads', '1']), t2 = wall([...args, '--threads', '2']);
  line('run --preset paper --repeats 8 (8000 epochs each), 1 thread', t1, 's');
  line('run --preset paper --repeats 8 (8000 epochs each), 2 threads', t2, 's');
  line('  thread scaling 1 -> 2', t1 / t2, 'x', `${cpus().length} cores`);
  const engine = await Engine.create(module);
  const cfg = { ...DEFAULTS, epochs: 10000, miSchedule: /** @type {const} */ ({ kind: 'every', k: 10 }) };
  const t0 = performance.now();
  runNetwork(engine, cfg, data, 0);
  line('paper net, one network: 10,000 epochs, MI at 1,000 logged epochs', (performance.now() - t0) / 1000, 's');
  if (process.argv.includes('--study')) {
    const ts = wall(['run', '--preset', 'paper', '--epochs', '10000', '--repeats', '50', '--out', out]);
    line('the paper study of one setting: 50 networks x 10,000 epochs (log MI schedule)', ts, 's', `${cpus().length} threads`);
  }
}

if (json) console.log(JSON.stringify(results, null, 1));
for (const e of teams) e.close();
