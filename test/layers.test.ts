// The layer order of docs/ARCHITECTURE.md, checked on the sources: a module imports only from its
// own folder or from a lower layer (type-only and dynamic imports count too), nothing outside
// src/cli/ imports src/cli/, and no browser-side module (the library entry, the web app) reaches a
// Node built-in or src/node/.
import { describe, expect, it } from 'vitest';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');

/** Layers, lowest first: a module may import from its own folder and from earlier rows only.
 *  Folders on one row are siblings and do not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ['engine', 'reference', 'stats'], // the wasm core's bindings; plain-TypeScript twins; statistics
  ['data'], // datasets: parsing, built-ins, duplicate rows
  ['bound'], // the IB bound of a dataset
  ['config'], // what an experiment is: types, names, defaults, presets, option text -> config
  ['record'], // results: per-network records (train writes them), averages, phases, bound gaps
  ['model', 'estimators'], // the network on the core; MI estimators on a layer's activations
  ['train', 'external'], // the epoch loop measuring at logged epochs; measuring a run trained elsewhere
  ['node'], // Node host: atomic files, datasets by name, worker threads
  ['report'], // HTML reports
  ['.'], // the library entry (src/index.ts, src/api.ts)
  ['sweep'], // grids of runs on disk
  ['reproduce'], // the paper's studies as sweeps
  ['cli'], // the `infoplane` command
];
const rankOf = new Map(LAYERS.flatMap((row, r) => row.map((f) => [f, r] as const)));

/** The folder under src/ a file belongs to ('.' for src/*.ts). */
function folderOf(file: string): string {
  const rel = relative(SRC, file).split(/[\\/]/);
  return rel.length === 1 ? '.' : rel[0];
}

interface Import { spec: string; line: number; typeOnly: boolean }

/** Static imports and re-exports, import types and dynamic import('...') of a TypeScript file. */
export function importsOf(text: string, file = 'x.ts'): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ spec: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings)
        && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A relative specifier ('./x.js') as the .ts file it names, or undefined for packages. */
function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  return resolve(dirname(from), spec).replace(/\.js$/, '.ts');
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]);
const inside = (file: string, folder: string) => !relative(folder, file).startsWith('..');

/** Every import that goes against the layer order, as `file:line imports "spec" (why)`. */
export function layerProblems(files: string[], read = (f: string) => readFileSync(f, 'utf8')): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const where = relative(ROOT, file);
    for (const imp of importsOf(read(file), file)) {
      const to = target(file, imp.spec);
      if (!to) continue;
      const cli = join(SRC, 'cli');
      if (inside(to, cli) && !inside(file, cli)) { problems.push(`${where}:${imp.line} imports "${imp.spec}" (only src/cli/ may import src/cli/)`); continue; }
      if (!inside(file, SRC) || !inside(to, SRC)) continue;
      const a = folderOf(file), b = folderOf(to);
      if (a === b) continue;
      const ra = rankOf.get(a), rb = rankOf.get(b);
      if (ra === undefined) problems.push(`${where}: src/${a}/ is not in the layer list (test/layers.test.ts LAYERS)`);
      else if (rb === undefined) problems.push(`${where}:${imp.line} imports "${imp.spec}" (src/${b}/ is not in the layer list)`);
      else if (rb >= ra) problems.push(`${where}:${imp.line} imports "${imp.spec}" (src/${b}/ is not below src/${a}/)`);
    }
  }
  return [...new Set(problems)];
}

/** Walks the imports from `entries`; returns the files reached and each Node-only import on the way. */
export function browserProblems(entries: string[]): { files: string[]; problems: string[] } {
  const seen = new Set<string>(), problems: string[] = [], queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of importsOf(readFileSync(file, 'utf8'), file)) {
      const where = `${relative(ROOT, file)}:${imp.line} imports "${imp.spec}"`;
      if (isNodeBuiltin(imp.spec)) { if (!imp.typeOnly) problems.push(`${where} (a Node built-in)`); continue; }
      const to = target(file, imp.spec);
      if (!to) continue; // packages: the built-graph test (browser-imports.test.ts) checks those
      if (inside(to, join(SRC, 'node'))) problems.push(`${where} (src/node/ is Node-only)`);
      if (existsSync(to)) queue.push(to);
      else if (!existsSync(to.replace(/\.ts$/, '.d.ts'))) problems.push(`${where} (no such file)`); // a .d.ts (the core's generated declarations) has no imports to follow
    }
  }
  return { files: [...seen].map((f) => relative(ROOT, f)), problems };
}

describe('layers', () => {
  const files = [...tsFiles(SRC), ...tsFiles(join(ROOT, 'web'))];

  it('every folder of src/ is in the layer list', () => {
    const folders = new Set(tsFiles(SRC).map(folderOf));
    expect([...folders].filter((f) => !rankOf.has(f))).toEqual([]);
  });

  it('no import goes up a layer, and only src/cli/ imports src/cli/', () => {
    expect(layerProblems(files)).toEqual([]);
  }, 60_000); // parses every source file: seconds on a loaded machine

  it('the library entry and the web app reach no Node built-in and nothing in src/node/', () => {
    const w = browserProblems([join(SRC, 'index.ts'), ...tsFiles(join(ROOT, 'web'))]);
    expect(w.problems).toEqual([]);
    // the walk followed the graph down to the core
    for (const f of ['src/engine/engine.ts', 'src/train/session.ts', 'src/estimators/kde.ts', 'src/config/flags.ts']) expect(w.files).toContain(f);
  }, 60_000);

  it('the checks can fail: an upward import, a cli import, a sibling import and a Node import are each caught', () => {
    const fakes: Record<string, string> = {
      [join(SRC, 'data/x.ts')]: "import type { ExperimentConfig } from '../config/config.js';",
      [join(SRC, 'record/x.ts')]: "const m = await import('../cli/main.js');",
      [join(SRC, 'model/x.ts')]: "export { bin } from '../estimators/bin.js';",
      [join(ROOT, 'web/x.ts')]: "import { configFromFlags } from '../src/cli/main.js';",
      [join(SRC, 'train/x.ts')]: "import { Engine } from '../engine/engine.js';", // allowed
    };
    const got = layerProblems(Object.keys(fakes), (f) => fakes[f]);
    expect(got).toHaveLength(4);
    expect(got.join('\n')).toMatch(/src\/data\/x\.ts:1 .*src\/config\/ is not below src\/data\//);
    expect(got.join('\n')).toMatch(/src\/record\/x\.ts:1 .*only src\/cli\/ may import/);
    expect(got.join('\n')).toMatch(/src\/model\/x\.ts:1 .*src\/estimators\/ is not below src\/model\//);
    expect(got.join('\n')).toMatch(/web\/x\.ts:1 .*only src\/cli\/ may import/);
    expect(importsOf("import { a } from 'node:fs'; import type { B } from './b.js';").map((i) => [i.spec, i.typeOnly]))
      .toEqual([['node:fs', false], ['./b.js', true]]);
    // the CLI does reach Node: the walker sees it
    expect(browserProblems([join(SRC, 'cli', 'main.ts')]).problems.some((p) => /Node built-in|src\/node\//.test(p))).toBe(true);
  });
});
