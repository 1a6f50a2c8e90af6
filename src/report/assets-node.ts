// Node-only: read uPlot's browser build from the installed package, for inlining into the report.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { UplotAssets } from './html.js';

// Resolved relative to this file, so it works from src/ (vitest) and from dist/ alike.
const require = createRequire(import.meta.url);

export function loadUplotAssets(): UplotAssets {
  return {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}
