// The static report of `infoplane run`, opened from file:// in real Chromium.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
});
