// The central directory of a zip archive (an .npz is one: np.savez stores, np.savez_compressed
// deflates), read from its tail, so that one member at a time can be read from its offset
// (fflate inflates the deflated ones). Zip64 sizes and offsets are read; numpy writes them for
// members over 4 GB. Pure: no Node imports.
import { InputError } from './errors.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  localOffset: number;
}

/** Bytes to read from the end of an archive to find the directory's end record (it allows a comment). */
export const ZIP_TAIL = 22 + 65535 + 20 + 56;

/** The directory's location, from the archive's last ZIP_TAIL (or fewer) bytes. */
export function zipDirectoryRange(tail: Uint8Array, fileLength: number, file: string): { offset: number; size: number; entries: number } {
  const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new InputError(file, '', 'not a zip/.npz archive (no end-of-directory record)');
  let entries = v.getUint16(eocd + 10, true), size = v.getUint32(eocd + 12, true), offset = v.getUint32(eocd + 16, true);
  const loc = eocd - 20;
  if (loc >= 0 && v.getUint32(loc, true) === 0x07064b50) { // zip64 locator -> zip64 end record
    const rec = Number(v.getBigUint64(loc + 8, true)) - (fileLength - tail.length);
    if (rec < 0 || v.getUint32(rec, true) !== 0x06064b50) throw new InputError(file, '', 'damaged zip64 directory record');
    entries = Number(v.getBigUint64(rec + 32, true));
    size = Number(v.getBigUint64(rec + 40, true));
    offset = Number(v.getBigUint64(rec + 48, true));
  }
  if (offset + size > fileLength) throw new InputError(file, '', 'truncated archive (the directory lies past the end)');
  return { offset, size, entries };
}

/** The members listed in the directory bytes. */
export function parseZipDirectory(dir: Uint8Array, count: number, file: string): ZipEntry[] {
  const v = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const out: ZipEntry[] = [];
  let p = 0;
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || v.getUint32(p, true) !== 0x02014b50) throw new InputError(file, '', `damaged zip directory at member ${i + 1}`);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true), size = v.getUint32(p + 24, true), localOffset = v.getUint32(p + 42, true);
    const nameLen = v.getUint16(p + 28, true), extraLen = v.getUint16(p + 30, true), commentLen = v.getUint16(p + 32, true);
    const name = dec.decode(dir.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: the 0xffffffff fields, in the order size, compressed size, offset
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = v.getUint16(e, true), len = v.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) { size = Number(v.getBigUint64(q, true)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(v.getBigUint64(q, true)); q += 8; }
        if (localOffset === 0xffffffff) { localOffset = Number(v.getBigUint64(q, true)); }
      }
      e += 4 + len;
    }
    out.push({ name, method, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Offset of a member's data, from the first 30 bytes of its local header. */
export function zipDataOffset(local: Uint8Array, entry: ZipEntry, file: string): number {
  const v = new DataView(local.buffer, local.byteOffset, local.byteLength);
  if (local.length < 30 || v.getUint32(0, true) !== 0x04034b50) throw new InputError(file, entry.name, 'damaged local header');
  return entry.localOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
}
