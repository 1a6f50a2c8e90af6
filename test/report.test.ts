import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/config.js';
import type { TrainingResult as InfoplaneResult, Timing } from '../src/record/schema.js';
import { CLIENT_JS } from '../src/report/client.js';
import { decodeResultJson, escapeHtml, renderReport } from '../src/report/html.js';
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
    const html = renderReport(synth([4, 2], 5), { uplotJs: 'var s = "</SCRIPT><p>x</p>", c = "<!--";', uplotCss: 'a{}</style><p>' }, undefined);
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

  it('ships client code that parses as JS', () => {
    expect(() => new Function(CLIENT_JS)).not.toThrow();
  });
});
