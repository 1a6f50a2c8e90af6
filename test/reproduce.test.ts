import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { evaluateClaims } from '../src/reproduce/claims.js';
import { renderReproduction, type ReproductionSummary } from '../src/reproduce/report.js';
import { DOMParser } from '@xmldom/xmldom';
import { compressionMeasure, fallOf, lateJitter, switchMeasure, boundInverse } from '../src/reproduce/measures.js';
import { seededUniform } from '../src/stats/rng.js';
import type { TrainingResult as InfoplaneResult, RunRecord } from '../src/record/schema.js';
import type { CellResult } from '../src/record/sweep.js';
import type { StudyName } from '../src/reproduce/studies.js';

// Synthetic per-network records on a log schedule of 0..4999: six layers (five hidden + output).
const EPOCHS = [...new Set(Array.from({ length: 60 }, (_, i) => Math.floor(5000 ** (i / 59)) - 1))].map((e) => Math.max(0, e));
const K = EPOCHS.length, L = 6;
const at = (epoch: number) => EPOCHS.findIndex((e) => e >= epoch);

interface Shape { fall?: number; onset?: number; switchAt?: number; noise?: number; testErrAt?: number; ityFall?: number }

/** One network: hidden layers' I(X;T) rise to a peak at `onset`, then fall by `fall` bits; I(T;Y)
 *  saturates before the onset; SNR 10 before `switchAt`, 0.3 after; test error 0.4 -> 0.02 at `testErrAt`. */
function network(seed: number, s: Shape): RunRecord {
  const u = seededUniform(seed), jitter = () => (u() - 0.5) * 2 * (s.noise ?? 0.02);
  const onset = s.onset ?? 100, fall = s.fall ?? 0, kOn = at(onset), sw = s.switchAt ?? 100;
  const ixt = Array.from({ length: L }, (_, l) => EPOCHS.map((_e, k) => {
    const top = 10 - l;
    const v = k <= kOn ? top - 1 + k / kOn : top - fall * Math.min(1, (k - kOn) / (K - 1 - kOn) * 3);
    return v + jitter();
  }));
  const ity = Array.from({ length: L }, () => EPOCHS.map((_e, k) => {
    const base = 0.2 + 0.7 * Math.min(1, k / (kOn * 0.8));
    return base - (s.ityFall ?? 0) * Math.max(0, (k - kOn) / (K - 1 - kOn)) + jitter() / 10;
  }));
  return {
    repeat: seed, seed, status: 'ok', epochs: EPOCHS,
    mi: { bin: { ixt, ity, settings: '' } },
    trainLoss: EPOCHS.map(() => 0.1), trainAcc: EPOCHS.map((e) => (e < onset ? 0.8 : 0.99)),
    testLoss: EPOCHS.map((_e, k) => 0.3 + (s.ityFall ? 0.3 * Math.max(0, (k - kOn) / (K - 1 - kOn)) : 0) + jitter() / 10),
    testAcc: EPOCHS.map((e) => (e < (s.testErrAt ?? 200) ? 0.6 : 0.98) + jitter() / 10),
    gradMean: Array.from({ length: L }, () => EPOCHS.map((e) => (e < sw ? 10 : 0.3))), gradStd: Array.from({ length: L }, () => EPOCHS.map(() => 1)),
  };
}

function cell(runs: RunRecord[], values: Record<string, string> = {}, layers = L): CellResult {
  const cut = (r: RunRecord): RunRecord => ({ ...r, mi: { bin: { ...r.mi.bin, ixt: r.mi.bin.ixt.slice(L - layers), ity: r.mi.bin.ity.slice(L - layers) } }, gradMean: r.gradMean.slice(L - layers), gradStd: r.gradStd.slice(L - layers) });
  const rs = runs.map(cut);
  return {
    id: 'c000', label: JSON.stringify(values), values,
    result: {
      format: 'infoplane/1', config: { epochs: 5000 } as InfoplaneResult['config'],
      dataset: { name: 'ib12', nRows: 4096, nInputs: 12, nClasses: 2, nTrain: 3277, nTest: 819, hY: 1, log2N: 12 },
      layers: Array.from({ length: layers }, (_, l) => ({ name: l === layers - 1 ? 'output' : `L${l + 1}`, width: 4, activation: 'tanh' })),
      ...rs[0], runs: rs,
    } as InfoplaneResult,
  };
}
const nets = (n: number, s: Shape, seed0 = 1) => Array.from({ length: n }, (_, i) => network(seed0 + i, s));
const claim = (studies: [StudyName, CellResult[]][], id: string) => evaluateClaims(new Map(studies), 0).claims.find((c) => c.id === id)!;

