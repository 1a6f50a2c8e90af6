// Relaxed SIMD in real Chromium, which has it by default: the library detects it, the relaxed core
// trains within rounding of the plain one and gives the same bits twice, and the web app's
// "relaxed SIMD" box trains on it and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launch } from './helpers.js';
import { serveApp, SMALL_NET_JS } from './fixtures.js';

let app: Awaited<ReturnType<typeof serveApp>>, url: string;
beforeAll(async () => { app = await serveApp(); url = app.url; });
afterAll(() => { app?.stop(); });

// in the page: a 37-300-20-3 tanh network, 3 epochs, on the plain core and twice on the relaxed one
const TRAIN = `(async () => {
  const lib = await import(new URL('js/src/index.js', location.href).href);
  const { Network } = lib;
  ${SMALL_NET_JS}
  const trainOn = async (file) => train(await lib.createEngine(new URL(file, location.href)));
  const choice = lib.chooseCore(true);
  return { supported: lib.relaxedSimdSupported(), choice, plain: await trainOn(lib.coreFile()),
    relaxed: await trainOn(lib.coreFile({ relaxed: true })), again: await trainOn(lib.coreFile({ relaxed: choice.relaxed })) };
})()`;

describe('relaxed SIMD in Chromium', () => {
  it('is detected; the relaxed core trains within 1e-5 of the plain one and gives the same bits twice', async () => {
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(url);
      const r = await page.evaluate(TRAIN) as { supported: boolean; choice: { relaxed: boolean }; plain: number[]; relaxed: number[]; again: number[] };
      expect(r.supported).toBe(true);
      expect(r.choice).toEqual({ relaxed: true });
      expect(r.again).toEqual(r.relaxed);
      expect(r.relaxed.length).toBe(r.plain.length);
      let scale = 0, worst = 0;
      for (let i = 0; i < r.plain.length; i++) { scale = Math.max(scale, Math.abs(r.plain[i])); worst = Math.max(worst, Math.abs(r.relaxed[i] - r.plain[i])); }
      expect(r.relaxed.every(Number.isFinite)).toBe(true);
      expect(worst / scale).toBeLessThan(1e-5);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the web app trains on the relaxed core when its box is ticked, and says so', async () => {
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(url);
      await page.waitForFunction(`document.getElementById('status')?.textContent === 'ready'`);
      await page.check('input[name=relaxedSimd]');
      await page.click('#start');
      await page.waitForFunction(`document.getElementById('status').textContent.includes('epoch')`, undefined, { timeout: 60_000 });
      expect(await page.locator('#status').textContent()).toMatch(/ · relaxed SIMD$/);
      await page.click('#reset');
      // unticked: the plain core, and no mention of it
      await page.uncheck('input[name=relaxedSimd]');
      await page.click('#start');
      await page.waitForFunction(`document.getElementById('status').textContent.includes('epoch') && !document.getElementById('status').textContent.includes('relaxed')`, undefined, { timeout: 60_000 });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
