// An .npy array arriving in byte chunks (a file read piece by piece, a stored or inflating .npz
// member) written straight into the kernels' layout, f32 [col][stride], without holding the file.
// A 3-D array [slabs][rows][cols] (the stacked form: one array per layer over the epochs) gives one
// slab. Pure: no Node imports.
import { InputError } from './errors.js';
import { parseNpyHeader, type NpyHeader } from './parse.js';

/** Bytes an .npy header can take (versions 1-3: 12 + a 4-byte length; real headers are < 64 KB). */
export const NPY_HEADER_MAX = 12 + 65536;

export class NpySink {
  header?: NpyHeader;
  private head = new Uint8Array(0);
  private carry: Uint8Array | undefined;
  private carried = 0;
  /** Index of the next element of the whole array (C or Fortran order). */
  private index = 0;
  private first = 0;
  private end = 0;
  /** Aligned bytes for the f32 fast path; shared by the sinks of one reader (see MatrixReader). */
  scratch = new Uint8Array(0);

  /** dst/stride receive slab `slab` (0 for a 2-D array); with dst undefined only the header is read. */
  constructor(readonly file: string, private readonly fileLength: number, private readonly dst?: Float32Array,
    private readonly stride = 0, private readonly slab = 0) {}

  /** Sum of the values written (NaN or infinite if any value is): a finiteness check for free. */
  sum = 0;

  /** Whether all the wanted data (or, without dst, the header) has arrived. */
  get done(): boolean { return this.header !== undefined && (this.dst === undefined || this.index >= this.end); }

  push(chunk: Uint8Array): void {
    if (this.done) return;
    if (!this.header) {
      const all = new Uint8Array(this.head.length + chunk.length);
      all.set(this.head);
      all.set(chunk, this.head.length);
      const need = all.length >= 10 ? (all[6] === 1 ? 10 + (all[8] | (all[9] << 8)) : all.length >= 12 ? 12 + new DataView(all.buffer).getUint32(8, true) : Infinity) : Infinity;
      if (all.length < need && all.length < this.fileLength) { this.head = all; return; }
      this.header = parseNpyHeader(all.subarray(0, Math.min(all.length, NPY_HEADER_MAX)), this.fileLength, this.file, 3);
      const h = this.header;
      const per = this.slabSize();
      const slabs = h.shape.length === 3 ? h.shape[0] : 1;
      if (this.slab >= slabs) throw new InputError(this.file, 'header', `shape (${h.shapeText}) has no slab ${this.slab}`);
      if (h.shape.length === 3 && h.fortran) throw new InputError(this.file, 'header', '3-D arrays in Fortran order are not supported');
      this.first = this.slab * per;
      this.end = this.first + per;
      this.head = new Uint8Array(0);
      if (!this.dst) return;
      chunk = all.subarray(h.dataStart);
    }
    this.consume(chunk);
  }

  /** Rows and columns of one matrix (of one slab for a 3-D array). */
  shape(): { rows: number; cols: number; slabs: number } {
    const s = this.header!.shape;
    if (s.length === 3) return { slabs: s[0], rows: s[1], cols: s[2] };
    return { slabs: 1, rows: s[0], cols: s.length === 2 ? s[1] : 1 };
  }

  private slabSize(): number {
    const { rows, cols } = this.shape();
    return rows * cols;
  }

  /** Byte offset of the wanted data within the file: a reader may seek there and start pushing. */
  dataOffset(): number { return this.header!.dataStart + this.first * this.header!.itemSize; }

  /** Tells the sink that the bytes pushed next start at the wanted data (after a seek). */
  seekedToData(): void { this.index = this.first; }

  private consume(chunk: Uint8Array): void {
    const size = this.header!.itemSize;
    let pos = 0;
    while (pos < chunk.length && this.index < this.end) {
      if (this.carried > 0 || chunk.length - pos < size) { // an element split across chunks
        if (!this.carry) this.carry = new Uint8Array(size);
        const take = Math.min(size - this.carried, chunk.length - pos);
        this.carry.set(chunk.subarray(pos, pos + take), this.carried);
        this.carried += take;
        pos += take;
        if (this.carried < size) return;
        if (this.index >= this.first) this.put(this.carry, 0, 1);
        else this.index++;
        this.carried = 0;
        continue;
      }
      const avail = Math.floor((chunk.length - pos) / size);
      if (this.index < this.first) { // before the wanted slab
        const skip = Math.min(this.first - this.index, avail);
        pos += skip * size;
        this.index += skip;
        continue;
      }
      const count = Math.min(avail, this.end - this.index);
      this.put(chunk, pos, count);
      pos += count * size;
    }
  }

  /** Writes `count` whole elements starting at bytes[pos] (element index this.index onward). */
  private put(bytes: Uint8Array, pos: number, count: number): void {
    const h = this.header!, size = h.itemSize, dst = this.dst!, stride = this.stride;
    const { rows, cols } = this.shape();
    const start = this.index - this.first;
    const place = (e: number) => (h.fortran ? Math.floor(e / rows) * stride + (e % rows) : (e % cols) * stride + Math.floor(e / cols));
    if (h.descr.endsWith('f4') && h.descr[0] !== '>') {
      // aligned copy, then a Float32Array view (f32 values pass through unchanged)
      if (this.scratch.length < count * 4) this.scratch = new Uint8Array(count * 4);
      this.scratch.set(bytes.subarray(pos, pos + count * 4));
      const f = new Float32Array(this.scratch.buffer, 0, count);
      if (!h.fortran) {
        let r = Math.floor(start / cols), c = start % cols, sum = 0;
        for (let i = 0; i < count; i++) {
          sum += dst[c * stride + r] = f[i];
          if (++c === cols) { c = 0; r++; }
        }
        this.sum += sum;
      } else {
        for (let i = 0; i < count; i++) this.sum += dst[place(start + i)] = f[i];
      }
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset + pos, count * size);
      for (let i = 0; i < count; i++) this.sum += dst[place(start + i)] = h.read(view, i * size);
    }
    this.index += count;
  }
}
