// Output files are written atomically: the data goes to DIR/.name.tmp-PID, is flushed (fsync),
// then renamed over the target. rename(2) within one folder is atomic, so a reader, a crash or a
// kill -9 sees the previous complete file or the new complete one, never a truncated file.
// Temporary files left by a killed process are removed by the next write into that folder.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../data/errors.js';

const TMP = /^\.(.+)\.tmp-(\d+)$/;
const CHUNK = 1 << 20;

/** Test hook: INFOPLANE_SLOW_WRITE_MS=n sleeps n ms after each 64 KB written, so a test can kill
 *  the process in the middle of a write (test/kill.test.ts). Unset in normal use. */
function slowWriteMs(): number {
  const v = Number(process.env.INFOPLANE_SLOW_WRITE_MS ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** Test hook: INFOPLANE_FAIL_WRITES_AFTER=n makes every write after the first n files of this
 *  process fail with ENOSPC, as a full disk does (test/resume.test.ts, where no tmpfs can be mounted). */
let filesWritten = 0;
function simulatedFull(): boolean {
  const v = process.env.INFOPLANE_FAIL_WRITES_AFTER;
  return v !== undefined && v !== '' && filesWritten >= Number(v);
}

const cannotWrite = (file: string, e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  return new InputError(file, '', `cannot write file (${err.code ?? err.message})`);
};

/**
 * mkdir -p without fs.mkdirSync's `recursive`, which loops forever where mkdir(2) says ENOENT for a
 * folder whose parent exists (e.g. under /proc). Throws the errno error of the first failure.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try { mkdirSync(d); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
  }
}

/** `data` may be a sequence of pieces (e.g. CSV lines in ~1 MB strings) so a large file never
 *  becomes one giant string. Any failure (a folder or file that cannot be created, a full disk) is
 *  an InputError naming the target file (exit 2), and leaves no temporary file. */
export function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>): void {
  writeTemp(file, data, (tmp) => renameSync(tmp, file));
}

/** Like writeFileAtomic, but only if `file` does not exist yet (link(2) is atomic and fails on an
 *  existing name): returns false, writing nothing, when it does. */
export function writeFileExclusive(file: string, data: string | Uint8Array): boolean {
  let created = true;
  writeTemp(file, data, (tmp) => {
    try { linkSync(tmp, file); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; created = false; }
    unlinkSync(tmp);
  });
  return created;
}

function writeTemp(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>, publish: (tmp: string) => void): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  let fd: number;
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    makeDirs(dirname(file));
    cleanStaleTemps(dirname(file));
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'EISDIR' ? new InputError(file, '', 'is a folder; give a file name') : cannotWrite(file, e);
  }
  const pause = slowWriteMs();
  const step = pause ? 1 << 16 : CHUNK;
  const pieces = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  try {
    if (simulatedFull()) throw Object.assign(new Error('no space left on device (simulated)'), { code: 'ENOSPC' });
    for (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      for (let off = 0; off < bytes.length;) {
        off += writeSync(fd, bytes, off, Math.min(step, bytes.length - off));
        if (pause) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
      }
    }
    fsyncSync(fd); // the data is on disk before the name points at it
    closeSync(fd);
    publish(tmp);
    filesWritten++;
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw cannotWrite(file, e);
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
    makeDirs(dir);
    const probe = join(dir, `.write-probe.tmp-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(dir, '', `cannot write output folder (${err.code ?? err.message})`);
  }
  cleanStaleTemps(dir);
}

const cleaned = new Set<string>();

/** Removes the temporary files of dead processes in `dir`, once per folder and process: those of a
 *  kill -9 during any write (run, merge, report, dataset). */
export function cleanStaleTemps(dir: string): void {
  const key = resolve(dir);
  if (cleaned.has(key)) return;
  cleaned.add(key);
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    const m = TMP.exec(name);
    if (m && Number(m[2]) !== process.pid && !alive(Number(m[2]))) {
      try { unlinkSync(join(dir, name)); } catch { /* raced with another cleaner */ }
    }
  }
}

/**
 * Holds DIR/.infoplane.lock (created exclusively, holding "pid host") until the returned release
 * is called or the process exits, so two processes never work in one folder at once. A lock of a
 * dead process on this host is taken over; one of another host is respected (its process cannot
 * be checked from here) and the message says how to remove it.
 */
export function lockFolder(dir: string): () => void {
  const file = resolve(dir, '.infoplane.lock'), me = `${process.pid} ${hostname()}`;
  const held = locks.get(file);
  if (held) { locks.set(file, held + 1); return once(() => unlock(file)); } // this process holds it already
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try { writeSync(fd, me); } finally { closeSync(fd); }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotWrite(file, e);
    }
    let holder = '', age = 0;
    try { holder = readFileSync(file, 'utf8').trim(); age = Date.now() - statSync(file).mtimeMs; } catch { /* released meanwhile */ }
    const [pid, host] = holder.split(' ');
    // an empty lock is being written right now, or was left by a process killed in between
    const stale = holder === '' ? age > 10_000 : host === hostname() && !alive(Number(pid));
    if (attempt < 100 && (stale || holder === '')) {
      if (stale) { try { unlinkSync(file); } catch { /* taken over by another */ } }
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    throw new InputError(dir, '', `in use by process ${pid || '?'}${host ? ` on ${host}` : ''}; wait for it, or delete ${file} if it no longer runs`);
  }
  locks.set(file, 1);
  const onExit = () => { try { unlinkSync(file); } catch { /* already gone */ } };
  exitHooks.set(file, onExit);
  process.on('exit', onExit);
  return once(() => unlock(file));
}

const locks = new Map<string, number>();
const exitHooks = new Map<string, () => void>();
const once = (f: () => void) => { let done = false; return () => { if (!done) { done = true; f(); } }; };

function unlock(file: string): void {
  const n = (locks.get(file) ?? 0) - 1;
  if (n > 0) { locks.set(file, n); return; }
  locks.delete(file);
  const hook = exitHooks.get(file);
  if (hook) { process.removeListener('exit', hook); exitHooks.delete(file); hook(); }
}

/** `file` resolved, after checking that it lies inside `dir` (names from files may not leave it). */
export function inside(dir: string, file: string): string {
  const base = resolve(dir), f = resolve(file);
  if (f !== base && !f.startsWith(base.endsWith(sep) ? base : base + sep)) throw new InputError(file, '', `lies outside ${dir}; refused`);
  return f;
}
