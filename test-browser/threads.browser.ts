// One network on two threads in real Chromium: a cross-origin isolated page (COOP/COEP from a small
// server here) runs thread 0 in a module worker with a nested helper (web/team-worker.ts), and the
// result matches one thread bit for bit; without isolation the library reports no threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectErrors, launch } from './helpers.js';
import { SMALL_NET_JS } from './fixtures.js';

const WEB = fileURLToPath(new URL('../dist/web/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

// thread 0: trains a 37-300-20-3 tanh network (a partial last batch) on one thread and on a team of
// two, and posts both parameter vectors with the team's thread count
const WORKER = `
import { Engine, Network, createEngine, fetchWasmModule } from './js/src/index.js';
${SMALL_NET_JS}
const spawn = () => {
  const w = new Worker('./js/web/team-worker.js', { type: 'module' });
  const ready = new Promise((res, rej) => { w.onmessage = (e) => res(e.data); w.onerror = (e) => rej(new Error(e.message)); });
  return { post: (m) => w.postMessage(m), ready, close: () => w.terminate() };
};
try {
  const one = train(await createEngine(new URL('./infoplane.wasm', location.href)));
  const team = await Engine.createTeam(await fetchWasmModule(new URL('./infoplane-mt.wasm', location.href)), 2, spawn);
  const two = train(team);
  postMessage({ one, two, threads: team.threads });
} catch (err) { postMessage({ error: String(err && err.stack || err) }); }
`;
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { threadsAvailable } from './js/src/index.js';
window.available = threadsAvailable();
window.isolated = self.crossOriginIsolated;
if (window.available) {
  const w = new Worker('./threads-worker.js', { type: 'module' });
  w.onmessage = (e) => { window.result = e.data; };
  w.onerror = (e) => { window.result = { error: e.message }; };
}
</script>`;

let server: Server, base: string;
let isolate = true;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const headers: Record<string, string> = isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (path === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (path === '/threads.html') { res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }); res.end(PAGE); return; }
    if (path === '/threads-worker.js') { res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }); res.end(WORKER); return; }
    const file = normalize(join(WEB, path));
    if (!file.startsWith(WEB)) { res.writeHead(403); res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`;
});
afterAll(() => { server?.close(); });

describe('one network on two threads in the browser', () => {
  it('with cross-origin isolation: a team of 2 gives the bits of one thread', async () => {
    isolate = true;
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${base}threads.html`);
      expect(await page.waitForFunction('window.isolated !== undefined').then(() => page.evaluate('window.isolated'))).toBe(true);
      await page.waitForFunction('window.result !== undefined', undefined, { timeout: 120_000 });
      const r = await page.evaluate('window.result') as { one?: number[]; two?: number[]; threads?: number; error?: string };
      expect(r.error).toBeUndefined();
      expect(r.threads).toBe(2);
      expect(r.one!.length).toBeGreaterThan(11000);
      expect(r.two).toEqual(r.one);
      expect(errors).toEqual([]);
    } finally { await close(); }
  });
  it('without it: no SharedArrayBuffer, so the app keeps one thread', async () => {
    isolate = false;
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      await page.goto(`${base}threads.html`);
      await page.waitForFunction('window.available !== undefined');
      expect(await page.evaluate('window.available')).toBe(false);
    } finally { await close(); }
  });
});
