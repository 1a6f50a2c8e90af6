// `infoplane plane` reads one matrix at a time: on a dump several times larger than one matrix its
// peak memory stays near the process baseline plus about one matrix (the stated bound for bin:
// baseline + 1.25 x the largest matrix + 32 MB of buffers and scratch; README).
import { describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { encodeNpy, npyHeader } from '../dist/data/npy-write.js';

/** Runs the CLI in a process that reports its peak RSS (MB) on the last stderr line. */
function planeWithRss(args: string[]): { code: number; rssMB: number; stderr: string } {
  const script = `import { main } from ${JSON.stringify(join(ROOT, 'dist/cli/main.js'))};
const code = await main(process.argv.slice(1));
process.stderr.write('maxRSS ' + (process.resourceUsage().maxRSS / 1024).toFixed(1) + '\\n');
process.exitCode = code;`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], { encoding: 'utf8', timeout: 600_000 });
  const m = /maxRSS ([\d.]+)/.exec(r.stderr);
  return { code: r.status ?? -1, rssMB: m ? Number(m[1]) : NaN, stderr: r.stderr };
}

describe('plane memory', () => {
  it('a 6 x 39 MB dump runs within baseline + 1.25 matrices + 32 MB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-big-'));
    const rows = 80_000, units = 128, K = 6;
    mkdirSync(join(dir, 'activations'));
    const chunk = new Float32Array(1000 * units);
    for (let k = 0; k < K; k++) {
      const fd = openSync(join(dir, 'activations', `e${k}_big.npy`), 'w');
      writeSync(fd, npyHeader('<f4', [rows, units]));
      for (let r0 = 0; r0 < rows; r0 += 1000) {
        for (let i = 0; i < chunk.length; i++) chunk[i] = Math.tanh(Math.sin(i * 0.37 + r0 * 1.1 + k));
        writeSync(fd, chunk);
      }
      closeSync(fd);
    }
    writeFileSync(join(dir, 'labels.npy'), encodeNpy('<i4', [rows], new Int32Array(rows).map((_, i) => i % 10)));
    writeFileSync(join(dir, 'dump.json'), JSON.stringify({ format: 'infoplane-dump/1', layers: ['big'], epochs: [0, 1, 2, 3, 4, 5],
      activations: 'activations/e{epoch}_{layer}.npy', labels: 'labels.npy' }));
    const matrixMB = (rows * units * 4) / 2 ** 20, dumpMB = K * matrixMB;
    const base = planeWithRss(['plane', '--help']); // the process with the CLI loaded, no work
    const r = planeWithRss(['plane', '--dump', dir, '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rssMB).toBeLessThan(base.rssMB + 1.25 * matrixMB + 32);
    expect(r.rssMB).toBeLessThan(dumpMB); // reading the dump whole would need more than this
  }, 600_000);
});
