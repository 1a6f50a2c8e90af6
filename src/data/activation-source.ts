// Node-only: the activations of a run trained elsewhere, found on disk and read one matrix at a
// time straight into the kernels' layout. Three ways in:
//   a dump folder (data/dump.ts),
//   a path pattern with {epoch} and {layer} over .npy / .csv files (dumps/e{epoch}_l{layer}.npy),
//   a container and a key pattern: run.npz:layer{layer}_epoch{epoch}, run.h5:/epochs/{epoch}/{layer};
// and the stacked form, a pattern with {layer} only: one array [epochs][rows][units] per layer plus
// an `epochs` array. .npy files and stored .npz members are streamed in pieces, deflated members
// through fflate's streaming inflate, HDF5 datasets by row slabs (h5wasm): memory holds one chunk
// besides the destination matrix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inflate } from 'fflate';
import { InputError, unreadable } from './errors.js';
import { parseMatrix, type Matrix } from './parse.js';
import { NpySink, NPY_HEADER_MAX } from './npy-stream.js';
import { parseZipDirectory, zipDataOffset, zipDirectoryRange, ZIP_TAIL, type ZipEntry } from './zip.js';

/** Where one matrix is: a file, or a member (npz) / dataset (h5) of one; `slab` for the stacked form. */
export interface MatrixLoc { file: string; key?: string; slab?: number }

const CHUNK = 1 << 22; // bytes read at a time
const H5_CHUNK_VALUES = 1 << 20; // values per HDF5 row slab
export type Container = 'npz' | 'h5' | 'npy' | 'csv';

export function containerOf(file: string): Container {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npz') return 'npz';
  if (ext === '.h5' || ext === '.hdf5' || ext === '.he5') return 'h5';
  if (ext === '.npy') return 'npy';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  throw new InputError(file, '', `unknown file type "${ext}" (expected .npy, .csv, .tsv, .txt, .npz or .h5)`);
}

/** `file.npz:key` or `file.h5:/path` split at the colon after the container's extension. */
export function splitContainerSpec(spec: string): { file: string; key?: string } {
  const m = /^(.*?\.(?:npz|h5|hdf5|he5)):(.*)$/i.exec(spec);
  return m ? { file: m[1], key: m[2] } : { file: spec };
}

interface H5File { keys(): string[]; get(p: string): H5Node | null; close(): void }
interface H5Node { type: string; shape?: number[] | null; dtype?: unknown; value?: unknown; keys?(): string[]; slice?(ranges: number[][]): unknown }
interface H5Module { ready: Promise<unknown>; File: new (file: string, mode: string) => H5File }

/** Reads matrices; keeps archives' directories and HDF5 files open until close(). */
export class MatrixReader {
  private zips = new Map<string, { entries: Map<string, ZipEntry>; length: number }>();
  /** The read buffer, allocated once per reader (a fresh 4 MB buffer per matrix cost more than small reads). */
  private buffer?: Uint8Array;
  private scratch = new Uint8Array(0);
  private h5files = new Map<string, H5File>();

  private constructor(private readonly h5?: H5Module) {}

  /** With `hdf5`, loads h5wasm (a wasm module of its own) first. */
  static async create(hdf5: boolean): Promise<MatrixReader> {
    if (!hdf5) return new MatrixReader();
    const mod = (await import('h5wasm/node')).default as unknown as H5Module;
    await mod.ready;
    return new MatrixReader(mod);
  }

  close(): void {
    for (const f of this.h5files.values()) f.close();
    this.h5files.clear();
  }

  /** Member names of an .npz (without `.npy`) or dataset paths of an .h5 (with a leading /). */
  keys(file: string): string[] {
    const kind = containerOf(file);
    if (kind === 'npz') return [...this.zip(file).entries.keys()].map((k) => k.replace(/\.npy$/, ''));
    if (kind === 'h5') {
      const out: string[] = [];
      const walk = (prefix: string, node: H5Node) => {
        for (const k of node.keys!()) {
          const p = `${prefix}/${k}`, child = this.h5file(file).get(p);
          if (child?.type === 'Group') walk(p, child);
          else if (child?.type === 'Dataset') out.push(p);
        }
      };
      walk('', this.h5file(file) as unknown as H5Node);
      return out;
    }
    throw new InputError(file, '', 'not a container (.npz or .h5): a key after ":" needs one');
  }

