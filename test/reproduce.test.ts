import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { evaluateClaims } from '../src/reproduce/claims.js';
import type { TrainingResult as InfoplaneResult } from '../src/record/schema.js';
import type { CellResult } from '../src/record/sweep.js';
import type { StudyName } from '../src/reproduce/studies.js';

const EPOCHS = [0, 10, 100, 1000, 5000, 9999];
const LINKS = { main: 'main/report.html', size: 'size/report.html', depth: 'depth/report.html', activation: 'activation/report.html' };

/** A synthetic averaged result: ixt[layer] series per estimator, flat gradients unless given. */
function result(mi: Record<string, number[][]>, extra: Partial<InfoplaneResult> = {}): InfoplaneResult {
  const L = Object.values(mi)[0].length;
  const flat = (v: number) => Array.from({ length: L }, () => EPOCHS.map(() => v));
  return {
    format: 'infoplane/1', config: { epochs: 10000 } as InfoplaneResult['config'],
    dataset: { name: 'ib12', nRows: 4096, nInputs: 12, nClasses: 2, nTrain: 3277, nTest: 819, hY: 1, log2N: 12 },
    layers: Array.from({ length: L }, (_, l) => ({ name: `L${l}`, width: 4, activation: 'tanh' })),
    epochs: EPOCHS,
    mi: Object.fromEntries(Object.entries(mi).map(([k, ixt]) => [k, { ixt, ity: ixt.map((r) => r.map(() => 0.9)), settings: '' }])),
    trainLoss: EPOCHS.map(() => 0.1), testLoss: EPOCHS.map(() => 0.1), trainAcc: EPOCHS.map(() => 0.99), testAcc: EPOCHS.map(() => 0.95),
    gradMean: flat(1), gradStd: flat(2), runs: [], ...extra,
  } as InfoplaneResult;
}
const cell = (r: InfoplaneResult, values: Record<string, string> = {}): CellResult => ({ id: 'c000', label: '', values, result: r });
const compress = [10, 11, 12, 11, 10, 10]; // peaks at epoch 100, falls 2 bits
const steady = [12, 12, 12, 12, 12, 12];

describe('claim verdicts', () => {
  it('claim 1: reproduced when every estimator sees the deeper layers compress, depends on estimator when they disagree', () => {
    const five = (s: number[]) => [steady, steady, s, s, s];
    const agree = evaluateClaims(new Map<StudyName, CellResult[]>([['main', [cell(result({ bin: five(compress), kde: five(compress) }))]]]), LINKS);
    expect(agree.find((c) => c.id === 1)!.verdict).toBe('reproduced');
    const differ = evaluateClaims(new Map<StudyName, CellResult[]>([['main', [cell(result({ bin: five(compress), kde: five(steady) }))]]]), LINKS);
    expect(differ.find((c) => c.id === 1)!.verdict).toBe('depends on estimator');
    const none = evaluateClaims(new Map<StudyName, CellResult[]>([['main', [cell(result({ bin: five(steady) }))]]]), LINKS);
    expect(none.find((c) => c.id === 1)!.verdict).toBe('not reproduced');
  });

  it('claim 4: fewer epochs to a small training error with depth', () => {
    const acc = (k0: number) => EPOCHS.map((_, k) => (k >= k0 ? 0.99 : 0.6));
    const depth = (k0s: number[]) => k0s.map((k0, d) => cell(result({ bin: Array.from({ length: d + 2 }, () => steady) }, { trainAcc: acc(k0) })));
    const yes = evaluateClaims(new Map([['depth', depth([5, 4, 3, 3, 2])]]), LINKS).find((c) => c.id === 4)!;
    expect(yes.verdict).toBe('reproduced');
    expect(yes.measured).toContain('1 layer(s): 9999, 2 layer(s): 5000');
    const no = evaluateClaims(new Map([['depth', depth([2, 3, 4, 4, 5])]]), LINKS).find((c) => c.id === 4)!;
    expect(no.verdict).toBe('not reproduced');
  });

  it('claim 2: compares the SNR transition with the compression onset per layer', () => {
    const snrDrop = (k0: number) => [EPOCHS.map((_, k) => (k >= k0 ? 0.5 : 2))];
    const r = (k0: number) => result({ bin: [compress, compress, compress] }, {
      gradMean: [...snrDrop(k0), ...snrDrop(k0), ...snrDrop(k0)], gradStd: [EPOCHS.map(() => 1), EPOCHS.map(() => 1), EPOCHS.map(() => 1)],
    });
    // compression peaks at epoch 100 (index 2): a transition at epoch 100 coincides, one at 9999 does not
    expect(evaluateClaims(new Map([['main', [cell(r(2))]]]), LINKS).find((c) => c.id === 2)!.verdict).toBe('reproduced');
    expect(evaluateClaims(new Map([['main', [cell(r(5))]]]), LINKS).find((c) => c.id === 2)!.verdict).toBe('not reproduced');
  });
});

describe('infoplane reproduce', () => {
  it('runs every study at a tiny scale, writes the report, and resumes as a no-op', () => {
    const d = mkdtempSync(join(tmpdir(), 'infoplane-repro-'));
    const args = ['reproduce', '--repeats', '1', '--epochs', '60', '--mi-points', '12', '--out', d];
    const r = cli(args);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(d, 'reproduction.json'), 'utf8'));
    expect(s.scale).toBe('quick');
    expect(s.claims.map((c: { id: number }) => c.id)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of s.claims) expect(['reproduced', 'not reproduced', 'depends on estimator']).toContain(c.verdict);
    for (const st of ['main', 'size', 'depth', 'activation']) expect(existsSync(join(d, st, 'report.html'))).toBe(true);
    const html = readFileSync(join(d, 'reproduction.html'), 'utf8');
    expect(html).toContain('href="depth/report.html"');
    const again = cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'reproduction.json'), 'utf8')).claims).toEqual(s.claims);
  }, 120_000);
});

describe('spearman', () => {
  it('is 1 for a monotone increase, -1 for a decrease, and handles ties and Infinity', async () => {
    const { spearman } = await import('../src/reproduce/claims.js');
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 5, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4, 5], [1327, 601, 513, 651, 474])).toBeCloseTo(-0.7, 12);
    expect(spearman([1, 2, 3], [Infinity, 5, 5])).toBeCloseTo(-0.866, 3);
  });
});
