// The live web app, served by `infoplane serve` on an ephemeral port, in real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { collectErrors, launch, pngSize, shotDir } from './helpers.js';
import { csvDataset, runWithCi, serveApp } from './fixtures.js';
type State = { running: boolean; epoch: number; points: number; shownK: number; layers: number; drawnPoints: number[]; done: boolean };
// page functions are serialised, so predicates are strings over this read-only hook
const S = 'window.__infoplane.state';

let app: Awaited<ReturnType<typeof serveApp>>, url: string;

beforeAll(async () => { app = await serveApp(); url = app.url; });
afterAll(() => { app?.stop(); });

describe('web app', () => {
  it('trains in a worker, plots every layer, scrubs, exports, without console errors', async () => {
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(url);
      await page.waitForFunction(`document.getElementById('status')?.textContent === 'ready'`);
      // the estimator list comes from the registry in the worker
      const estimators = await page.locator('select[name=estimator] option').allTextContents();
      expect(estimators).toContain('bin');
      await page.click('#start');
      await page.waitForFunction(`${S}.points >= 200 && ${S}.drawnPoints.length > 0 &&
        Math.min(...${S}.drawnPoints) >= 200`, undefined, { timeout: 120_000 });
      const s = await page.evaluate(`({ ...${S}, drawnPoints: ${S}.drawnPoints })`) as State;
      expect(s.layers).toBe(6);
      expect(s.drawnPoints).toHaveLength(6);
      for (const n of s.drawnPoints) expect(n).toBeGreaterThanOrEqual(200);

      // scrub back: the plane shows points 0..50 of every layer while training goes on
      await page.locator('#slider').fill('50');
      await page.waitForFunction(`${S}.shownK === 50 && ${S}.drawnPoints.every((n) => n === 51)`);
      expect(await page.locator('#shown').textContent()).toMatch(/^epoch \d+ {2}\(51 of \d+ logged\)$/);

      // pause, then export the JSON (the CLI's format) and a PNG
      await page.click('#pause');
      await page.waitForFunction(`!${S}.running`);
      const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      const result = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
      expect(result.format).toBe('infoplane/1');
      expect(result.layers).toHaveLength(6);
      expect(result.mi.bin.ixt).toHaveLength(6);
      expect(result.epochs.length).toBeGreaterThanOrEqual(200);
      expect(result.mi.bin.ixt[0].every((v: number) => v > 0 && v <= 12)).toBe(true);
      const [pngDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
      expect(pngSize((await pngDl.path())!).width).toBeGreaterThan(600);

      const file = join(shotDir(), 'web-app.png');
      await page.screenshot({ path: file, fullPage: true });
      const png = pngSize(file);
      expect(png.width).toBeGreaterThanOrEqual(1000);
      expect(png.bytes).toBeGreaterThan(30_000);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('keeps Start disabled until the wasm core has loaded', async () => {
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      // hold the core back until the page has been checked
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      await page.route('**/infoplane.wasm', async (route) => { await gate; await route.continue(); });
      await page.goto(url);
      await page.waitForFunction(`!!window.__infoplane`);
      expect(await page.locator('#start').isDisabled()).toBe(true);
      expect(await page.locator('#status').textContent()).toMatch(/loading/);
      await page.locator('#start').dispatchEvent('click'); // a click on the disabled button changes nothing
      await page.waitForTimeout(200);
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(await page.evaluate(`${S}.mode`)).toBeUndefined();
      release();
      await page.waitForFunction(`${S}.ready`);
      expect(await page.locator('#start').isDisabled()).toBe(false);
      expect(await page.locator('select[name=estimator] option').allTextContents()).toContain('bin');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('opens a saved infoplane.json (file input and drop) and explores estimators, networks and epochs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-open-'));
    const { context, close } = await launch();
    try {
      const file = runWithCi(dir, 3, 300);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      const nK = saved.epochs.length;
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(url);
      await page.setInputFiles('#open-file', file);
      await page.waitForFunction(`${S}.mode === 'file' && ${S}.drawnPoints.length === 6`);
      expect(await page.evaluate(`${S}.drawnPoints`)).toEqual(new Array(6).fill(nK));
      expect(await page.locator('#status').textContent()).toMatch(/opened infoplane\.json: .*3 networks/);
      expect(await page.locator('#view-run option').allTextContents()).toEqual(['mean of 3 networks', 'network 1 (seed 0)', 'network 2 (seed 1)', 'network 3 (seed 2)']);
      expect(await page.locator('#legend').textContent()).toMatch(/each of 3 networks.*95% CI/);
      await page.screenshot({ path: join(shotDir(), 'web-app-opened.png'), fullPage: true });

      // the slider cuts every layer at the chosen logged epoch
      await page.locator('#slider').fill('20');
      await page.waitForFunction(`${S}.shownK === 20 && ${S}.drawnPoints.every((n) => n === 21)`);
      // one network
      await page.selectOption('#view-run', '1');
      await page.waitForFunction(`${S}.shownK === 20 && ${S}.drawnPoints.every((n) => n === 21)`);
      expect(await page.locator('#plane-caption').textContent()).toMatch(/network 2 \(seed 1\)/);
      expect(await page.locator('#legend').textContent()).not.toMatch(/CI/);

      // SVG export of what is shown: well-formed, 21 epochs of markers
      const [svgDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
      const svgText = readFileSync((await svgDl.path())!, 'utf8');
      const errs: string[] = [];
      const doc = new DOMParser({ onError: (level: string, m: string) => { if (level !== 'warning') errs.push(m); } }).parseFromString(svgText, 'image/svg+xml');
      expect(errs).toEqual([]);
      const groups = Array.from(doc.getElementsByTagName('g')).filter((g) => g.getAttribute('class') === 'markers' && g.getElementsByTagName('use').length > 1);
      expect(groups).toHaveLength(21);

      // dropping a file opens it too (a copy with one estimator renamed)
      saved.mi = { dropped: saved.mi.bin };
      saved.ci95.mi = { dropped: saved.ci95.mi.bin };
      for (const r of saved.runs) r.mi = { dropped: r.mi.bin };
      const dt = await page.evaluateHandle((text: string) => {
        const d = new DataTransfer();
        d.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
        return d;
      }, JSON.stringify(saved));
      await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
      await page.waitForFunction(`document.getElementById('plane-caption').textContent.startsWith('dropped.json: estimator dropped')`);
      await page.waitForFunction(`${S}.drawnPoints.every((n) => n === ${nK})`);

      // a result without gradients (an external run): that panel is left out
      const ext = { ...saved, source: 'external', gradMean: [], gradStd: [], runs: undefined, ci95: undefined };
      await page.setInputFiles('#open-file', { name: 'external.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ext)) });
      await page.waitForFunction(`document.getElementById('status').textContent.includes('external training run')`);
      expect(await page.locator('#fig-grad').isHidden()).toBe(true);
      expect(await page.locator('#fig-loss').isVisible()).toBe(true);

      // a file that is not a result: one clear line, the view stays
      await page.setInputFiles('#open-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"a": 1}') });
      await page.waitForFunction(`!document.getElementById('error').hidden`);
      expect(await page.locator('#error').textContent()).toBe('bad.json: not an infoplane result (no "format": "infoplane/1")');
      expect(await page.evaluate(`${S}.mode`)).toBe('file');
      expect(errors).toEqual([]);
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trains on a CSV the user picks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoplane-csv-'));
    const { context, close } = await launch();
    try {
      const csv = join(dir, 'mydata.csv');
      csvDataset(csv);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(url);
      await page.waitForFunction(`${S}.ready`);
      await page.setInputFiles('#csv-file', csv);
      await page.waitForFunction(`document.querySelector('select[name=dataset]').value === 'mydata'`);
      expect(await page.locator('select[name=dataset] option:checked').textContent()).toBe('mydata (400 rows, 3 inputs, 2 classes)');
      await page.fill('input[name=layers]', '6,4');
      await page.fill('input[name=epochs]', '300');
      await page.click('#start');
      await page.waitForFunction(`${S}.done && ${S}.points > 50`, undefined, { timeout: 120_000 });
      expect(await page.evaluate(`${S}.dataset`)).toBe('mydata');
      expect(await page.evaluate(`${S}.layers`)).toBe(3);
      const result = await page.evaluate(`window.__infoplane.result()`) as { dataset: { name: string; nRows: number; nInputs: number; log2N: number }; mi: { bin: { ixt: number[][] } } };
      expect(result.dataset).toMatchObject({ name: 'mydata', nRows: 400, nInputs: 3 });
      // I(X;T) is bounded by log2 of the 400 rows
      for (const row of result.mi.bin.ixt) for (const v of row) expect(v).toBeLessThanOrEqual(Math.log2(400) + 1e-9);
      expect(await page.locator('#plane-caption').textContent()).toMatch(/dataset mydata/);
      // a malformed CSV: one line naming the file and place
      await page.setInputFiles('#csv-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,0\n1,x,1\n') });
      await page.waitForFunction(`!document.getElementById('error').hidden`);
      expect(await page.locator('#error').textContent()).toMatch(/^broken\.csv.*line 3/);
      expect(errors).toEqual([]);
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
