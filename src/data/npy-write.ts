// Writing NumPy .npy files (format 1.0, little-endian, C order): the activation dumps of
// `run --dump-activations` and test fixtures. Pure: no Node imports.

export type NpyDescr = '<f4' | '<f8' | '<i4';

/** The header of an .npy file holding `shape` items of `descr`, padded so the data starts at a multiple of 64. */
export function npyHeader(descr: NpyDescr, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let text = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + text.length + 1) % 64);
  text += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** A whole .npy file: header and the little-endian bytes of `data` (a typed array of descr's type). */
export function encodeNpy(descr: NpyDescr, shape: readonly number[], data: Float32Array | Float64Array | Int32Array): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new RangeError(`${data.length} values for shape (${shape.join(', ')})`);
  const head = npyHeader(descr, shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}
