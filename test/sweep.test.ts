import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cli } from './helpers/cli.js';
import { expandGrid, parseShard, specFromFlags, specFromText, sweepJobs } from '../src/sweep/grid.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'infoplane-sweep-'));
const GRID = ['--activation', 'tanh,relu', '--layers', '6,3:5', '--epochs', '40', '--repeats', '3', '--mi-schedule', 'every:10'];

/** Every cell's infoplane.json of a merged sweep folder, by cell id. */
function cellResults(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of readdirSync(join(dir, 'cells')).sort()) out[id] = readFileSync(join(dir, 'cells', id, 'infoplane.json'), 'utf8');
  return out;
}

describe('grid', () => {
  it('expands the cartesian product in a fixed order and validates every value first', () => {
    const cells = expandGrid(specFromFlags('s', { activation: 'tanh,relu', layers: '10,7:10', lr: '0.1' }));
    expect(cells.map((c) => c.label)).toEqual([
      'activation=tanh layers=10,7', 'activation=tanh layers=10', 'activation=relu layers=10,7', 'activation=relu layers=10']);
    expect(cells.map((c) => c.config.lr)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(cells[2].config.activation).toBe('relu');
    expect(cells[2].config.layers).toEqual([10, 7]);
    expect(() => expandGrid(specFromFlags('s', { lr: '0.1,-3' }))).toThrow(/-3/);
    expect(() => expandGrid(specFromFlags('s', { layers: '10:0' }))).toThrow(/--layers/);
  });

  it('shards cover every network exactly once', () => {
    const cells = expandGrid(specFromFlags('s', { activation: 'tanh,relu,linear', repeats: '7' }));
    const all = sweepJobs(cells).map((j) => `${j.cell.id}/${j.repeat}`);
    expect(all).toHaveLength(21);
    for (const n of [1, 2, 4, 5, 21, 30]) {
      const parts = Array.from({ length: n }, (_, i) => sweepJobs(cells, { i, n }).map((j) => `${j.cell.id}/${j.repeat}`));
      const flat = parts.flat();
      expect(flat.slice().sort()).toEqual(all.slice().sort());
      expect(new Set(flat).size).toBe(flat.length);
    }
    expect(() => parseShard('4/4')).toThrow(/--shard/);
    expect(parseShard('3/4')).toEqual({ i: 3, n: 4 });
  });

  it('reads the same grid from YAML and JSON files', () => {
    const yaml = 'name: g\nbase:\n  epochs: 40\ngrid:\n  activation: [tanh, relu]\n  layers: [[6, 3], "5"]\n';
    const json = JSON.stringify({ name: 'g', base: { epochs: 40 }, grid: { activation: ['tanh', 'relu'], layers: ['6,3', '5'] } });
    const known = ['epochs', 'activation', 'layers'];
    const a = expandGrid(specFromText(yaml, 'g.yaml', known)), b = expandGrid(specFromText(json, 'g.json', known));
    expect(a.map((c) => c.config)).toEqual(b.map((c) => c.config));
    expect(a).toHaveLength(4);
    expect(() => specFromText('grid:\n  bogus: [1]\n', 'g.yaml', known)).toThrow(/bogus/);
  });

  it('takes switches (shuffle, bound) from a grid file as booleans, not as truthy text', () => {
    const known = ['shuffle', 'bound', 'epochs'];
    const grid = expandGrid(specFromText('grid:\n  shuffle: [true, false]\n', 'g.yaml', known));
    expect(grid.map((c) => c.config.shuffleBatches)).toEqual([true, false]);
    const base = expandGrid(specFromText(JSON.stringify({ base: { shuffle: 'false', bound: false }, grid: { epochs: [5] } }), 'g.json', known));
    expect(base[0].config.shuffleBatches).toBe(false);
    expect(base[0].config.bound).toBe(false);
    expect(() => expandGrid(specFromText('grid:\n  shuffle: [yes-please]\n', 'g.yaml', known))).toThrow(/--shuffle/);
  });
});

describe('infoplane sweep', () => {
  it('merged shards equal the unsharded sweep, byte for byte', () => {
    const whole = tmp(), parts = [tmp(), tmp(), tmp()], merged = tmp();
    expect(cli(['sweep', ...GRID, '--out', whole]).code).toBe(0);
    parts.forEach((d, i) => {
      const r = cli(['sweep', ...GRID, '--shard', `${i}/3`, '--threads', '1', '--out', d]);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(d, 'report.html'))).toBe(false); // a shard only saves its networks
    });
    const m = cli(['merge', ...parts, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(cellResults(merged)).toEqual(cellResults(whole));
    expect(Object.keys(cellResults(whole))).toHaveLength(4);
    expect(readFileSync(join(merged, 'report.html'), 'utf8')).toBe(readFileSync(join(whole, 'report.html'), 'utf8'));
    // a missing shard is reported, not silently averaged away
    const e = cli(['merge', parts[0], parts[1], '--out', tmp()]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/missing/);
  }, 60_000);

  it('fails before any work on an invalid grid value, naming it', () => {
    const d = join(tmp(), 'out');
    const r = cli(['sweep', '--lr', '0.1,-3', '--epochs', '5', '--out', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"-3"/);
    expect(existsSync(d)).toBe(false);
  });

  it('refuses to overwrite a sweep without --resume, and a different grid with it', () => {
    const d = tmp();
    expect(cli(['sweep', '--activation', 'tanh,relu', '--epochs', '5', '--mi-schedule', 'every:5', '--out', d]).code).toBe(0);
    const again = cli(['sweep', '--activation', 'tanh,relu', '--epochs', '5', '--mi-schedule', 'every:5', '--out', d]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--resume/);
    const other = cli(['sweep', '--activation', 'tanh,linear', '--epochs', '5', '--mi-schedule', 'every:5', '--resume', '--out', d]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/different grid/);
  }, 60_000); // several process starts: slow on a loaded machine

  it('after kill -9 at random points, --resume gives the uninterrupted result', async () => {
    const args = ['sweep', '--activation', 'tanh,relu', '--layers', '8,6:5', '--epochs', '600', '--repeats', '4', '--mi-schedule', 'every:50'];
    const whole = tmp();
    expect(cli([...args, '--out', whole]).code).toBe(0);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 3; trial++) {
      const d = tmp();
      // first attempt: killed after a random delay (long enough to start, short enough to cut it)
      const child = spawn(process.execPath, [BIN, ...args, '--out', d], { stdio: 'ignore' });
      const exited = new Promise((res) => child.on('exit', res));
      const saved = () => existsSync(join(d, 'cells')) ? readdirSync(join(d, 'cells')).flatMap((c) => existsSync(join(d, 'cells', c, 'runs')) ? readdirSync(join(d, 'cells', c, 'runs')) : []).length : 0;
      // kill once some networks are saved, at a random moment after that
      for (let t = 0; t < 200 && saved() === 0; t++) await new Promise((res) => setTimeout(res, 50));
      await new Promise((res) => setTimeout(res, rand() * 500));
      child.kill('SIGKILL');
      await exited;
      expect(saved()).toBeGreaterThan(0);
      expect(saved()).toBeLessThan(16); // it really was interrupted
      const r = cli([...args, '--resume', '--out', d]);
      expect(r.code, r.stderr).toBe(0);
      expect(cellResults(d)).toEqual(cellResults(whole));
    }
  }, 120_000);

  it('writes a sweep report with one plane per cell and links to each cell report', () => {
    const d = tmp();
    writeFileSync(join(d, 'grid.yaml'), 'name: size\nbase: {epochs: 20, mi-schedule: "every:5"}\ngrid:\n  train-fraction: [0.05, 0.45, 0.85]\n');
    const r = cli(['sweep', '--grid', join(d, 'grid.yaml'), '--out', join(d, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(d, 'out', 'report.html'), 'utf8');
    for (const id of ['c000', 'c001', 'c002']) expect(html).toContain(`cells/${id}/report.html`);
    expect(html).toContain('Training-set size');
    const data = JSON.parse(/<script type="application\/json" id="sweep-data">(.*?)<\/script>/s.exec(html)![1]);
    expect(data.cells.map((c: { values: { trainFraction: string } }) => c.values.trainFraction)).toEqual(['0.05', '0.45', '0.85']);
  });
});
