import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { ib12 } from '../src/data/ib12.js';
import { labelEntropy } from '../src/data/dataset.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'infoplane-cli-'));

describe('infoplane run', () => {
  it('gives identical infoplane.json for the same seed with 1 and 2 threads', () => {
    const a = tmp(), b = tmp();
    const args = ['run', '--epochs', '150', '--repeats', '3', '--mi-schedule', 'every:10', '--seed', '7'];
    const r1 = cli([...args, '--threads', '1', '--out', a]);
    const r2 = cli([...args, '--threads', '2', '--out', b]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const ja = readFileSync(join(a, 'infoplane.json'), 'utf8'), jb = readFileSync(join(b, 'infoplane.json'), 'utf8');
    expect(ja).toBe(jb);
    const res = JSON.parse(ja);
    expect(res.runs.map((r: { seed: number }) => r.seed)).toEqual([7, 8, 9]);
    // different seeds give different networks
    expect(res.runs[0].mi.bin.ixt[2]).not.toEqual(res.runs[1].mi.bin.ixt[2]);
    expect(existsSync(join(a, 'report.html'))).toBe(true);
    expect(r1.stdout).toMatch(/report: .*report\.html/);
  }, 60_000);

  it('writes the documented keys with [layer][k] shapes', () => {
    const d = tmp();
    const r = cli(['run', '--epochs', '40', '--mi-schedule', 'every:4', '--layers', '6,3', '--out', d]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(d, 'infoplane.json'), 'utf8'));
    for (const k of ['config', 'layers', 'epochs', 'mi', 'trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'gradMean', 'gradStd', 'runs']) {
      expect(res).toHaveProperty(k);
    }
    expect(res.epochs).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    expect(res.layers.map((l: { width: number }) => l.width)).toEqual([6, 3, 2]);
    expect(res.mi.bin.ixt).toHaveLength(3);
    expect(res.mi.bin.ixt[0]).toHaveLength(10);
    expect(res.gradMean[2]).toHaveLength(10);
    expect(res.config.layers).toEqual([6, 3]);
    // every value is a bound-respecting number of bits
    for (const row of res.mi.bin.ixt) for (const v of row) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(12 + 1e-9); }
    for (const row of res.mi.bin.ity) for (const v of row) { expect(v).toBeGreaterThanOrEqual(-1e-9); expect(v).toBeLessThanOrEqual(res.dataset.hY + 1e-9); }
  }, 30_000);

  it('rejects bad values with one line and exit 2, before writing anything', () => {
    const cases: [string[], RegExp][] = [
      [['--layers', '10,,3'], /--layers/],
      [['--lr', '-1'], /--lr/],
      [['--bins', '0'], /--bins/],
      [['--train-fraction', '1.5'], /--train-fraction/],
      [['--activation', 'swish'], /--activation/],
      [['--preset', 'nope'], /--preset/],
      [['--mi-schedule', 'every:0'], /--mi-schedule/],
      [['--dataset', '/nonexistent/file.csv'], /nonexistent\/file\.csv/],
      [['--no-such-flag'], /unknown option/],
    ];
    for (const [args, msg] of cases) {
      const d = join(tmp(), 'out');
      const r = cli(['run', '--epochs', '5', ...args, '--out', d]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(d)).toBe(false);
    }
  }, 60_000); // nine process starts: seconds on a loaded machine
});

describe('infoplane mi', () => {
  it('gives log2 N and H(Y) for the distinct ib12 inputs, 0 for constant rows', () => {
    const d = tmp();
    const ds = ib12();
    const rows = [], labels = [];
    for (let r = 0; r < ds.nRows; r++) { rows.push(Array.from(ds.X.subarray(r * 12, r * 12 + 12))); labels.push(ds.y[r]); }
    writeFileSync(join(d, 'x.json'), JSON.stringify(rows));
    writeFileSync(join(d, 'y.json'), JSON.stringify(labels));
    const r = cli(['mi', '--activations', join(d, 'x.json'), '--labels', join(d, 'y.json')]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(4096);
    expect(out.patterns).toBe(4096);
    expect(out.ixt).toBeCloseTo(12, 12);
    expect(out.ity).toBeCloseTo(labelEntropy(ds.y, 2), 12);

    writeFileSync(join(d, 'c.csv'), 'a,b\n' + '0.5,0.25\n'.repeat(100));
    writeFileSync(join(d, 'l.csv'), Array.from({ length: 100 }, (_, i) => i % 2).join('\n') + '\n');
    const c = JSON.parse(cli(['mi', '--activations', join(d, 'c.csv'), '--labels', join(d, 'l.csv'), '--bin-width', '0.1']).stdout);
    expect(c).toMatchObject({ ixt: 0, ity: 0, n: 100, patterns: 1 });
  });

  it('fails with exit 2 and names the file on malformed input', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.csv'), '1,2\n3\n');
    writeFileSync(join(d, 'l.csv'), '0\n1\n');
    const r = cli(['mi', '--activations', join(d, 'bad.csv'), '--labels', join(d, 'l.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv/);
    writeFileSync(join(d, 'ok.csv'), '1,2\n3,4\n5,6\n');
    const m = cli(['mi', '--activations', join(d, 'ok.csv'), '--labels', join(d, 'l.csv')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/2 labels/);
  });
});

describe('infoplane dataset and report', () => {
  it('writes ib12 as CSV that reads back as the same dataset', () => {
    const d = tmp();
    const r = cli(['dataset', 'ib12', '--out', join(d, 'ib12.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(d, 'ib12.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4097);
    expect(lines[0]).toBe('x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,y');
    expect(lines[4096].startsWith('1,1,1,1,1,1,1,1,1,1,1,1,')).toBe(true);
    expect(cli(['dataset', 'nope', '--out', join(d, 'x.csv')]).code).toBe(2);
  });

  it('rebuilds report.html from infoplane.json and refuses a folder without one', () => {
    const d = tmp();
    expect(cli(['run', '--epochs', '20', '--mi-schedule', 'every:5', '--out', d]).code).toBe(0);
    const before = readFileSync(join(d, 'report.html'), 'utf8');
    writeFileSync(join(d, 'report.html'), 'stale');
    const r = cli(['report', d]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toBe(before);
    const e = cli(['report', tmp()]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/infoplane\.json/);
  }, 30_000);
});
