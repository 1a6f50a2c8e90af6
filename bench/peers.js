// Peers for `npm run bench`, measured in the same run: TensorFlow.js (wasm backend), and, when
// Debian's python3-torch / python3-numpy are installed, PyTorch and numpy. A missing peer is skipped
// with a line saying how to get it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** A float32 / int64 .npy (version 1.0, C order). */
export function npyBytes(data, shape) {
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  const body = data instanceof Float32Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(BigInt64Array.from(data, (v) => BigInt(v)).buffer);
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1'); pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

/** A .npz (zip of .npy files, deflated). */
function npzBytes(entries) {
  const crcTable = new Uint32Array(256).map((_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc32 = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, raw] of entries) {
    const comp = deflateRawSync(raw), nameB = Buffer.from(name), crc = crc32(raw);
    const lh = Buffer.alloc(30); lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(comp.length, 18); lh.writeUInt32LE(raw.length, 22); lh.writeUInt16LE(nameB.length, 26);
    const ch = Buffer.alloc(46); ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(comp.length, 20); ch.writeUInt32LE(raw.length, 24); ch.writeUInt16LE(nameB.length, 28); ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameB, comp); centrals.push(ch, nameB);
    offset += 30 + nameB.length + comp.length;
  }
  const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Debian's python (where python3-torch / python3-numpy install), else the first python3. */
function python(module) {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

export function torchPeer(data, nTrain, batch, seconds) {
  const py = python('torch');
  if (!py) return { skipped: 'PyTorch not found: apt-get install -y python3-torch python3-numpy' };
  const dir = mkdtempSync(join(tmpdir(), 'infoplane-bench-'));
  writeFileSync(join(dir, 'X.npy'), npyBytes(data.X, [data.nRows, data.nInputs]));
  writeFileSync(join(dir, 'y.npy'), npyBytes(data.y, [data.nRows]));
  const out = execFileSync(py, [join(HERE, 'peers', 'torch_train.py'), join(dir, 'X.npy'), join(dir, 'y.npy'), String(nTrain), String(batch), String(seconds)],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Saxe et al.'s MNIST net in PyTorch on the same rows, with `threads` threads (OpenMP and OpenBLAS). */
export function torchMnistPeer(data, threads, seconds) {
  const py = python('torch');
  if (!py) return { skipped: 'PyTorch not found: apt-get install -y python3-torch python3-numpy libopenblas0-pthread' };
  const dir = mkdtempSync(join(tmpdir(), 'infoplane-bench-'));
  writeFileSync(join(dir, 'X.npy'), npyBytes(data.X, [data.nRows, data.nInputs]));
  writeFileSync(join(dir, 'y.npy'), npyBytes(data.y, [data.nRows]));
  const n = String(threads);
  const out = execFileSync(py, [join(HERE, 'peers', 'torch_mnist.py'), join(dir, 'X.npy'), join(dir, 'y.npy'), String(seconds)],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n } });
  rmSync(dir, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').pop());
}

/** layers: Float32Array [width][rows] per layer (the wasm layout); y: labels. */
export function numpyPeer(layers, widths, rows, stride, y, seconds) {
  const py = python('numpy');
  if (!py) return { skipped: 'numpy not found: apt-get install -y python3-numpy' };
  const dir = mkdtempSync(join(tmpdir(), 'infoplane-bench-'));
  const entries = layers.map((a, l) => {
    const w = widths[l], m = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) for (let u = 0; u < w; u++) m[r * w + u] = a[u * stride + r];
    return [`l${l}.npy`, npyBytes(m, [rows, w])];
  });
  writeFileSync(join(dir, 'acts.npz'), npzBytes(entries));
  writeFileSync(join(dir, 'y.npy'), npyBytes(Int32Array.from(y), [rows]));
  const out = execFileSync(py, [join(HERE, 'peers', 'numpy_mi.py'), join(dir, 'acts.npz'), join(dir, 'y.npy'), String(seconds)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/** TensorFlow.js with its wasm backend (SIMD on, threads off under Node). */
export async function tfjsPeer(data, nTrain, batch, seconds) {
  let tf;
  try {
    tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  } catch (e) {
    return { skipped: `TensorFlow.js not available (${e.message.split('\n')[0]}): npm install --save-dev @tensorflow/tfjs @tensorflow/tfjs-backend-wasm` };
  }
  const model = tf.sequential();
  [10, 7, 5, 4, 3].forEach((w, i) => model.add(tf.layers.dense({ units: w, activation: 'tanh', ...(i === 0 ? { inputShape: [data.nInputs] } : {}) })));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(4e-4), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor2d(data.X.subarray(0, nTrain * data.nInputs), [nTrain, data.nInputs]);
  const y = tf.tensor1d(Float32Array.from(data.y.subarray(0, nTrain)));
  await model.fit(x, y, { batchSize: batch, epochs: 3, shuffle: true, verbose: 0 });
  const rates = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < (seconds * 1000) / 5) { await model.fit(x, y, { batchSize: batch, epochs: 5, shuffle: true, verbose: 0 }); n += 5; }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { epochsPerSecond: rates[2], tfjs: tf.version.tfjs, backend: tf.getBackend() };
}

export const peersAvailable = () => existsSync(join(HERE, 'peers'));
