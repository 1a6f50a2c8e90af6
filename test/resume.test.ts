// Sweep folders that are hostile, damaged or contended: crafted cell ids (merge must not write
// outside --out), run files with garbage (validated, redone under --resume, never merged), a full
// disk during a 2-thread sweep, two sweeps on one folder at once, temporary files of killed
// processes, and generated cell names longer than --name allows.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/data/errors.js';
import { inside, lockFolder, makeDirs, writeFileExclusive } from '../src/node/atomic.js';
import { BIN, cli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'infoplane-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const tmp = () => { const d = join(root, `t${n++}`); mkdirSync(d); return d; };

const GRID = ['--layers', '4:3', '--repeats', '2', '--epochs', '30', '--mi-schedule', 'every:5', '--threads', '1'];
const runFile = (d: string, cell: string, r: number) => join(d, 'cells', cell, 'runs', `r${String(r).padStart(4, '0')}.json`);
const cellJson = (d: string, cell: string) => readFileSync(join(d, 'cells', cell, 'infoplane.json'), 'utf8');
/** A process id that is certainly not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

let reference = '';
function referenceSweep(): string {
  if (!reference) {
    reference = tmp();
    const r = cli(['sweep', ...GRID, '--out', reference]);
    expect(r.code, r.stderr).toBe(0);
  }
  return reference;
}
const copySweep = () => {
  const d = join(tmp(), 's');
  expect(spawnSync('cp', ['-a', referenceSweep(), d]).status).toBe(0);
  return d;
};

describe('merge keeps every write inside --out', () => {
  it('a crafted cell id "../../PWN" is refused with one line; nothing is written outside', () => {
    const src = copySweep(), work = tmp(), out = join(work, 'a', 'out');
    const m = JSON.parse(readFileSync(join(src, 'sweep.json'), 'utf8'));
    m.cells[0].id = '../../PWN';
    writeFileSync(join(src, 'sweep.json'), JSON.stringify(m));
    // runs where the crafted id points, claiming that cell
    const pwnRuns = join(src, 'cells', '../../PWN', 'runs');
    mkdirSync(pwnRuns, { recursive: true });
    for (const f of readdirSync(join(src, 'cells', 'c000', 'runs'))) {
      const run = JSON.parse(readFileSync(join(src, 'cells', 'c000', 'runs', f), 'utf8'));
      run.cell = '../../PWN';
      writeFileSync(join(pwnRuns, f), JSON.stringify(run));
    }
    const r = cli(['merge', src, '--out', out], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sweep\.json: cells\[0\]\.id "\.\.\/\.\.\/PWN" is not a cell id/);
    expect(existsSync(join(work, 'a', 'PWN'))).toBe(false);
    expect(existsSync(join(work, 'PWN'))).toBe(false);
  });

  it('inside() refuses any path that leaves the folder', () => {
    expect(inside('/a/b', '/a/b/cells/c000/x.json')).toBe('/a/b/cells/c000/x.json');
    for (const p of ['/a/b/../c', '/a/bc/x', '/a/b/cells/../../x']) expect(() => inside('/a/b', p)).toThrow(InputError);
  });
});

describe('run files are validated on load', () => {
  const garbage: [string, (run: Record<string, any>) => unknown, RegExp][] = [
    ['testAcc 1e9', (run) => { run.record.testAcc = run.record.testAcc.map(() => 1e9); return run; }, /record\.testAcc\[0\] = 1000000000 is outside \[0, 1\]/],
    ['null', () => null, /not an object/],
    ['record {}', (run) => ({ ...run, record: {} }), /record\.repeat differs/],
    ['I(X;T) above log2 N', (run) => { run.record.mi.bin.ixt[0][1] = 13; return run; }, /mi\.bin\.ixt\[0\]\[1\] = 13 is outside \[0, 12\]/],
    ['a series cut short', (run) => { run.record.trainLoss.pop(); return run; }, /record\.trainLoss is not a list of 6 values/],
    ['a missing layer', (run) => { run.record.gradStd.pop(); return run; }, /record\.gradStd is not a list of 2 layers/],
    ['a negative loss', (run) => { run.record.testLoss[2] = -1; return run; }, /testLoss\[2\]/],
    ['another repeat under this name', (run) => { run.repeat = 0; run.record.repeat = 0; run.record.seed -= 1; return run; }, /holds repeat 0, not 1/],
    ['not JSON', () => '{"cell": ', /not valid JSON/],
  ];
  for (const [what, damage, message] of garbage) {
    it(`${what}: merge refuses naming the file; --resume redoes it and the result equals the clean sweep`, () => {
      const d = copySweep();
      const f = runFile(d, 'c000', 1);
      const damaged = damage(JSON.parse(readFileSync(f, 'utf8')));
      writeFileSync(f, typeof damaged === 'string' ? damaged : JSON.stringify(damaged));
      const m = cli(['merge', d, '--out', join(tmp(), 'm')]);
      expect(m.code).toBe(2);
      expect(m.stderr).toMatch(/c000\/runs\/r0001\.json: /);
      expect(m.stderr).toMatch(message);
      expect(m.stderr.trim().split('\n')).toHaveLength(1);
      const r = cli(['sweep', ...GRID, '--resume', '--out', d]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/r0001\.json: .*; training this network again/);
      expect(cellJson(d, 'c000')).toBe(cellJson(referenceSweep(), 'c000'));
      expect(JSON.parse(cellJson(d, 'c000')).testAcc.every((a: number) => a <= 1)).toBe(true);
    });
  }
});

describe('a full disk during a 2-thread sweep', () => {
  it('one line naming the file, exit 2, finished networks kept, --resume completes', () => {
    const args = ['--layers', '4:4,3', '--repeats', '6', '--epochs', '200', '--mi-schedule', 'all', '--threads', '2'];
    const full = join(tmp(), 'full');
    mkdirSync(full);
    // a real full disk where a tmpfs can be mounted (root); otherwise the write hook simulates ENOSPC
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', full]).status === 0;
    try {
      const d = join(full, 's');
      const env = mounted ? process.env : { ...process.env, INFOPLANE_FAIL_WRITES_AFTER: '3' };
      const r = spawnSync(process.execPath, [BIN, 'sweep', ...args, '--out', d], { encoding: 'utf8', env });
      expect(r.status).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('infoplane:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/cells\/c00\d\/runs\/r\d{4}\.json: cannot write file \(ENOSPC\); \d+ of 12 networks are saved in .*; rerun with --resume to finish/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const saved = readdirSync(join(d, 'cells')).flatMap((c) => readdirSync(join(d, 'cells', c, 'runs')));
      expect(saved.length).toBeGreaterThan(0);
      expect(saved.every((f) => /^r\d{4}\.json$/.test(f))).toBe(true); // no temporary file left
      if (mounted) expect(spawnSync('mount', ['-o', 'remount,size=64m', full]).status).toBe(0);
      const again = spawnSync(process.execPath, [BIN, 'sweep', ...args, '--resume', '--out', d], { encoding: 'utf8' });
      expect(again.status, again.stderr).toBe(0);
      const clean = join(tmp(), 'clean');
      expect(cli(['sweep', ...args, '--out', clean]).code).toBe(0);
      for (const c of ['c000', 'c001']) expect(cellJson(d, c)).toBe(cellJson(clean, c));
    } finally {
      if (mounted) spawnSync('umount', [full]);
    }
  }, 180_000);
});

describe('one folder, one process', () => {
  it('sweep.json is created exclusively', () => {
    const f = join(tmp(), 'x.json');
    expect(writeFileExclusive(f, 'first')).toBe(true);
    expect(writeFileExclusive(f, 'second')).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('first');
    expect(readdirSync(join(f, '..'))).toEqual(['x.json']);
  });

  it('a folder locked by a live process is refused; a dead one\'s lock is taken over; release removes it', async () => {
    const d = tmp(), lock = join(d, '.infoplane.lock');
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(lock, `${sleeper.pid} ${(await import('node:os')).hostname()}`);
      expect(() => lockFolder(d)).toThrow(new RegExp(`in use by process ${sleeper.pid}`));
      writeFileSync(lock, `${deadPid()} ${(await import('node:os')).hostname()}`);
      const release = lockFolder(d);
      expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${(await import('node:os')).hostname()}`);
      const again = lockFolder(d); // the same process may nest (sweep, then its merge)
      again();
      expect(existsSync(lock)).toBe(true);
      release();
      expect(existsSync(lock)).toBe(false);
    } finally { sleeper.kill(); }
  });

  it('two sweeps with different grids started together: one wins, the folder stays usable', async () => {
    const base = ['--layers', '3', '--epochs', '10', '--mi-schedule', 'every:5', '--threads', '1'];
    for (let trial = 0; trial < 4; trial++) {
      const d = join(tmp(), 's');
      const grids = [['--activation', 'tanh,relu'], ['--activation', 'tanh,linear']];
      const runs = grids.map((g) => new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'sweep', ...base, ...g, '--out', d]);
        let err = '';
        c.stderr.on('data', (x) => { err += x; });
        c.on('exit', (code) => resolve({ code, err }));
      }));
      const results = await Promise.all(runs);
      const winners = results.filter((r) => r.code === 0);
      expect(winners.length, results.map((r) => r.err).join('\n')).toBeGreaterThanOrEqual(1);
      for (const r of results) if (r.code !== 0) expect(r.err).toMatch(/in use by process|already holds a sweep/);
      // whichever won, its grid resumes cleanly in the folder
      const won = results.findIndex((r) => r.code === 0);
      const again = cli(['sweep', ...base, ...grids[won], '--resume', '--out', d]);
      expect(again.code, again.stderr).toBe(0);
      expect(existsSync(join(d, '.infoplane.lock'))).toBe(false);
    }
  }, 120_000);
});

describe('temporary files of killed processes are cleaned by the next write in that folder', () => {
  it('report and merge remove dead processes\' temporary files and keep live ones', () => {
    const d = copySweep(), dead = deadPid();
    const stale = [join(d, `.report.html.tmp-${dead}`), join(d, 'cells', 'c000', `.infoplane.json.tmp-${dead}`), join(d, 'cells', 'c001', `.report.html.tmp-${dead}`)];
    const live = join(d, 'cells', 'c000', `.report.html.tmp-${process.pid}`);
    for (const f of [...stale, live]) writeFileSync(f, 'partial');
    const m = cli(['merge', d, '--out', d]);
    expect(m.code, m.stderr).toBe(0);
    for (const f of stale) expect(existsSync(f), f).toBe(false);
    expect(existsSync(live)).toBe(true);
    const staleReport = join(d, 'cells', 'c001', `.report.html.tmp-${dead}`);
    writeFileSync(staleReport, 'partial');
    expect(cli(['report', join(d, 'cells', 'c001')]).code).toBe(0);
    expect(existsSync(staleReport)).toBe(false);
  });
});

describe('long generated names', () => {
  it('a 195-character --name with grid labels is fine (the label is not part of --name)', () => {
    const d = join(tmp(), 's');
    const r = cli(['sweep', '--name', 'n'.repeat(195), '--layers', '3:2', '--epochs', '5', '--mi-schedule', 'every:5', '--out', d]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(cellJson(d, 'c000')).config.name).toBe(`${'n'.repeat(195)} layers=3`);
  });

  it('two 220-character dataset paths as a grid axis', () => {
    const w = tmp();
    const csv = 'x1,x2,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2}`).join('\n') + '\n';
    const paths = ['a', 'b'].map((c) => join(w, c.repeat(220 - w.length - 5) + '.csv'));
    for (const p of paths) writeFileSync(p, csv);
    const r = cli(['sweep', '--dataset', paths.join(':'), '--layers', '3', '--epochs', '5', '--mi-schedule', 'every:5', '--out', join(w, 's')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('makeDirs under /proc fails at once instead of looping (fs.mkdirSync recursive never returns there)', () => {
    expect(() => makeDirs('/proc/infoplane-x/y')).toThrow();
  });
});
