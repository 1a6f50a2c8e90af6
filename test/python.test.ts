// The Python loggers (python/): a tiny PyTorch net trained with InfoplaneLogger writes a dump;
// python/test_loggers.py checks the layout with NumPy and computes the binned MI of every layer and
// logged epoch with NumPy (bench/peers/binned_mi.py); `infoplane plane --dump` must give the same
// numbers, metrics and names, and `infoplane mi` on single matrices too.
// Also: the outside oracle's script regenerates the committed fixture byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from './helpers/cli.js';
import { IN_CI, python } from './helpers/outside.js';

const py = python(['numpy', 'torch']);
const tmp = mkdtempSync(join(tmpdir(), 'infoplane-python-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Expected { layers: string[]; epochs: number[]; ixt: number[][]; ity: number[][]; trainLoss: number[]; trainAcc: number[] }

describe.skipIf(!py && !IN_CI)('python/ loggers', () => {
  it('InfoplaneLogger writes the dump layout; NumPy and infoplane plane agree on its binned MI', () => {
    expect(py, 'python3 with numpy and torch: apt-get install -y python3-numpy python3-torch').toBeTruthy();
    const r = spawnSync(py!, [join(ROOT, 'python', 'test_loggers.py'), tmp], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).ok).toBe(true);
    const dump = join(tmp, 'dump');
    const exp = JSON.parse(readFileSync(join(tmp, 'expected.json'), 'utf8')) as Expected;
    expect(exp.layers).toEqual(['h1', 'h2']);
    expect(exp.epochs.length).toBeGreaterThanOrEqual(8);
    // the layers carry information and change during training (a dump of constants would pass trivially)
    expect(exp.ixt[0][0]).toBeGreaterThan(5);
    expect(new Set(exp.ixt.map((row) => row[1].toFixed(6))).size).toBeGreaterThan(3);
    // the whole dump through `infoplane plane`: every layer and epoch, the metrics, the names
    const out = join(tmp, 'plane');
    const p = cli(['plane', '--dump', dump, '--out', out, '--threads', '2']);
    expect(p.code, p.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'infoplane.json'), 'utf8'));
    expect(res.source).toBe('external');
    expect(res.layers.map((l: { name: string }) => l.name)).toEqual(exp.layers);
    expect(res.layers.map((l: { activation: string }) => l.activation)).toEqual(['tanh', 'tanh']);
    expect(res.epochs).toEqual(exp.epochs);
    exp.layers.forEach((layer, l) => exp.epochs.forEach((e, k) => {
      expect(Math.abs(res.mi.bin.ixt[l][k] - exp.ixt[k][l]), `plane I(X;T) epoch ${e} ${layer}`).toBeLessThan(1e-12);
      expect(Math.abs(res.mi.bin.ity[l][k] - exp.ity[k][l]), `plane I(T;Y) epoch ${e} ${layer}`).toBeLessThan(1e-12);
    }));
    expect(res.trainLoss).toEqual(exp.trainLoss);
    expect(res.trainAcc).toEqual(exp.trainAcc);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // every matrix of the dump through `infoplane mi`, first and last epoch
    for (const k of [0, exp.epochs.length - 1]) {
      exp.layers.forEach((layer, l) => {
        const m = cli(['mi', '--activations', join(dump, 'activations', `e${exp.epochs[k]}_${layer}.npy`), '--labels', join(dump, 'labels.npy')]);
        expect(m.code, m.stderr).toBe(0);
        const got = JSON.parse(m.stdout) as { ixt: number; ity: number };
        expect(Math.abs(got.ixt - exp.ixt[k][l]), `I(X;T) epoch ${exp.epochs[k]} ${layer}`).toBeLessThan(1e-12);
        expect(Math.abs(got.ity - exp.ity[k][l]), `I(T;Y) epoch ${exp.epochs[k]} ${layer}`).toBeLessThan(1e-12);
      });
    }
  }, 300_000);

  it('bench/peers/oracle_fixture.py reproduces the committed test/fixtures/oracle.json byte for byte', () => {
    expect(py, 'python3 with numpy and torch: apt-get install -y python3-numpy python3-torch').toBeTruthy();
    const out = join(tmp, 'oracle.json');
    const r = spawnSync(py!, [join(ROOT, 'bench', 'peers', 'oracle_fixture.py'), out], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8') === readFileSync(join(ROOT, 'test', 'fixtures', 'oracle.json'), 'utf8')).toBe(true);
  }, 300_000);
});
