import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/config.js';
import type { TrainingResult as InfoplaneResult, Timing } from '../src/record/schema.js';
import { Script } from 'node:vm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { cli } from './helpers/cli.js';
import { planeInputFromResult, planeModel, planeSvg, type ReportResult } from '../src/report/plane.js';
import { decodeResultJson, encodeResultJson, escapeHtml, renderReport } from '../src/report/html.js';
import { loadUplotAssets } from '../src/report/assets-node.js';

const assets = loadUplotAssets();

/** A synthetic result: `widths.length` layers (the last one is the softmax), `nEpochs` logged epochs. */
function synth(widths: number[], nEpochs: number, opts: { name?: string; layerName?: string; estimators?: string[] } = {}): InfoplaneResult {
  const epochs = Array.from({ length: nEpochs }, (_, k) => (nEpochs === 1 ? 0 : Math.round(Math.expm1((k / (nEpochs - 1)) * Math.log(8000)))));
  const L = widths.length;
  const grid = (f: (l: number, k: number) => number) => widths.map((_, l) => epochs.map((_, k) => f(l, k)));
  const curve = (f: (k: number) => number) => epochs.map((_, k) => f(k));
  const mi: InfoplaneResult['mi'] = {};
  for (const est of opts.estimators ?? ['bin']) {
    mi[est] = { ixt: grid((l, k) => 12 - l * 1.5 - k / nEpochs), ity: grid((l, k) => 0.99 * (k + 1) / nEpochs - l * 0.01), settings: `${est}: 30 bins in [-1, 1]` };
  }
  const series = {
    epochs, mi,
    trainLoss: curve((k) => 0.7 / (k + 1)), trainAcc: curve((k) => 0.5 + 0.5 * k / nEpochs),
    testLoss: curve((k) => 0.75 / (k + 1)), testAcc: curve((k) => 0.5 + 0.4 * k / nEpochs),
    gradMean: grid((l, k) => 1e-2 / (k + 1 + l)), gradStd: grid((l) => 1e-3 * (l + 1)),
  };
  return {
    format: 'infoplane/1',
    config: { ...DEFAULTS, name: opts.name ?? 'test', layers: widths.slice(0, -1) },
    dataset: { name: 'ib12', nRows: 4096, nInputs: 12, nClasses: 2, nTrain: 3277, nTest: 819, hY: 0.99916, log2N: 12 },
    layers: widths.map((w, l) => ({ name: l === 0 && opts.layerName ? opts.layerName : `L${l + 1}`, width: w, activation: l === L - 1 ? 'softmax' : 'tanh' })),
    runs: [{ ...series, repeat: 0, seed: 1, status: 'ok' }, { ...series, repeat: 1, seed: 2, status: 'diverged', divergedAt: 123 }],
    ...series,
  };
}

/** The text of the embedded JSON block. */
function jsonBlock(html: string): string {
  const m = /<script type="application\/json" id="infoplane-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return m![1];
}

const timing: Timing = { startedAt: '2025-01-02T03:04:05Z', seconds: 12.5, threads: 2, epochsPerSecond: 640, node: 'v20', host: 'box' };

