// Launching the system Chromium (never a downloaded one) and small checks shared by the tests.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: $INFOPLANE_SHOTS if set (kept), else a fresh temp dir. */
export function shotDir(): string {
  return process.env.INFOPLANE_SHOTS ?? mkdtempSync(join(tmpdir(), 'infoplane-shots-'));
}

/** `enforceCsp`: keep the page's Content-Security-Policy (test-browser/csp.browser.ts). Otherwise it
 *  is bypassed, because string predicates of waitForFunction are evaluated by eval in the page. */
export async function launch(opts: { enforceCsp?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'infoplane-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, acceptDownloads: true, viewport: { width: 1280, height: 1100 },
    bypassCSP: !opts.enforceCsp,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** Console errors and uncaught exceptions of a page, collected from now on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Width and height of a PNG file, after checking its signature. */
export function pngSize(file: string): { width: number; height: number; bytes: number } {
  const b = readFileSync(file);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((v, i) => b[i] === v)) throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}
