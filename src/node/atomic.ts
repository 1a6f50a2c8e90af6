// Output files are written atomically: the data goes to DIR/.name.tmp-PID, is flushed (fsync),
// then renamed over the target. rename(2) within one folder is atomic, so a reader, a crash or a
// kill -9 sees the previous complete file or the new complete one, never a truncated file.
// Temporary files left by a killed process are removed by the next prepareOutDir on that folder.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../data/errors.js';

const TMP = /^\.(.+)\.tmp-(\d+)$/;
const CHUNK = 1 << 20;

/** Test hook: INFOPLANE_SLOW_WRITE_MS=n sleeps n ms after each 64 KB written, so a test can kill
 *  the process in the middle of a write (test/kill.test.ts). Unset in normal use. */
function slowWriteMs(): number {
  const v = Number(process.env.INFOPLANE_SLOW_WRITE_MS ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** `data` may be a sequence of pieces (e.g. CSV lines in ~1 MB strings) so a large file never
 *  becomes one giant string. A folder or file that cannot be created is an InputError (exit 2). */
export function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(tmp, 'w');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(file, '', `cannot write file (${err.code ?? err.message})`);
  }
  const pause = slowWriteMs();
  const step = pause ? 1 << 16 : CHUNK;
  const pieces = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  try {
    for (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      for (let off = 0; off < bytes.length;) {
        off += writeSync(fd, bytes, off, Math.min(step, bytes.length - off));
        if (pause) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
      }
    }
    fsyncSync(fd); // the data is on disk before the name points at it
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Before any work: the output folder exists (created if needed) and is writable, so a bad --out
 * fails in a second rather than after the training. Removes temporary files of dead processes.
 */
export function prepareOutDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    const probe = join(dir, `.write-probe.tmp-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(dir, '', `cannot write output folder (${err.code ?? err.message})`);
  }
  for (const name of readdirSync(dir)) {
    const m = TMP.exec(name);
    if (m && Number(m[2]) !== process.pid && !alive(Number(m[2]))) {
      try { unlinkSync(join(dir, name)); } catch { /* raced with another cleaner */ }
    }
  }
}