describe('renderReport', () => {
  it('is self-contained: inlined uPlot, no external URLs', () => {
    const html = renderReport(synth([10, 7, 5, 4, 3, 2], 50), assets, timing);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // uPlot's code (its first statement) and CSS are inlined.
    expect(html).toContain(assets.uplotJs.slice(assets.uplotJs.indexOf('var uPlot='), 2000));
    expect(html).toContain('.uplot');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    // Header facts and timing.
    expect(html).toContain('3277 / 819');
    expect(html).toContain('0.99916 bits');
    expect(html).toContain('640.0 epochs/s');
    expect(html).toContain('#1 diverged at epoch 123');
  });

  it('embeds the result as JSON that parses back to the input', () => {
    for (const [widths, n] of [[[10, 7, 5, 4, 3, 2], 274], [[2], 1], [[12, 11, 10, 9, 8, 7, 6, 2], 1000]] as const) {
      const result = synth([...widths], n);
      const back = decodeResultJson(jsonBlock(renderReport(result, assets)));
      expect(back).toEqual(result);
      expect(back.mi.bin.ixt.length).toBe(widths.length);
      expect(back.epochs.length).toBe(n);
    }
  });

  it('keeps NaN, Infinity and null values', () => {
    const result = synth([10, 2], 20);
    result.mi.bin.ixt[1][3] = NaN;
    result.gradStd[0][5] = Infinity;
    result.testLoss[7] = -Infinity;
    (result.trainAcc as (number | null)[])[2] = null;
    const back = decodeResultJson(jsonBlock(renderReport(result, assets))) as InfoplaneResult;
    expect(back.mi.bin.ixt[1][3]).toBeNaN();
    expect(back.gradStd[0][5]).toBe(Infinity);
    expect(back.testLoss[7]).toBe(-Infinity);
    expect(back.trainAcc[2]).toBeNull();
    expect(back).toEqual(result);
  });

  it('escapes user text everywhere', () => {
    const evil = '<script>alert(1)</script>';
    const odd = `a&<>"'b`;
    const result = synth([10, 7, 2], 30, { name: evil, layerName: odd, estimators: ['bin', `k<d>e&"`] });
    result.mi.bin.settings = `bins <b>30</b> & '-1'`;
    result.dataset.name = '</td><img src=x onerror=alert(2)>';
    const html = renderReport(result, assets, { ...timing, host: '<i>host</i>' });
    for (const raw of [evil, odd, `k<d>e&"`, '<b>30</b>', '<img src=x', '<i>host</i>']) {
      expect(html).not.toContain(raw);
    }
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain(`<title>infoplane: ${escapeHtml(evil)}</title>`);
    expect(html).toContain(`<td>${escapeHtml(odd)}</td>`);
    expect(html).toContain(escapeHtml(result.mi.bin.settings));
    // Exactly three <script> elements and the JSON block cannot end early or open a comment.
    expect(html.match(/<script\b/gi)?.length).toBe(3);
    expect(html.match(/<\/script/gi)?.length).toBe(3);
    const block = jsonBlock(html);
    expect(block).not.toMatch(/<\/script|<!--|</i);
    expect(decodeResultJson(block).config.name).toBe(evil);
  });

  it('escapes </script and <!-- inside inlined code', () => {
    const html = renderReport(synth([4, 2], 5), { ...assets, uplotJs: 'var s = "</SCRIPT><p>x</p>", c = "<!--";', uplotCss: 'a{}</style><p>' }, undefined);
    expect(html).not.toContain('</SCRIPT><p>');
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('</style><p>');
    expect(html.match(/<\/script/gi)?.length).toBe(3);
  });

  it('has one plane per estimator', () => {
    for (const est of [['bin'], ['bin', 'kde_upper', 'kde_lower'], []]) {
      const html = renderReport(synth([5, 3, 2], 10, { estimators: est }), assets);
      expect(html.match(/<figure class="plane"/g)?.length ?? 0).toBe(est.length);
      for (const e of est) expect(html).toContain(`estimator <b>${e}</b>`);
    }
  });

  it('ships client code that parses as one classic script, without eval', () => {
    for (const js of [assets.reportJs, assets.sweepJs]) {
      expect(() => new Script(js)).not.toThrow();
      expect(js).not.toMatch(/\bnew Function\b|\beval\(|^\s*(import|export)\b/m);
    }
    // the plane module is in both, once
    expect(assets.reportJs.match(/function drawPlane\(/g)).toHaveLength(1);
    expect(assets.sweepJs.match(/function drawPlane\(/g)).toHaveLength(1);
  });
});

// ---- the plane as SVG (plane.ts): what `infoplane report --svg` and the export buttons write ----
/** Parses SVG text strictly: any XML error throws. */
function parseSvg(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } })
    .parseFromString(text, 'image/svg+xml') as unknown as Document;
  expect(errors).toEqual([]);
  return doc;
}
const all = (node: Document | Element, tag: string) => Array.from(node.getElementsByTagName(tag)) as Element[];
const byClass = (node: Document | Element, tag: string, cls: string) => all(node, tag).filter((e) => (e.getAttribute('class') ?? '').split(' ').includes(cls));
const texts = (node: Document | Element) => all(node, 'text').map((t) => t.textContent);

