// Results and datasets the browser tests open: a short multi-network run with a crafted ci95 of
// the contract's shape (mean +- 1.96 sd / sqrt(n) over the networks: only the shape matters here),
// and a small CSV dataset.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));

/** `infoplane serve --port 0` (the web app from dist/web/): its URL, and stop(). */
export async function serveApp(): Promise<{ url: string; stop: () => void }> {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '', err = '';
    server.stdout!.on('data', (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
    server.stderr!.on('data', (d) => { err += d; });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { url, stop: () => { server.kill('SIGTERM'); } };
}

/** Page or worker JavaScript (with `Network` in scope): a 37-300-20-3 tanh network's data (301
 *  rows, a partial last batch) and `train(engine)`, 3 epochs returning every loss, accuracy and
 *  parameter. */
export const SMALL_NET_JS = `
const N = 301, nIn = 37;
let s = 7;
const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2 ** 32; };
const X = Float32Array.from({ length: N * nIn }, () => rnd() * 2 - 1);
const y = Int32Array.from({ length: N }, () => Math.floor(rnd() * 3));
function train(engine) {
  const net = new Network(engine, { nInputs: nIn, hidden: [300, 20], nClasses: 3, activation: 'tanh', batch: 128, nRows: N });
  net.setData(X, y);
  net.setOrder(Int32Array.from({ length: N }, (_, i) => i));
  net.init(3, false);
  const out = [];
  for (let e = 0; e < 3; e++) { net.trainEpoch(240, 'adam', 1e-3, 0.9, true, false); out.push(...net.evaluate(240)); }
  for (let l = 0; l < 3; l++) { const p = net.params(l); out.push(...p.W, ...p.b); }
  return out;
}
`;

type Grid = number[][];
interface Result { runs: Record<string, unknown>[]; mi: Record<string, { ixt: Grid; ity: Grid }>; [k: string]: unknown }

/** [lo, hi] of the mean over the values get(run) of every network. */
function ci(runs: Record<string, unknown>[], get: (r: Record<string, unknown>) => number): [number, number] {
  const v = runs.map(get).filter(Number.isFinite), n = v.length, m = v.reduce((a, b) => a + b, 0) / n;
  const h = 1.96 * Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, n - 1)) / Math.sqrt(n);
  return [m - h, m + h];
}

/** `infoplane run` with `repeats` networks into dir, then a ci95 added; returns the JSON's path. */
export function runWithCi(dir: string, repeats: number, epochs = 300): string {
  const r = spawnSync(process.execPath, [BIN, 'run', '--epochs', String(epochs), '--lr', '0.002', '--repeats', String(repeats),
    '--threads', '1', '--out', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const file = join(dir, 'infoplane.json');
  const R = JSON.parse(readFileSync(file, 'utf8')) as Result;
  const s1 = (key: string) => (R[key] as number[]).map((_, k) => ci(R.runs, (x) => (x[key] as number[])[k]));
  const s2 = (rows: Grid, get: (x: Record<string, unknown>) => Grid) => rows.map((row, l) => row.map((_, k) => ci(R.runs, (x) => get(x)[l][k])));
  R.ci95 = {
    trainLoss: s1('trainLoss'), trainAcc: s1('trainAcc'), testLoss: s1('testLoss'), testAcc: s1('testAcc'),
    gradMean: s2(R.gradMean as Grid, (x) => x.gradMean as Grid), gradStd: s2(R.gradStd as Grid, (x) => x.gradStd as Grid),
    mi: Object.fromEntries(Object.keys(R.mi).map((e) => [e, {
      ixt: s2(R.mi[e].ixt, (x) => (x.mi as Result['mi'])[e].ixt), ity: s2(R.mi[e].ity, (x) => (x.mi as Result['mi'])[e].ity) }])),
  };
  writeFileSync(file, JSON.stringify(R));
  return file;
}

/** Two classes split by the sign of x0 + x1 - x2, 400 rows of 3 inputs on a grid, with a header. */
export function csvDataset(file: string): void {
  const lines = ['a,b,c,label'];
  for (let i = 0; i < 400; i++) {
    const x = [(i % 7) / 3 - 1, ((i * 3) % 11) / 5 - 1, ((i * 5) % 13) / 6 - 1];
    lines.push(`${x.join(',')},${x[0] + x[1] - x[2] > 0 ? 1 : 0}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
