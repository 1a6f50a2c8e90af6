// The 108-matrix case of `npm run bench -- --plane` (bench/plane.js): a 20-32-16-8-2 tanh MLP's
// activations of 4,000 rows at 27 log-spaced epochs, as a dump folder (data/dump.ts layout). The
// weights drift with the epoch so the matrices differ; the numbers only need realistic shapes and
// spreads. Deterministic: the same folder every time.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '../dist/data/npy-write.js';

export const PLANE_CASE = { rows: 4000, inputs: 20, widths: [32, 16, 8, 2], epochs: 27 };

export function makePlaneDump(dir) {
  if (existsSync(join(dir, 'dump.json'))) return dir;
  const { rows, inputs, widths, epochs: K } = PLANE_CASE;
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const X = new Float32Array(rows * inputs).map(() => rnd());
  const y = new Int32Array(rows).map((_, r) => (X[r * inputs] + X[r * inputs + 1] > 0 ? 1 : 0));
  const dims = [inputs, ...widths];
  const W0 = widths.map((w, l) => new Float32Array(dims[l] * w).map(() => rnd() / Math.sqrt(dims[l])));
  const dW = widths.map((w, l) => new Float32Array(dims[l] * w).map(() => rnd() / Math.sqrt(dims[l])));
  const epochs = [...new Set(Array.from({ length: K }, (_, k) => Math.floor(Math.pow(2, (k * Math.log2(3000)) / (K - 1))) - 1))];
  while (epochs.length < K) epochs.push(epochs[epochs.length - 1] + 1);
  mkdirSync(join(dir, 'activations'), { recursive: true });
  const names = widths.map((_, l) => (l === widths.length - 1 ? 'output' : `L${l + 1}`));
  epochs.forEach((epoch, k) => {
    let a = X, nIn = inputs;
    const g = 1 + 3 * (k / (K - 1)); // weights grow over training
    widths.forEach((w, l) => {
      const out = new Float32Array(rows * w);
      for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) {
        let z = 0;
        for (let i = 0; i < nIn; i++) z += a[r * nIn + i] * (W0[l][i * w + j] + g * dW[l][i * w + j]);
        out[r * w + j] = Math.tanh(z);
      }
      writeFileSync(join(dir, 'activations', `e${epoch}_${names[l]}.npy`), encodeNpy('<f4', [rows, w], out));
      a = out; nIn = w;
    });
  });
  writeFileSync(join(dir, 'labels.npy'), encodeNpy('<i4', [rows], y));
  writeFileSync(join(dir, 'dump.json'), JSON.stringify({ format: 'infoplane-dump/1', layers: names, epochs,
    activations: 'activations/e{epoch}_{layer}.npy', labels: 'labels.npy', source: 'bench/plane-dump.js: synthetic 20-32-16-8-2 tanh MLP' }));
  return dir;
}