/** Viridis at t, computed here from the published endpoints and midpoint (independent of plane.ts). */
const VIRIDIS_ENDS = { first: '#440154', mid: '#21908d', last: '#fde725' };

/** synth() with a noisy-label bound, ci95 around the mean and 3 networks. */
function withUncertainty(r: InfoplaneResult, nRuns = 3): ReportResult {
  const out = r as ReportResult;
  out.bound = { points: [{ beta: null, ixt: 0, ity: 0 }, { beta: 1, ixt: 2, ity: 0.6 }, { beta: 10, ixt: 6, ity: 0.99 }], labelModel: { kind: 'data' } } as ReportResult['bound'];
  const band = (g: number[][], h: number) => g.map((row) => row.map((v): [number, number] => [v - h, v + h]));
  out.ci95 = { mi: { bin: { ixt: band(r.mi.bin.ixt, 0.3), ity: band(r.mi.bin.ity, 0.02) } },
    trainLoss: r.trainLoss.map((v): [number, number] => [v * 0.9, v * 1.1]) };
  out.runs = Array.from({ length: nRuns }, (_, i) => ({ ...r.runs[0], repeat: i, seed: i, status: 'ok' as const,
    mi: { bin: { ...r.mi.bin, ixt: r.mi.bin.ixt.map((row) => row.map((v) => v + 0.1 * (i - 1))) } } }));
  return out;
}

