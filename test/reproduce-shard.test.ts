// reproduce --shard i/n and reproduce --merge: the shards cover every network once, the merge gives
// the unsharded reproduce.json (all but `seconds`), and every way a set of shard folders can be
// wrong is one line naming the shard and exit 2.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { expandGrid, sweepJobs } from '../src/sweep/grid.js';
import { plannedStudies, studySlices, SHARD_FILE, type ReproductionPlan } from '../src/reproduce/plan.js';
import { QUICK } from '../src/reproduce/studies.js';
import { QUANT_QUICK } from '../src/reproduce/quantized.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'infoplane-reproduce-shard-'));
// a tiny reproduction of both parts: 21 networks of 20 epochs
const SMALL = ['reproduce', '--quick', '--repeats', '1', '--epochs', '20', '--mi-points', '3', '--threads', '1'];

/** Every file under `dir` (relative path -> bytes as text), with reproduce.json's and
 *  reproduce.html's seconds blanked: the one thing a merge may change. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(join(dir, r), 'utf8');
    }
  };
  walk('');
  out['reproduce.json'] = out['reproduce.json'].replace(/\n "seconds": [^,]+,/, '\n "seconds": #,');
  out['reproduce.html'] = out['reproduce.html'].replace(/; \d+ s on (\d+ thread)/, '; # s on $1');
  return out;
}

describe('reproduce shards (plan)', () => {
  it('the slices of n shards cover every network of every study exactly once, round robin over all of them', () => {
    const plan: ReproductionPlan = { scale: 'quick', only: null, settings: { ...QUICK, repeats: 3 }, quantized: { ...QUANT_QUICK, repeats: 2 } };
    const specs = plannedStudies(plan).map((s) => s.spec);
    const all = specs.flatMap((spec, k) => sweepJobs(expandGrid(spec)).map((j) => `${k}/${j.cell.id}/${j.repeat}`));
    expect(all).toHaveLength(15 * 3 + 6 * 2);
    for (const n of [1, 2, 4, 7, 57, 100]) {
      const parts = Array.from({ length: n }, (_, i) => {
        const slices = studySlices(specs, { i, n });
        return specs.flatMap((spec, k) => sweepJobs(expandGrid(spec), slices[k]).map((j) => `${k}/${j.cell.id}/${j.repeat}`));
      });
      const flat = parts.flat();
      expect(flat.slice().sort()).toEqual(all.slice().sort());
      // global round robin: shard sizes differ by at most one
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // and shard i holds exactly the networks j of the fixed order with j mod n = i
      parts.forEach((p, i) => expect(p.slice().sort()).toEqual(all.filter((_, j) => j % n === i).sort()));
    }
  });
});

describe('infoplane reproduce --shard / --merge', () => {
  it('bad --shard values: one line naming --shard, exit 2, nothing written', () => {
    for (const bad of ['4/4', '1/0', '-1/2', 'x', '1/2/3', '1.5/4', '']) {
      const out = join(tmp(), 'out');
      const r = cli([...SMALL, '--shard', bad, '--out', out]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(r.stderr).toMatch(/--shard/);
      expect(existsSync(out), bad).toBe(false);
    }
  }, 60_000);

  it('merged shards give the unsharded reproduction but for its seconds; a missing, doubled, unfinished or foreign shard is named', () => {
    const root = tmp(), whole = join(root, 'whole'), shards = [0, 1, 2].map((i) => join(root, `shard-${i}`)), merged = join(root, 'merged');
    const w = cli([...SMALL, '--out', whole]);
    expect(w.code, w.stderr).toBe(0);
    shards.forEach((d, i) => {
      const r = cli([...SMALL, '--shard', `${i}/3`, '--out', d]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${i}/3: 7 network\\(s\\) trained`));
      // a shard writes its networks and its shard file, nothing that another shard or the merge writes
      expect(existsSync(join(d, 'reproduce.json'))).toBe(false);
      expect(existsSync(join(d, 'main', 'report.html'))).toBe(false);
      expect(JSON.parse(readFileSync(join(d, SHARD_FILE), 'utf8')).done).toBe(true);
    });

    // one shard left out: named
    const missing = cli(['reproduce', '--merge', shards[0], shards[2], '--out', merged]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('infoplane: 1 of 3 shard(s) missing: 1/3; give their folders too, or run them (reproduce --shard i/n)');
    expect(existsSync(merged)).toBe(false);
    // one shard twice
    const twice = cli(['reproduce', '--merge', shards[0], shards[1], shards[1], shards[2], '--out', merged]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard 1\/3 again/);
    // settings on the command line of a merge
    const flags = cli(['reproduce', '--merge', ...shards, '--quick', '--out', merged]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/drop --quick/);
    // the merge may not write into a shard
    expect(cli(['reproduce', '--merge', ...shards, '--out', shards[0]]).stderr).toMatch(/is one of the shard folders/);

    const m = cli(['reproduce', '--merge', ...shards, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    const a = tree(whole), b = tree(merged);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const f of Object.keys(a)) expect(b[f], f).toBe(a[f]);
    expect(Object.keys(a).length).toBeGreaterThan(50);

    // an unfinished shard (cancelled mid-run): named, with the command that finishes it
    const file = join(shards[1], SHARD_FILE), f = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...f, done: false }));
    const open = cli(['reproduce', '--merge', ...shards, '--out', join(root, 'm2')]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/shard-1: shard 1\/3 did not finish; rerun it with the same options and --shard 1\/3/);
    // rerunning it resumes: nothing trained again, and the merge works again
    const again = cli([...SMALL, '--shard', '1/3', '--out', shards[1]]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/shard 1\/3: 0 network\(s\) trained/);
    // the same folder for another shard, or other settings: refused before any work
    const other = cli([...SMALL, '--shard', '2/3', '--out', shards[1]]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds shard 1\/3, not 2\/3/);
    const seed = cli([...SMALL, '--seed', '1', '--shard', '1/3', '--out', shards[1]]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/other settings/);
    // a shard of another reproduction among the folders
    const foreign = join(root, 'foreign');
    expect(cli([...SMALL, '--only', 'lorenzen', '--shard', '2/3', '--out', foreign]).code).toBe(0);
    const mixed = cli(['reproduce', '--merge', shards[0], shards[1], foreign, '--out', join(root, 'm3')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/foreign: a shard of a reproduction with other settings/);
    // a folder that is no shard
    expect(cli(['reproduce', '--merge', whole, '--out', join(root, 'm4')]).stderr).toMatch(/not a reproduce shard/);
  }, 240_000);
});
