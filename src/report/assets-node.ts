// Node-only: what the self-contained reports inline. uPlot's browser build comes from the installed
// package; the reports' own scripts are this folder's browser modules (plane.ts, charts.ts, client.ts,
// sweep-client.ts) as compiled by tsc, joined into one classic script: their `import` lines are
// dropped and `export` keywords removed, and the whole runs inside one function. That works because
// these modules import only each other, by name, and share no top-level names (a clash is a
// SyntaxError the report test catches). Under vitest the .ts sources are read and transpiled, so a
// report always runs the code next to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { UplotAssets } from './html.js';

// Resolved relative to this file, so it works from src/ (vitest) and from dist/ alike.
const require = createRequire(import.meta.url);
const fromSource = import.meta.url.endsWith('.ts');

/** One compiled module's text, imports removed and exports made local. */
function moduleBody(name: string): string {
  let js: string;
  if (fromSource) {
    const ts = require('typescript') as typeof import('typescript');
    const src = readFileSync(new URL(`./${name}.ts`, import.meta.url), 'utf8');
    js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;
  } else {
    js = readFileSync(new URL(`./${name}.js`, import.meta.url), 'utf8');
  }
  js = js.replace(/^import\s[^;]*?from\s+'\.\/[a-z-]+\.js';\s*$/gm, '').replace(/^export\s+(?=(?:function|const|let|class)\b)/gm, '')
    .replace(/^export\s*\{\s*\};?\s*$/gm, '').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  const left = /^\s*(import|export)\b.*$/m.exec(js);
  if (left) throw new Error(`report/${name}: cannot inline "${left[0].trim()}" (only named imports of sibling modules and exported declarations are supported)`);
  return js;
}

/** The modules, in dependency order, as one script that calls `start()` at the end. */
export function inlineScript(modules: string[], start: string): string {
  return `(function () {\n'use strict';\n${modules.map(moduleBody).join('\n')}\n${start}();\n})();\n`;
}

let cached: UplotAssets | undefined;
export function loadUplotAssets(): UplotAssets {
  cached ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    reportJs: inlineScript(['plane', 'charts', 'client'], 'startReport'),
    sweepJs: inlineScript(['plane', 'charts', 'sweep-client'], 'startSweepReport'),
  };
  return cached;
}
