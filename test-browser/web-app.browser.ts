// The live web app, served by `infoplane serve` on an ephemeral port, in real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectErrors, launch, pngSize, shotDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));
type State = { running: boolean; epoch: number; points: number; shownK: number; layers: number; drawnPoints: number[]; done: boolean };
// page functions are serialised, so predicates are strings over this read-only hook
const S = 'window.__infoplane.state';

let server: ChildProcess, url: string;

beforeAll(async () => {
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '', err = '';
    server.stdout!.on('data', (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
    server.stderr!.on('data', (d) => { err += d; });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
});
afterAll(() => { server?.kill('SIGTERM'); });

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
});
