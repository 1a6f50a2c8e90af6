// The static report of `infoplane run`, opened from file:// in real Chromium.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { runWithCi } from './fixtures.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collectErrors, launch, pngSize, shotDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));
// page functions are serialised, so predicates are strings over this read-only hook
const S = 'window.__infoplane.state';

describe('report.html', () => {
  it('shows every layer, scrubs and plays from file://, without console errors', async () => {
    const out = mkdtempSync(join(tmpdir(), 'infoplane-report-'));
    const { context, close } = await launch();
    try {
      const r = spawnSync(process.execPath, [BIN, 'run', '--epochs', '400', '--lr', '0.002', '--threads', '1', '--out', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      await page.waitForFunction(`${S}.drawnPoints.length > 0`);
      const s = await page.evaluate(`({ nK: ${S}.nK, shownK: ${S}.shownK, drawn: ${S}.drawnPoints })`) as { nK: number; shownK: number; drawn: number[][] };
      expect(s.nK).toBeGreaterThan(50);
      expect(s.shownK).toBe(s.nK - 1);
      expect(s.drawn[0]).toEqual(new Array(6).fill(s.nK)); // every layer has a point at every logged epoch

      await page.locator('.scrub input[type=range]').fill('10');
      await page.waitForFunction(`${S}.shownK === 10 && ${S}.drawnPoints[0].every((n) => n === 11)`);
      expect(await page.locator('.scrub .epoch').textContent()).toMatch(/^epoch \d+ {2}\(11 of \d+ logged\)$/);

      // play advances from the slider's place
      await page.click('.scrub button');
      await page.waitForFunction(`${S}.shownK >= 20`);
      await page.click('.scrub button'); // pause
      const paused = await page.evaluate(`${S}.shownK`);
      await page.waitForTimeout(300);
      expect(await page.evaluate(`${S}.shownK`)).toBe(paused);

      const file = join(shotDir(), 'report.png');
      await page.screenshot({ path: file, fullPage: true });
      const png = pngSize(file);
      expect(png.height).toBeGreaterThan(1000);
      expect(png.bytes).toBeGreaterThan(30_000);
      expect(errors).toEqual([]);
    } finally {
      await close();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('draws the spread over networks and exports SVG; an external run shows only what it has', async () => {
    const out = mkdtempSync(join(tmpdir(), 'infoplane-report-ci-'));
    const { context, close } = await launch();
    try {
      const file = runWithCi(out, 4, 300);
      expect(spawnSync(process.execPath, [BIN, 'report', out], { encoding: 'utf8' }).status).toBe(0);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      await page.waitForFunction(`${S}.drawnPoints.length > 0`);
      expect(await page.locator('.source').textContent()).toMatch(/4 networks; curves are the mean with bootstrap 95% confidence bands/);
      const legend = page.locator('figure.plane .legend');
      expect(await legend.locator('input.show-runs').isChecked()).toBe(true);
      expect(await legend.locator('input.show-ci').isChecked()).toBe(true);
      // the bands are drawn under the lines: pixels of the band colour between train loss's CI bounds
      const shaded = await page.evaluate(() => {
        const c = document.querySelector('figure.loss canvas') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 3] < 255 && d[i + 2] > d[i]) n++; // translucent blue
        return n;
      });
      expect(shaded).toBeGreaterThan(200);
      await page.screenshot({ path: join(shotDir(), 'report-ci.png'), fullPage: true });

      // SVG export of the plane at the slider's epoch
      await page.locator('.scrub input[type=range]').fill('30');
      await page.waitForFunction(`${S}.shownK === 30`);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('figure.plane button.svg-export')]);
      expect(dl.suggestedFilename()).toBe('plane-bin.svg');
      const errs: string[] = [];
      const doc = new DOMParser({ onError: (level: string, m: string) => { if (level !== 'warning') errs.push(m); } })
        .parseFromString(readFileSync((await dl.path())!, 'utf8'), 'image/svg+xml');
      expect(errs).toEqual([]);
      const marks = Array.from(doc.getElementsByTagName('g')).filter((g) => g.getAttribute('class') === 'markers' && g.getElementsByTagName('use').length > 1);
      expect(marks).toHaveLength(31);
      expect(Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent)).toEqual(expect.arrayContaining(['95% CI of mean', '4 networks']));
      expect(errors).toEqual([]);

      // an external run: planes only, and the report says so
      const R = JSON.parse(readFileSync(file, 'utf8'));
      const nan = (a: number[]) => a.map(() => 'not-a-number');
      Object.assign(R, { source: 'external', runs: [], gradMean: [], gradStd: [], trainLoss: nan(R.trainLoss), testLoss: nan(R.testLoss),
        trainAcc: nan(R.trainAcc), testAcc: nan(R.testAcc) });
      delete R.ci95;
      writeFileSync(file, JSON.stringify(R, (_k, v) => (v === 'not-a-number' ? { $nf: 'NaN' } : v)));
      expect(spawnSync(process.execPath, [BIN, 'report', out], { encoding: 'utf8' }).status).toBe(0);
      const ext = await context.newPage();
      const extErrors = collectErrors(ext);
      await ext.goto(pathToFileURL(join(out, 'report.html')).href);
      await ext.waitForFunction(`${S}.drawnPoints.length > 0`);
      expect(await ext.locator('figure.grad, figure.loss, figure.acc').count()).toBe(0);
      expect(await ext.locator('figure.plane canvas').count()).toBeGreaterThan(0);
      expect(await ext.locator('.source').textContent()).toMatch(/external training run.*no losses, accuracies, gradients were recorded/);
      await ext.screenshot({ path: join(shotDir(), 'report-external.png'), fullPage: true });
      expect(extErrors).toEqual([]);
    } finally {
      await close();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
