// kill -9 during `infoplane run`: every output file present afterwards is complete. The runs are
// deterministic, so a complete infoplane.json must equal the reference run's byte for byte.
// INFOPLANE_SLOW_WRITE_MS (src/node/atomic.ts) stretches the writes so that seeded kill times
// land inside them often.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { TestData } from './helpers/data.js';

export const KILLS = 20; // at least this many runs actually killed (up to 60 attempts)
const SLOW_MS = 8; // per 64 KB written
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-kill-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const dataset = path.join(tmp, 'small.csv');
{
  const g = new TestData(5);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < 64; i++) lines.push(`${g.uniform(-1, 1).toFixed(3)},${g.uniform(-1, 1).toFixed(3)},${g.int(2)},${g.int(2)}`);
  fs.writeFileSync(dataset, lines.join('\n') + '\n');
}
const ARGS = ['run', '--dataset', dataset, '--layers', '4,3', '--epochs', '1500', '--mi-schedule', 'all', '--repeats', '2',
  '--threads', '1', '--seed', '3'];

/** Runs the CLI; kills it with SIGKILL after `killAfterMs` unless undefined. Resolves with the run's
 *  wall time and, when `watch`, the time the first temporary output file appeared (the writes began). */
function runCli(out: string, slowMs: number, killAfterMs?: number, watch = false): Promise<{ ms: number; killed: boolean; code: number | null; writeAt: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let writeAt = NaN;
    const poll = watch ? setInterval(() => { if (Number.isNaN(writeAt) && tmpFiles(out).length) writeAt = performance.now() - t0; }, 2) : undefined;
    const child = spawn(process.execPath, [BIN, ...ARGS, '--out', out], {
      env: { ...process.env, INFOPLANE_SLOW_WRITE_MS: String(slowMs) }, stdio: ['ignore', 'ignore', 'ignore'],
    });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ ms: performance.now() - t0, killed: signal === 'SIGKILL', code, writeAt });
    });
  });
}

const tmpFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.tmp-\d+$/.test(f)) : []);

describe('kill -9 during run', () => {
  it(`${KILLS}+ seeded SIGKILLs leave only complete output files`, async () => {
    const ref = path.join(tmp, 'ref');
    const full = await runCli(ref, SLOW_MS, undefined, true);
    expect(full.code).toBe(0);
    expect(full.writeAt).toBeGreaterThan(0);
    const refJson = fs.readFileSync(path.join(ref, 'infoplane.json'), 'utf8');
    const refReport = fs.readFileSync(path.join(ref, 'report.html'), 'utf8');
    expect(refJson.length).toBeGreaterThan(256 << 10); // several slowed chunks per file

    const out = path.join(tmp, 'out');
    const g = new TestData(42);
    let killed = 0, duringWrite = 0, withJson = 0;
    // the machine's load changes run times: a run that ends before its kill time narrows the window
    let end = full.ms;
    for (let i = 0; i < 60 && killed < KILLS; i++) {
      // kill times spread from a little before the writes began (in the reference run) to a little past its end
      const at = g.uniform(Math.min(full.writeAt, end) * 0.8, end * 1.05);
      const r = await runCli(out, SLOW_MS, at);
      if (r.killed) killed++;
      else end = Math.min(end, r.ms);
      if (tmpFiles(out).length) duringWrite++;
      const jsonFile = path.join(out, 'infoplane.json');
      if (fs.existsSync(jsonFile)) {
        withJson++;
        const text = fs.readFileSync(jsonFile, 'utf8');
        expect(() => JSON.parse(text)).not.toThrow();
        expect(text).toBe(refJson);
      }
      const timing = path.join(out, 'timing.json');
      if (fs.existsSync(timing)) expect(JSON.parse(fs.readFileSync(timing, 'utf8')).threads).toBe(1);
      const report = path.join(out, 'report.html');
      if (fs.existsSync(report)) {
        const html = fs.readFileSync(report, 'utf8');
        // the timing lines (seconds, epochs/s) vary with the machine's load by a character or two
        expect(Math.abs(html.length - refReport.length)).toBeLessThanOrEqual(16);
        expect(html.trimEnd().endsWith('</html>')).toBe(true);
      }
    }
    if (process.env.KILL_STATS) console.log(JSON.stringify({ killed, duringWrite, withJson, fullMs: full.ms, writeAt: full.writeAt, bytes: refJson.length }));
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    expect(duringWrite).toBeGreaterThanOrEqual(5); // the kills did hit writes in progress

    // the next complete run removes the dead processes' temporary files
    const last = await runCli(out, 0);
    expect(last.code).toBe(0);
    expect(tmpFiles(out)).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'infoplane.json'), 'utf8')).toBe(refJson);
  }, 240_000);
});