describe('per-network measurements', () => {
  it('fall, onset and jitter of a crafted network', () => {
    const r = network(1, { fall: 2, onset: 100, noise: 0 });
    const f = fallOf(EPOCHS, r.mi.bin.ixt[3]);
    // the median window trims a sharp peak a little (by design: one epoch cannot make a peak)
    expect(f.amount).toBeGreaterThan(1.85);
    expect(f.amount).toBeLessThanOrEqual(2);
    expect(Math.abs(Math.log10((f.peakEpoch + 1) / 101))).toBeLessThan(0.15);
    expect(lateJitter(EPOCHS, EPOCHS.map(() => 1))).toBe(0);
    const c = compressionMeasure(r, 'bin');
    expect(c.amount).toBeGreaterThan(1.85);
    expect(c.fittedAtOnset).toBeGreaterThan(0.9);
  });
  it('switch per layer from the smoothed SNR', () => {
    const m = switchMeasure(network(2, { fall: 2, onset: 100, switchAt: 1000 }), 'bin');
    expect(m.perLayer.every((p) => p.switch !== null && p.switch >= 1000 && p.switch < 1300)).toBe(true);
    expect(m.logRatio).toBeLessThan(-0.8);
  });
  it('bound inverse interpolates and clamps', () => {
    const b = [{ beta: null, ixt: 0, ity: 0 }, { beta: null, ixt: 2, ity: 0.5 }, { beta: null, ixt: 6, ity: 0.7 }];
    expect(boundInverse(b, 0.25)).toBeCloseTo(1, 12);
    expect(boundInverse(b, 0.6)).toBeCloseTo(4, 12);
    expect(boundInverse(b, 0.9)).toBe(6);
  });
});

describe('claim verdicts on crafted per-network data', () => {
  const main = (s: Shape, n = 12) => ['main', [cell(nets(n, s))]] as [StudyName, CellResult[]];
  const ctl = (name: StudyName, s: Shape, n = 12) => [name, [cell(nets(n, s, 500))]] as [StudyName, CellResult[]];

  it('claim 1: clear compression, linear control flat: reproduced', () => {
    const c = claim([main({ fall: 2 }), ctl('linear', { fall: 0 })], 'claim1');
    expect(c.verdict).toBe('reproduced');
    expect(c.effect.ci95[0]).toBeGreaterThan(c.effect.floor);
    expect(c.controls.find((k) => k.name === 'linear network')!.verdict).toBe('not reproduced');
  });
  it('claim 1: the linear control compresses as much: inconclusive, and the row says the estimator does it', () => {
    const c = claim([main({ fall: 2 }), ctl('linear', { fall: 2 })], 'claim1');
    expect(c.verdict).toBe('inconclusive');
    expect(c.notes!.join(' ')).toMatch(/estimator itself produces/);
  });
  it('claim 1: no compression: not reproduced', () => {
    expect(claim([main({ fall: 0 }), ctl('linear', { fall: 0 })], 'claim1').verdict).toBe('not reproduced');
  });
  it('claim 1: too few networks: inconclusive', () => {
    expect(claim([main({ fall: 2 }, 3), ctl('linear', { fall: 0 }, 3)], 'claim1').verdict).toBe('inconclusive');
  });
  it('claim 2: onset at the switch and full batch flat: reproduced; full batch compressing as much: not reproduced', () => {
    expect(claim([main({ fall: 2, onset: 100, switchAt: 100 }), ctl('fullbatch', { fall: 0 })], 'claim2').verdict).toBe('reproduced');
    const c = claim([main({ fall: 2, onset: 100, switchAt: 100 }), ctl('fullbatch', { fall: 2.2 })], 'claim2');
    expect(c.verdict).toBe('not reproduced');
    expect(c.notes!.join(' ')).toMatch(/Full-batch training/);
  });
  it('claim 2: the switch a decade after the onset: not reproduced', () => {
    expect(claim([main({ fall: 2, onset: 100, switchAt: 1500 }), ctl('fullbatch', { fall: 0 })], 'claim2').verdict).toBe('not reproduced');
  });
  it('claim 4: deeper nets reach the test error sooner: reproduced; no trend: inconclusive or not reproduced', () => {
    const depth = (at: (d: number) => number) => ['depth', [1, 2, 3, 4, 5].map((d) => cell(nets(8, { testErrAt: at(d) }, 100 * d), { layers: String(d) }, d + 1))] as [StudyName, CellResult[]];
    const yes = claim([depth((d) => 2000 / 2 ** d)], 'claim4');
    expect(yes.verdict).toBe('reproduced');
    expect(yes.effect.ci95[1]).toBeLessThan(0);
    expect(claim([depth(() => 300)], 'claim4').verdict).not.toBe('reproduced');
    expect(claim([depth((d) => 50 * 2 ** d)], 'claim4').verdict).toBe('not reproduced');
  });
  it('claim 5: a late I(T;Y) fall only with the small training set, with rising test loss: reproduced', () => {
    const size = (small: Shape) => ['size', [
      cell(nets(10, small, 10), { trainFraction: '0.05' }), cell(nets(10, { ityFall: 0 }, 30), { trainFraction: '0.85' }),
    ]] as [StudyName, CellResult[]];
    expect(claim([size({ ityFall: 0.2 })], 'claim5').verdict).toBe('reproduced');
    expect(claim([size({ ityFall: 0 })], 'claim5').verdict).toBe('not reproduced');
  });
  it('Saxe: tanh compresses relative to its rise, ReLU not: reproduced; both compress: not reproduced', () => {
    const act = (relu: Shape) => ['activation', [cell(nets(10, { fall: 2 }, 10), { activation: 'tanh' }), cell(nets(10, relu, 40), { activation: 'relu' })]] as [StudyName, CellResult[]];
    expect(claim([act({ fall: 0 })], 'saxe').verdict).toBe('reproduced');
    expect(claim([act({ fall: 2 })], 'saxe').verdict).toBe('not reproduced');
  });
});

