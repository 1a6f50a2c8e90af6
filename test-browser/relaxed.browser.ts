// Relaxed SIMD in real Chromium, which has it by default: the library detects it, the relaxed core
// trains within rounding of the plain one and gives the same bits twice, and the web app's
// "relaxed SIMD" box trains on it and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { collectErrors, launch } from './helpers.js';
import { BIN } from './fixtures.js';

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

// in the page: a 37-300-20-3 tanh network, 3 epochs, on the plain core and twice on the relaxed one
const TRAIN = `(async () => {
  const lib = await import(new URL('js/src/index.js', location.href).href);
  const N = 301, nIn = 37;
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2 ** 32; };
  const X = Float32Array.from({ length: N * nIn }, () => rnd() * 2 - 1);
  const y = Int32Array.from({ length: N }, () => Math.floor(rnd() * 3));
  const train = async (file) => {
    const engine = await lib.createEngine(new URL(file, location.href));
    const net = new lib.Network(engine, { nInputs: nIn, hidden: [300, 20], nClasses: 3, activation: 'tanh', batch: 128, nRows: N });
    net.setData(X, y);
    net.setOrder(Int32Array.from({ length: N }, (_, i) => i));
    net.init(3, false);
    const out = [];
    for (let e = 0; e < 3; e++) { net.trainEpoch(240, 'adam', 1e-3, 0.9, true, false); out.push(...net.evaluate(240)); }
    for (let l = 0; l < 3; l++) { const p = net.params(l); out.push(...p.W, ...p.b); }
    return out;
  };
  const choice = lib.chooseCore(true);
  return { supported: lib.relaxedSimdSupported(), choice, plain: await train(lib.coreFile()),
    relaxed: await train(lib.coreFile({ relaxed: true })), again: await train(lib.coreFile({ relaxed: choice.relaxed })) };
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
