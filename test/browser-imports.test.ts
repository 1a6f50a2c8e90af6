// The library entry must load in a browser: walk the static (and dynamic) import graph of the built
// dist/index.js and fail on any Node built-in or bare package import on it.
import { describe, expect, it } from 'vitest';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

interface Walk { files: string[]; problems: string[] }

/** Every module reachable from `entry`, and each import a browser could not load as-is. */
function walkImports(entry: string): Walk {
  const seen = new Set<string>(), problems: string[] = [], queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      const where = `${relative(DIST, file)} imports "${spec}"`;
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0])) {
        problems.push(`${where} (a Node built-in)`);
      } else if (!spec.startsWith('./') && !spec.startsWith('../')) {
        problems.push(`${where} (a bare specifier: browsers need a bundler or an import map for it)`);
      } else {
        const target = resolve(dirname(file), spec);
        if (!existsSync(target)) problems.push(`${where} (no such file)`);
        else queue.push(target);
      }
    }
  }
  return { files: [...seen], problems };
}

describe('browser-safe import graph', () => {
  it('dist/index.js reaches no Node built-in and no bare package', () => {
    const w = walkImports(resolve(DIST, 'index.js'));
    expect(w.problems).toEqual([]);
    // the walk really followed the graph (engine, training, estimators, report)
    const names = w.files.map((f) => relative(DIST, f));
    for (const f of ['engine/engine.js', 'engine/load.js', 'train/session.js', 'estimators/bin.js', 'report/html.js']) expect(names).toContain(f);
  });

  it('the walker does catch Node imports (the CLI has them)', () => {
    const w = walkImports(resolve(DIST, 'cli/main.js'));
    expect(w.problems.some((p) => /"node:(fs|path|os|worker_threads)"/.test(p))).toBe(true);
    expect(w.problems.some((p) => p.includes('"commander"'))).toBe(true);
  });
});