describe('the reproduction report draws the figures of every claim', () => {
  /** Every study at 6 networks; the main and noisy results with 95% CIs, the noisy one with its bound. */
  function studies(): Map<StudyName, CellResult[]> {
    const withCi = (c: CellResult, bound: boolean) => {
      const r = c.result, band = (g: number[][]) => g.map((row) => row.map((v) => [v - 0.1, v + 0.1] as [number, number]));
      r.ci95 = { mi: { bin: { ixt: band(r.mi.bin.ixt), ity: band(r.mi.bin.ity) } } } as unknown as InfoplaneResult['ci95'];
      if (bound) r.bound = { points: [{ beta: null, ixt: 0, ity: 0 }, { beta: 1, ixt: 3, ity: 0.7 }, { beta: 10, ixt: 12, ity: 0.95 }], labelModel: { kind: 'noisy' } } as InfoplaneResult['bound'];
      return c;
    };
    return new Map<StudyName, CellResult[]>([
      ['main', [withCi(cell(nets(6, { fall: 2 })), false)]],
      ['linear', [cell(nets(6, {}, 100))]], ['shuffled', [cell(nets(6, {}, 200))]], ['fullbatch', [cell(nets(6, {}, 300))]],
      ['noisy', [withCi(cell(nets(6, {}, 400)), true)]],
      ['size', [cell(nets(6, { ityFall: 0.2 }, 10), { trainFraction: '0.05' }), cell(nets(6, {}, 30), { trainFraction: '0.85' })]],
      ['depth', [1, 2, 3, 4, 5].map((d) => cell(nets(6, { testErrAt: 2000 / 2 ** d }, 100 * d), { layers: String(d) }, d + 1))],
      ['activation', [cell(nets(6, { fall: 2 }, 10), { activation: 'tanh' }), cell(nets(6, {}, 40), { activation: 'relu' })]],
    ]);
  }
  function render(st: Map<StudyName, CellResult[]>) {
    const ev = evaluateClaims(st, 0);
    const summary: ReproductionSummary = {
      format: 'infoplane-reproduction/2', scale: 'quick', settings: { repeats: 6, epochs: 5000, miPoints: 60, seed: 0, kdeSamples: 0, threads: 1 },
      seconds: 1, studies: [], claims: ev.claims, exploratory: [], sensitivity: [], dpi: [],
    };
    const html = renderReproduction(summary, st);
    // each claim's section, by id
    const sections = new Map(html.split('<a id="').slice(1).map((part) => [part.slice(0, part.indexOf('"')), part] as [string, string]));
    return { html, sections, claims: ev.claims.map((c) => c.id) };
  }
  /** The figures of one section, each parsed strictly as XML (an inline SVG must be well formed). */
  function figures(section: string) {
    const out: { kind: string; doc: Document; text: string }[] = [];
    for (const m of section.matchAll(/<figure[^>]*data-figure="(plane|chart)"[^>]*>([\s\S]*?)<\/figure>/g)) {
      const errors: string[] = [];
      const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } }).parseFromString(m[2], 'image/svg+xml') as unknown as Document;
      expect(errors).toEqual([]);
      out.push({ kind: m[1], doc, text: Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent).join(' | ') });
    }
    return out;
  }

  it('planes (with the networks\' paths, CI crosses and the bound) and charts per claim; ids unique on the page', () => {
    const { html, sections, claims } = render(studies());
    expect(claims).toEqual(['claim1', 'claim2', 'claim3', 'claim4', 'claim5', 'saxe']);
    const c1 = figures(sections.get('claim1')!);
    expect(c1.map((f) => f.kind)).toEqual(['plane', 'plane', 'plane', 'plane']);
    expect(c1.map((f) => f.text.split(' | ')[0])).toEqual(['main (tanh), 30 edges', 'control: linear', 'control: shuffled labels', 'control: full batch']);
    // the study's plane: 6 networks' own paths (faint grey) per layer, and the CI of the mean
    const main = c1[0].doc, grey = Array.from(main.getElementsByTagName('polyline')).filter((p) => p.getAttribute('stroke') === '#555555');
    expect(grey.length).toBeGreaterThanOrEqual(6 * L);
    expect(c1[0].text).toContain('95% CI of mean');
    expect(c1[0].text).toContain('6 networks');
    const c2 = figures(sections.get('claim2')!);
    expect(c2.map((f) => f.kind)).toEqual(['chart']);
    expect(c2[0].text).toMatch(/compression onset.*SNR switch/);
    const c3 = figures(sections.get('claim3')!);
    expect(c3.map((f) => f.kind)).toEqual(['plane']);
    expect(c3[0].text).toContain('IB bound (noisy labels)');
    const c4 = figures(sections.get('claim4')!);
    expect(c4.map((f) => f.kind)).toEqual(['chart']);
    // one marker per depth, each with its CI bar
    expect(c4[0].doc.getElementsByTagName('use').length).toBe(5);
    expect(c4[0].text).toMatch(/slope -?\d/);
    const c5 = figures(sections.get('claim5')!);
    expect(c5.map((f) => f.kind)).toEqual(['chart', 'chart']);
    expect(c5[0].text).toMatch(/5%.*85%/);
    const saxe = figures(sections.get('saxe')!);
    expect(saxe.map((f) => f.text.split(' | ')[0])).toEqual(['tanh: I(X;T), deeper layers (95% band)', 'relu: I(X;T), deeper layers (95% band)']);
    // 95% bands are drawn as filled polygons
    expect(saxe[0].doc.getElementsByTagName('polygon').length).toBeGreaterThan(0);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // static: no script, nothing fetched
    expect(html).not.toMatch(/<script|(?:src|href)="https?:/);
  });
  it('a missing study leaves its claim without figures rather than a broken one', () => {
    const st = studies();
    st.delete('linear');
    const { sections } = render(st);
    expect(figures(sections.get('claim1')!).map((f) => f.text.split(' | ')[0])).toEqual(['main (tanh), 30 edges', 'control: shuffled labels', 'control: full batch']);
  });
});

