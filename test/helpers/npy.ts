// A minimal .npy (format 1.0) writer for tests that hand matrices to NumPy.
import { writeFileSync } from 'node:fs';

export function writeNpy(file: string, data: Float32Array | Int32Array, shape: number[]): void {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
  writeFileSync(file, Buffer.concat([head, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]));
}