describe('planeSvg', () => {
  it('is well-formed SVG with axes, colour bar, legend and the H(Y) line', () => {
    const r = synth([10, 7, 5, 4, 3, 2], 40);
    r.runs = r.runs.slice(0, 1); // one network: no spread to show
    const doc = parseSvg(planeSvg(planeModel(planeInputFromResult(r, 'bin'))));
    const svg = doc.documentElement;
    expect(svg.tagName).toBe('svg');
    expect(svg.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(Number(svg.getAttribute('width'))).toBeGreaterThan(600);
    // axes: ticks 0..12 on x, labels on both axes
    expect(texts(byClass(doc, 'g', 'x')[0])).toEqual(expect.arrayContaining(['0', '2', '4', '6', '8', '10', '12', 'I(X;T)  [bits]']));
    expect(texts(byClass(doc, 'g', 'y')[0])).toEqual(expect.arrayContaining(['0', '0.2', '1', 'I(T;Y)  [bits]']));
    // colour bar: a gradient from viridis' first to last colour, labelled with epochs up to the last one
    const bar = byClass(doc, 'rect', 'colour-bar');
    expect(bar).toHaveLength(1);
    const grad = all(doc, 'linearGradient').find((g) => bar[0].getAttribute('fill') === `url(#${g.getAttribute('id')})`)!;
    const stops = all(grad, 'stop').map((s) => s.getAttribute('stop-color'));
    expect([stops[0], stops[4], stops[stops.length - 1]]).toEqual([VIRIDIS_ENDS.first, VIRIDIS_ENDS.mid, VIRIDIS_ENDS.last]);
    expect(texts(doc)).toEqual(expect.arrayContaining(['epoch', '0', String(r.epochs[r.epochs.length - 1]), 'H(Y)']));
    // legend: one entry per layer, each with its own marker shape
    const legend = byClass(doc, 'g', 'legend')[0];
    expect(texts(legend)).toEqual(['layer', 'L1 (10, tanh)', 'L2 (7, tanh)', 'L3 (5, tanh)', 'L4 (4, tanh)', 'L5 (3, tanh)', 'L6 (2, softmax)']);
    const shapes = all(legend, 'use').map((u) => u.getAttribute('xlink:href'));
    expect(new Set(shapes).size).toBe(6);
    for (const id of shapes) expect(all(doc, '*').some((e) => `#${e.getAttribute('id')}` === id)).toBe(true);
    // no bound, no CI, no networks' paths in this result
    expect(texts(doc)).not.toContain('IB bound');
    expect(texts(doc).some((t) => /CI|networks/.test(t ?? ''))).toBe(false);
  });

  it('puts every point where its value is, coloured by its epoch', () => {
    const r = synth([10, 7, 5, 2], 25);
    const svg = planeSvg(planeModel(planeInputFromResult(r, 'bin')), { width: 600, height: 300 });
    const doc = parseSvg(svg);
    const [left, top, W, H] = doc.documentElement.getAttribute('data-frame')!.split(' ').map(Number);
    expect([W, H]).toEqual([600, 300]);
    // synth: I(X;T) within [0, 12] = [0, log2 N]; I(T;Y) within [0, H(Y)], the y axis going to 1.02 H(Y)
    const x = (v: number) => left + (v / 12) * W, y = (v: number) => top + H - (v / (r.dataset.hY * 1.02)) * H;
    const groups = byClass(doc, 'g', 'markers').filter((g) => g.parentNode !== byClass(doc, 'g', 'legend')[0]);
    expect(groups).toHaveLength(25);
    groups.forEach((g, k) => {
      const uses = all(g, 'use');
      expect(uses.map((u) => Number(u.getAttribute('data-layer')))).toEqual([0, 1, 2, 3]);
      uses.forEach((u, l) => {
        expect(Number(u.getAttribute('x'))).toBeCloseTo(x(r.mi.bin.ixt[l][k]), 1);
        expect(Number(u.getAttribute('y'))).toBeCloseTo(y(r.mi.bin.ity[l][k]), 1);
      });
    });
    expect(groups[0].getAttribute('fill')).toBe(VIRIDIS_ENDS.first);   // epoch 0
    expect(groups[24].getAttribute('fill')).toBe(VIRIDIS_ENDS.last);   // the last epoch
    // a tick label sits where its value maps
    const four = all(byClass(doc, 'g', 'x')[0], 'text').find((t) => t.textContent === '4')!;
    expect(Number(four.getAttribute('x'))).toBeCloseTo(x(4), 1);
    // the epoch slider's cut: epochs 0..9 only; hidden layers are left out
    const cut = parseSvg(planeSvg(planeModel(planeInputFromResult(r, 'bin')), { shownK: 9, visible: [true, false, true, true] }));
    const cutGroups = byClass(cut, 'g', 'markers').filter((g) => g.parentNode !== byClass(cut, 'g', 'legend')[0]);
    expect(cutGroups).toHaveLength(10);
    expect(all(cutGroups[3], 'use').map((u) => u.getAttribute('data-layer'))).toEqual(['0', '2', '3']);
  });

  it('draws the bound, the CI crosses and each network when the result has them', () => {
    const r = withUncertainty(synth([10, 7, 2], 30), 3);
    const m = planeModel(planeInputFromResult(r, 'bin'));
    const doc = parseSvg(planeSvg(m));
    expect(texts(doc)).toEqual(expect.arrayContaining(['IB bound', '95% CI of mean', '3 networks']));
    const lines = all(doc, 'polyline');
    const bound = lines.filter((p) => p.getAttribute('stroke') === '#c81e1e');
    expect(bound.length).toBe(2); // the curve and its legend entry
    const boundPts = bound[0].getAttribute('points')!.split(' ').map((p) => p.split(',').map(Number));
    expect(boundPts).toHaveLength(3);
    // 3 networks x 3 layers thin paths
    expect(lines.filter((p) => p.getAttribute('stroke') === '#555555' && p.getAttribute('stroke-width') === '0.8')).toHaveLength(9);
    // crosses: a horizontal bar spanning the CI of I(X;T) at each chosen epoch, for each layer
    expect(m.ciK.length).toBeGreaterThan(3);
    const [left, , W] = doc.documentElement.getAttribute('data-frame')!.split(' ').map(Number);
    const k = m.ciK[2], lo = r.ci95!.mi!.bin.ixt[1][k][0], hi = r.ci95!.mi!.bin.ixt[1][k][1];
    const want = `${(left + (lo / 12) * W).toFixed(2)}`;
    expect(lines.some((p) => (p.getAttribute('points') ?? '').startsWith(String(Number(want))) &&
      Math.abs(Number(p.getAttribute('points')!.split(' ')[1].split(',')[0]) - (left + (hi / 12) * W)) < 0.01)).toBe(true);
    // one network shown: no crosses, no paths
    const one = parseSvg(planeSvg(planeModel(planeInputFromResult(r, 'bin', 1))));
    expect(texts(one).some((t) => /CI|networks/.test(t ?? ''))).toBe(false);
  });

  it('escapes text and survives missing values', () => {
    const r = synth([4, 2], 12, { layerName: '<a&b>' });
    r.mi.bin.ixt[0][3] = NaN;
    (r.mi.bin.ity[1] as (number | null)[])[5] = null;
    const doc = parseSvg(planeSvg(planeModel(planeInputFromResult(r, 'bin')), { title: 'x < y & "z"' }));
    expect(texts(doc)).toEqual(expect.arrayContaining(['<a&b> (4, tanh)', 'x < y & "z"']));
    const groups = byClass(doc, 'g', 'markers').filter((g) => g.parentNode !== byClass(doc, 'g', 'legend')[0]);
    expect(all(groups[3], 'use')).toHaveLength(1);
    expect(all(groups[5], 'use')).toHaveLength(1);
  });
});

describe('report panels and provenance', () => {
  it('leaves out panels without data and says the data came from elsewhere', () => {
    const t = synth([10, 5, 2], 20), r = t as ReportResult;
    const nan = (a: number[]) => a.map(() => NaN);
    Object.assign(r, { source: 'external', origin: { kind: 'dump', path: 'dumps/<run>', writer: 'torch hooks' },
      warnings: ['L1: 44.5% of values in the outermost bins'], trainLoss: nan(t.trainLoss), testLoss: nan(t.testLoss), trainAcc: nan(t.trainAcc),
      testAcc: nan(t.testAcc), gradMean: [], gradStd: [], runs: [] });
    const html = renderReport(r, assets);
    expect(html).not.toContain('<figure class="grad"');
    expect(html).not.toContain('<figure class="loss"');
    expect(html).not.toContain('<figure class="acc"');
    expect(html).toContain('<figure class="plane"');
    expect(html).toMatch(/external training run/);
    expect(html).toMatch(/no losses, accuracies, gradients were recorded/);
    expect(html).toContain('activations: dumps/&#60;run&#62;; written by: torch hooks');
    expect(html).toContain('<li>L1: 44.5% of values in the outermost bins</li>');
    const noSplit = structuredClone(r) as ReportResult;
    const ds = noSplit.dataset as { nTrain?: number; nTest?: number; nInputs?: number };
    delete ds.nTrain; delete ds.nTest; delete ds.nInputs;
    const h2 = renderReport(noSplit, assets);
    expect(h2).not.toMatch(/<td>[^<]*undefined/);
    expect(h2).toContain('<td>4096 (2 classes)</td>');
    // phases: compression only (no gradient SNR without gradients); no "repeats" row without networks
    r.phases = { threshold: 0.1, snrTransition: [3, 4, 5], compression: { bin: [0, 1, 2].map(() => ({ onset: 4, peak: 9, amount: 1 })) } };
    const withPhases = renderReport(r, assets);
    expect(withPhases).toContain('compression onset');
    expect(withPhases).not.toMatch(/SNR/);
    expect(withPhases).not.toMatch(/<td>0 \(0 ok\)/);
    expect(renderReport(synth([10, 5, 2], 20), assets)).toMatch(/<td>2 \(1 ok, #1 diverged at epoch 123\)/);
    // a run of our own keeps them all and says so
    const own = renderReport(withUncertainty(synth([10, 5, 2], 20)), assets);
    for (const f of ['grad', 'loss', 'acc']) expect(own).toContain(`<figure class="${f}"`);
    expect(own).toMatch(/Data: trained by infoplane run \(3 networks; curves are the mean with bootstrap 95% confidence bands/);
  });
});

describe('infoplane report --svg', () => {
  it('writes one SVG per estimator next to the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-svg-'));
    try {
      writeFileSync(join(dir, 'infoplane.json'), encodeResultJson(synth([6, 3, 2], 15, { estimators: ['bin', 'kde-upper'] })));
      const r = cli(['report', dir, '--svg']);
      expect(r.code, r.stderr).toBe(0);
      for (const est of ['bin', 'kde-upper']) {
        const doc = parseSvg(readFileSync(join(dir, `plane-${est}.svg`), 'utf8'));
        expect(byClass(doc, 'g', 'markers').length).toBeGreaterThan(15);
      }
      expect(r.stdout).toMatch(/svg: .*plane-kde-upper\.svg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