describe('infoplane reproduce', () => {
  it('runs every study with its controls at a tiny scale, writes reproduce.json with the claim-row schema, and resumes as a no-op', () => {
    const d = mkdtempSync(join(tmpdir(), 'infoplane-repro-'));
    const args = ['reproduce', '--repeats', '2', '--epochs', '60', '--mi-points', '12', '--seed', '3', '--out', d];
    const r = cli(args);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(d, 'reproduce.json'), 'utf8'));
    expect(s.scale).toBe('quick');
    expect(s.settings.seed).toBe(3);
    expect(s.claims.map((c: { id: string }) => c.id)).toEqual(['claim1', 'claim2', 'claim3', 'claim4', 'claim5', 'saxe',
      // Lorenzen et al. (reproduce/quantized.ts)
      'lorenzen-fitting', 'lorenzen-output-compression', 'lorenzen-hidden-compression', 'lorenzen-binning-agreement']);
    for (const c of s.claims) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'title', 'verdict', 'rule', 'effect', 'test', 'controls']));
      expect(Object.keys(c.effect)).toEqual(expect.arrayContaining(['name', 'estimate', 'ci95', 'n', 'floor']));
      expect(Object.keys(c.test)).toEqual(['name', 'p']);
      // two networks per setting are too few for any verdict
      expect(c.verdict).toBe('inconclusive');
    }
    for (const st of ['main', 'linear', 'shuffled', 'fullbatch', 'noisy', 'size', 'depth', 'activation']) expect(existsSync(join(d, st, 'report.html'))).toBe(true);
    const html = readFileSync(join(d, 'reproduce.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('href="depth/report.html"');
    const again = cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'reproduce.json'), 'utf8')).claims).toEqual(s.claims);
  }, 240_000);
});
