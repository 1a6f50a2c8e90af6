// npm run bench:plane: `infoplane plane` on the 108-matrix case (a 20-32-16-8-2 net's 4 layers at
// 27 logged epochs, 4,000 rows; bench/plane-dump.js makes it), binning and both KDE bounds, on 1 and
// 2 threads: the whole command (process start, 108 files read, report written) and the measuring
// alone (measureAll, in this process). benchmark.js medians; `--json` prints them as JSON.
import Benchmark from 'benchmark';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { makePlaneDump } from './plane-dump.js';
import { catalogFromDump } from '../dist/data/activation-catalog.js';
import { MatrixReader } from '../dist/data/activation-source.js';
import { measureAll, planUnits, probeShapes } from '../dist/node/plane-run.js';
import { measureSetup, planeSettings } from '../dist/external/plane.js';

const json = process.argv.includes('--json');
const dir = makePlaneDump(fileURLToPath(new URL('../runs/bench-plane-dump', import.meta.url)));
const out = fileURLToPath(new URL('../runs/bench-plane', import.meta.url));
const bin = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));

const catalog = catalogFromDump(dir);
const reader = await MatrixReader.create(false);
const { rows, widths } = probeShapes(catalog, reader);
const labels = Int32Array.from(reader.readMatrix(catalog.labels).data);
reader.close();
const shape = { name: 'bench', layers: catalog.layers, activations: catalog.layers.map(() => 'tanh'), epochs: catalog.epochs, rows, widths };
const units = planUnits(catalog.layers.length, catalog.epochs.length, false);

/** @type {{ name: string, defer?: boolean, fn: (d?: { resolve: (v?: unknown) => void }) => void }[]} */
const cases = [];
for (const [what, estimators] of [['binning (30 edges)', 'bin'], ['KDE upper + lower', 'kde-upper,kde-lower']]) {
  for (const threads of [1, 2]) {
    const setup = measureSetup(shape, labels, planeSettings({ estimators: estimators.split(',') }));
    cases.push({
      name: `plane --dump (108 matrices), ${what}, ${threads} thread${threads > 1 ? 's' : ''}: whole command`,
      fn: () => {
        const r = spawnSync(process.execPath, [bin, 'plane', '--dump', dir, '--out', out, '--estimators', estimators, '--threads', String(threads)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
      },
    });
    cases.push({
      name: `  measuring only (measureAll in-process), ${what}, ${threads} thread${threads > 1 ? 's' : ''}`,
      defer: true,
      fn: (d) => { measureAll(catalog.locs, setup, units, threads).then(() => d.resolve(), (e) => { throw e; }); },
    });
  }
}

const results = {};
for (const c of cases) {
  const b = new Benchmark(c.name, c.defer ? { defer: true, fn: c.fn } : { fn: c.fn });
  b.options.minSamples = 5;
  b.options.maxTime = 10;
  await new Promise((resolve, reject) => { b.on('complete', resolve); b.on('error', (e) => reject(e.target.error)); b.run({ async: true }); });
  const s = [...b.stats.sample].sort((x, y) => x - y);
  const median = s[Math.floor(s.length / 2)];
  results[c.name.trim()] = { s: Number(median.toPrecision(4)), rme: Number(b.stats.rme.toFixed(1)), samples: s.length };
  if (!json) console.log(`${c.name.padEnd(92)} ${median.toFixed(3).padStart(7)} s  (±${b.stats.rme.toFixed(1)}%, ${s.length} samples)`);
}
// CPU time of the measuring (all threads of this process): what the wall times above would be on an
// otherwise idle machine with one thread, and the sum over both threads with two
for (const c of cases.filter((x) => x.defer)) {
  const cpu = [];
  for (let i = 0; i < 5; i++) {
    const u = process.cpuUsage();
    await new Promise((resolve) => c.fn({ resolve }));
    const d = process.cpuUsage(u);
    cpu.push((d.user + d.system) / 1e6);
  }
  cpu.sort((a, b) => a - b);
  const name = `${c.name.trim().replace('measuring only', 'CPU time of the measuring')}`;
  results[name] = { s: Number(cpu[2].toPrecision(4)), samples: 5 };
  if (!json) console.log(`  ${name.padEnd(90)} ${cpu[2].toFixed(3).padStart(7)} s  (median of 5)`);
}
if (json) console.log(JSON.stringify({ cores: cpus().length, node: process.version, results }, null, 1));
