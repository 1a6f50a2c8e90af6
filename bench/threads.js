// npm run bench:threads: one network on 1 and on 2 threads, Saxe et al.'s MNIST net
// (784-1024-20-20-20-10, tanh, batch 128, SGD) as `run --preset mnist` trains it. Two cases: a
// training epoch alone (8,000 rows) and a whole MI epoch of the preset (training with gradient
// statistics, the forward of all 10,000 rows, the KDE bounds and bins of 5 layers). The 1- and
// 2-thread runs alternate, so that a change in the machine's load hits both alike; printed are the
// medians, the median of the pairs' ratios, and per thread the CPU time (Linux /proc schedstat),
// whose ratio estimates the speed-up on a quiet machine when other jobs share the cores.
// `--pairs N` (default 11), `--json`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULTS, PRESETS } from '../dist/config/config.js';
import { datasetOf } from '../dist/node/datasets.js';
import { TrainingSession } from '../dist/train/session.js';
import { createEngineWithThreads } from '../dist/node/team.js';

const json = process.argv.includes('--json');
const at = process.argv.indexOf('--pairs');
const pairs = at > 0 ? Number(process.argv[at + 1]) : 11;
const config = { ...DEFAULTS, ...PRESETS.mnist, epochs: 1000, miSchedule: /** @type {const} */ ({ kind: 'all' }) }; // every epoch an MI epoch
const data = datasetOf(config);
const sessions = {
  1: new TrainingSession(await createEngineWithThreads(1), config, data),
  2: new TrainingSession(await createEngineWithThreads(2), config, data),
};
const nTrain = sessions[1].nTrain;

/** CPU milliseconds of each thread of this process (empty where /proc is missing). */
function threadCpu() {
  if (!existsSync('/proc/self/task')) return {};
  const out = {};
  for (const t of readdirSync('/proc/self/task')) {
    try { out[t] = Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6; } catch { /* ended */ }
  }
  return out;
}

const cases = {
  'training epoch (8000 rows)': (s) => trainOnly(s),
  'MI epoch of the mnist preset (train + eval + KDE + bins)': (s) => s.advance(1),
};
/** A training epoch without measuring: the session's network, as advance() trains it. */
function trainOnly(s) {
  // the session's network (private in TypeScript): the bench drives it directly
  s.net.trainEpoch(s.nTrain, config.optimizer, config.lr, config.momentum, true, false);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load0 = loadavg()[0];
const results = {};
for (const [name, fn] of Object.entries(cases)) {
  fn(sessions[1]); fn(sessions[2]); // warm up
  const wall = { 1: [], 2: [] }, busiest = { 1: [], 2: [] };
  for (let p = 0; p < pairs; p++) {
    for (const T of p % 2 ? [2, 1] : [1, 2]) {
      const c0 = threadCpu(), t0 = performance.now();
      fn(sessions[T]);
      wall[T].push(performance.now() - t0);
      const c1 = threadCpu();
      busiest[T].push(Math.max(0, ...Object.keys(c1).map((k) => c1[k] - (c0[k] ?? c1[k]))));
    }
  }
  const ratios = wall[1].map((w, i) => w / wall[2][i]).sort((a, b) => a - b);
  const ratio = median(ratios);
  const quartile = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  const r = {
    samplesPerSecond1: nTrain / median(wall[1]) * 1000, samplesPerSecond2: nTrain / median(wall[2]) * 1000,
    wallRatio: median(wall[1]) / median(wall[2]), pairRatio: ratio, pairRatioQuartiles: [quartile(0.25), quartile(0.75)],
    cpuRatio: busiest[1].length && median(busiest[2]) > 0 ? median(busiest[1]) / median(busiest[2]) : NaN,
  };
  results[name] = r;
  if (!json) {
    console.log(`${name}: 1 thread ${r.samplesPerSecond1.toFixed(0)} samples/s, 2 threads ${r.samplesPerSecond2.toFixed(0)} samples/s`);
    console.log(`  2 threads / 1 thread: ${r.wallRatio.toFixed(2)}x (medians of ${pairs} alternating runs each; median pair ratio ${r.pairRatio.toFixed(2)}x, quartiles ${r.pairRatioQuartiles.map((x) => x.toFixed(2)).join('-')}x)`);
    console.log(`  busiest thread's CPU time, 1 thread / 2 threads: ${r.cpuRatio.toFixed(2)}x (the quiet-machine estimate)`);
  }
}
const load1 = loadavg()[0];
for (const T of [1, 2]) sessions[T].engine.close();
if (json) console.log(JSON.stringify({ loadAverage: [load0, load1], pairs, results }, null, 2));
else console.log(`load average (1 min) before and after: ${load0.toFixed(2)}, ${load1.toFixed(2)} on this machine's cores; above ~0.5 the wall ratios understate the speed-up`);
