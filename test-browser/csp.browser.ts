// `infoplane serve` headers in real Chromium: the web app and a report run under the server's
// Content-Security-Policy without a single violation, and pages are cross-origin isolated
// (SharedArrayBuffer available, as wasm threads need).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectErrors, launch } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/infoplane.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'infoplane-csp-'));
const servers: ChildProcess[] = [];

function serve(args: string[]): Promise<string> {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(server);
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

let appUrl: string, reportUrl: string;
beforeAll(async () => {
  const r = spawnSync(process.execPath, [BIN, 'run', '--epochs', '30', '--layers', '5,3', '--repeats', '2', '--out', join(tmp, 'run')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  appUrl = await serve([]);
  reportUrl = `${await serve(['--root', join(tmp, 'run')])}report.html`;
});
afterAll(() => { for (const s of servers) s.kill('SIGTERM'); rmSync(tmp, { recursive: true, force: true }); });

const VIOLATIONS = `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`;

describe('served pages under the CSP', () => {
  for (const which of ['app', 'report'] as const) {
    it(`${which}: no CSP violation, cross-origin isolated`, async () => {
      const { context, close } = await launch({ enforceCsp: true });
      try {
        const page = await context.newPage();
        await page.addInitScript(VIOLATIONS);
        const errors = collectErrors(page);
        await page.goto(which === 'app' ? appUrl : reportUrl);
        const failed: string[] = [];
        page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) failed.push(`${r.status()} ${r.url()}`); });
        // predicates as functions: a string predicate is evaluated by eval in the page, which this CSP forbids
        const csp = () => (window as unknown as { __csp: string[] }).__csp;
        // ready, or a violation (reported below rather than as a timeout)
        if (which === 'app') await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready' || (window as unknown as { __csp: string[] }).__csp.length > 0);
        else await page.waitForSelector('canvas');
        if (which === 'app') {
          // training runs in a worker that compiles the wasm core: both under the same CSP
          await page.click('#start');
          await page.waitForFunction(() => ((window as unknown as { __infoplane?: { state: { points: number } } }).__infoplane?.state.points ?? 0) >= 5
            || (window as unknown as { __csp: string[] }).__csp.length > 0, undefined, { timeout: 120_000 });
        }
        await page.waitForTimeout(500);
        expect(await page.evaluate(csp)).toEqual([]);
        expect(failed).toEqual([]);
        expect(errors.filter((e) => !/Failed to load resource: .* 404/.test(e) || failed.length)).toEqual([]);
        expect(await page.evaluate(() => self.crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
      } finally { await close(); }
    });
  }
});