  /** Rows and columns (of one slab for a 3-D array), and the number of slabs. */
  shape(loc: MatrixLoc): { rows: number; cols: number; slabs: number } {
    const kind = containerOf(loc.file);
    if (kind === 'h5') {
      const s = this.h5dataset(loc).shape ?? [];
      if (s.length < 1 || s.length > 3) throw new InputError(where(loc), '', `shape (${s.join(', ')}) is not 1-D, 2-D or 3-D`);
      return s.length === 3 ? { slabs: s[0], rows: s[1], cols: s[2] } : { slabs: 1, rows: s[0], cols: s[1] ?? 1 };
    }
    if (kind === 'csv') { const m = this.readMatrix(loc); return { slabs: 1, rows: m.rows, cols: m.cols }; }
    const sink = new NpySink(where(loc), this.npyLength(loc));
    this.stream(loc, sink);
    return sink.shape();
  }

  /** Writes the matrix into dst f32 [col][stride] (the caller checked its shape); returns the sum of
   *  the values written where that comes for free (NaN or infinite if any value is). */
  fill(loc: MatrixLoc, dst: Float32Array, stride: number): number | undefined {
    const kind = containerOf(loc.file);
    if (kind === 'csv') {
      const m = this.readMatrix(loc);
      for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) dst[c * stride + r] = m.data[r * m.cols + c];
      return;
    }
    if (kind === 'h5') { this.fillH5(loc, dst, stride); return; }
    const sink = new NpySink(where(loc), this.npyLength(loc), dst, stride, loc.slab ?? 0);
    sink.scratch = this.scratch;
    this.stream(loc, sink);
    this.scratch = sink.scratch;
    if (!sink.done) throw new InputError(where(loc), 'data', 'ended before all values were read');
    return sink.sum;
  }

  /** A whole 1-D or 2-D array as a Matrix (labels, inputs, an epochs list), values exact. */
  readMatrix(loc: MatrixLoc): Matrix {
    const kind = containerOf(loc.file);
    if (kind === 'csv' || kind === 'npy') {
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(loc.file);
      } catch (e) {
        throw unreadable(loc.file, e);
      }
      return parseMatrix(bytes, loc.file);
    }
    if (kind === 'npz') return parseMatrix(this.zipMember(loc), `${where(loc)}.npy`);
    const d = this.h5dataset(loc);
    const s = d.shape ?? [];
    if (s.length < 1 || s.length > 2) throw new InputError(where(loc), '', `shape (${s.join(', ')}) is not 1-D or 2-D`);
    const v = d.value as ArrayLike<number | bigint>;
    const data = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      data[i] = typeof x === 'bigint' ? Number(x) : Number(x);
      if (!Number.isFinite(data[i])) throw new InputError(where(loc), `value ${i}`, `${x} is not a finite number`);
    }
    return { rows: s[0], cols: s[1] ?? 1, data };
  }

  // ---- npy bytes: a file, or a member of an npz ----

  private npyLength(loc: MatrixLoc): number {
    if (containerOf(loc.file) === 'npy') return this.fileSize(loc.file);
    return this.member(loc).size;
  }

  private fileSize(file: string): number {
    try {
      return fs.statSync(file).size;
    } catch (e) {
      throw unreadable(file, e);
    }
  }

  /** Pushes the npy bytes into the sink until it is done: files and stored members seek to the data. */
  private stream(loc: MatrixLoc, sink: NpySink): void {
    const kind = containerOf(loc.file);
    let fd: number;
    try {
      fd = fs.openSync(loc.file, 'r');
    } catch (e) {
      throw unreadable(loc.file, e);
    }
    try {
      let start = 0, length = this.npyLength(loc), deflated = false;
      if (kind === 'npz') {
        const e = this.member(loc);
        const local = new Uint8Array(30);
        fs.readSync(fd, local, 0, 30, e.localOffset);
        start = zipDataOffset(local, e, where(loc));
        deflated = e.method === 8;
        if (e.method !== 0 && e.method !== 8) throw new InputError(where(loc), '', `zip compression method ${e.method} (only stored and deflated)`);
        if (deflated) length = e.compressedSize;
      }
      const buf = (this.buffer ??= new Uint8Array(CHUNK));
      if (deflated) {
        const inflate = new Inflate((chunk) => sink.push(chunk));
        for (let off = 0; off < length && !sink.done;) {
          const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, length - off), start + off);
          if (n <= 0) throw new InputError(where(loc), '', 'truncated archive member');
          off += n;
          inflate.push(buf.subarray(0, n), off >= length);
        }
        return;
      }
      // header first, then seek to the wanted data (a slab of a stacked array may lie far in)
      const head = buf.subarray(0, Math.min(NPY_HEADER_MAX, length));
      const got = fs.readSync(fd, head, 0, head.length, start);
      sink.push(head.subarray(0, got));
      if (sink.done || !sink.header) return;
      const { itemSize } = sink.header;
      const wanted = sink.shape().rows * sink.shape().cols * itemSize;
      const from = sink.dataOffset();
      sink.seekedToData();
      for (let off = 0; off < wanted;) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, wanted - off), start + from + off);
        if (n <= 0) throw new InputError(where(loc), 'data', 'ended before all values were read');
        off += n;
        sink.push(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private zip(file: string): { entries: Map<string, ZipEntry>; length: number } {
    let z = this.zips.get(file);
    if (z) return z;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      throw unreadable(file, e);
    }
    try {
      const length = fs.fstatSync(fd).size;
      const tail = new Uint8Array(Math.min(ZIP_TAIL, length));
      fs.readSync(fd, tail, 0, tail.length, length - tail.length);
      const range = zipDirectoryRange(tail, length, file);
      const dir = new Uint8Array(range.size);
      fs.readSync(fd, dir, 0, range.size, range.offset);
      z = { entries: new Map(parseZipDirectory(dir, range.entries, file).map((e) => [e.name, e])), length };
      this.zips.set(file, z);
      return z;
    } finally {
      fs.closeSync(fd);
    }
  }

  private member(loc: MatrixLoc): ZipEntry {
    const entries = this.zip(loc.file).entries;
    const e = entries.get(`${loc.key}.npy`) ?? entries.get(loc.key ?? '');
    if (!e) throw new InputError(loc.file, '', `no array "${loc.key}" in the archive (it holds ${[...entries.keys()].slice(0, 8).map((k) => k.replace(/\.npy$/, '')).join(', ')}${entries.size > 8 ? ', ...' : ''})`);
    return e;
  }

  // ---- HDF5 ----

  private h5file(file: string): H5File {
    let f = this.h5files.get(file);
    if (!f) {
      if (!this.h5) throw new Error('internal: MatrixReader created without HDF5 support');
      if (!fs.existsSync(file)) throw new InputError(file, '', 'cannot read file (ENOENT)');
      try {
        f = new this.h5.File(file, 'r');
      } catch (e) {
        throw new InputError(file, '', `not a readable HDF5 file (${(e as Error).message.split('\n')[0]})`);
      }
      this.h5files.set(file, f);
    }
    return f;
  }

  private h5dataset(loc: MatrixLoc): H5Node {
    const d = this.h5file(loc.file).get(loc.key ?? '/');
    if (!d || d.type !== 'Dataset') throw new InputError(loc.file, loc.key ?? '/', 'no such dataset');
    return d;
  }

  private fillH5(loc: MatrixLoc, dst: Float32Array, stride: number): void {
    const d = this.h5dataset(loc);
    const { rows, cols, slabs } = this.shape(loc);
    const step = Math.max(1, Math.floor(H5_CHUNK_VALUES / cols));
    for (let r0 = 0; r0 < rows; r0 += step) {
      const r1 = Math.min(rows, r0 + step);
      const ranges = slabs > 1 || (d.shape?.length ?? 0) === 3 ? [[loc.slab ?? 0, (loc.slab ?? 0) + 1], [r0, r1]] : [[r0, r1]];
      const v = d.slice!(ranges) as ArrayLike<number | bigint>;
      if (typeof v !== 'object' || v === null || typeof (v as { length?: unknown }).length !== 'number') {
        throw new InputError(where(loc), '', 'not a numeric dataset');
      }
      for (let i = 0; i < (r1 - r0) * cols; i++) {
        const x = v[i];
        dst[(i % cols) * stride + r0 + Math.floor(i / cols)] = typeof x === 'bigint' ? Number(x) : x;
      }
    }
  }

  /** A whole (small) npz member's npy bytes. */
  private zipMember(loc: MatrixLoc): Uint8Array {
    const e = this.member(loc);
    const fd = fs.openSync(loc.file, 'r');
    try {
      const local = new Uint8Array(30);
      fs.readSync(fd, local, 0, 30, e.localOffset);
      const raw = new Uint8Array(e.compressedSize);
      fs.readSync(fd, raw, 0, raw.length, zipDataOffset(local, e, where(loc)));
      if (e.method === 0) return raw;
      const parts: Uint8Array[] = [];
      const inflate = new Inflate((c) => parts.push(c));
      inflate.push(raw, true);
      const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** How a matrix is named in messages: file, or file:key. */
export function where(loc: MatrixLoc): string {
  return (loc.key !== undefined ? `${loc.file}:${loc.key}` : loc.file) + (loc.slab !== undefined ? `[${loc.slab}]` : '');
}
