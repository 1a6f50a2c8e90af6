// The published package works on its own: `npm pack` (of what `npm test` just built; `prepack`
// builds it for a real publish), installed into an empty project from the npm cache, then
// `npx infoplane --help`, a library import, and the README's library examples run as written.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** The ```js blocks of a README section, as written. */
export function jsBlocks(markdown: string, section: string): string[] {
  const start = markdown.indexOf(`\n## ${section}\n`);
  if (start < 0) return [];
  const end = markdown.indexOf('\n## ', start + 1);
  const text = markdown.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('the packed package in an empty project', () => {
  let dir = '', tarball = '', files: string[] = [];

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'build', 'infoplane.wasm'))) {
      throw new Error('dist/ or build/ missing: run `npm run build` (npm test does) before this test');
    }
    dir = mkdtempSync(join(tmpdir(), 'infoplane-pack-'));
    const pack = sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const info = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
    tarball = join(dir, info.filename);
    files = info.files.map((f) => f.path);
    const app = join(dir, 'app');
    sh('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true, type: 'module' }));
    // from the npm cache (npm ci filled it); the registry only for what the cache lacks
    const install = sh(NPM, ['install', '--prefer-offline', '--no-package-lock', tarball], app);
    expect(install.code, install.stderr).toBe(0);
  }, 600_000);

  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('holds the built library, the CLI, the wasm core and the web app, and no sources or tests', () => {
    for (const f of ['package.json', 'README.md', 'bin/infoplane.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js',
      'build/infoplane.wasm', 'build/infoplane-mt.wasm', 'build/infoplane.d.ts', 'dist/web/index.html']) expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|test-browser|assembly|bench|node_modules)\//.test(f))).toEqual([]);
  });

  it('npx infoplane --help works', () => {
    const r = sh('npx', ['--no-install', 'infoplane', '--help'], join(dir, 'app'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Usage: infoplane/);
    for (const c of ['run', 'plane', 'mi', 'sweep']) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
  });

  it('the library imports, with its types, and a command runs', () => {
    const app = join(dir, 'app');
    writeFileSync(join(app, 'probe.mjs'), `import { DEFAULTS, ESTIMATOR_NAMES, createEngine, ib12 } from 'infoplane';
import { readFileSync } from 'node:fs';
const engine = await createEngine(readFileSync('node_modules/infoplane/build/infoplane.wasm'));
console.log(JSON.stringify({ epochs: DEFAULTS.epochs, estimators: ESTIMATOR_NAMES, rows: ib12().nRows, engine: typeof engine.exports.mi_binned }));
`);
    const r = sh(process.execPath, ['probe.mjs'], app);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ epochs: 8000, estimators: ['bin', 'adaptive', 'kde-upper', 'kde-lower', 'bin-8', 'bin-16', 'bin-100', 'exact'], rows: 4096, engine: 'function' });
    expect(existsSync(join(app, 'node_modules', 'infoplane', 'dist', 'index.d.ts'))).toBe(true);
    const ds = sh('npx', ['--no-install', 'infoplane', 'dataset', 'ib12', '--out', 'ib12.csv'], app);
    expect(ds.code, ds.stderr).toBe(0);
    expect(readFileSync(join(app, 'ib12.csv'), 'utf8').split('\n')[0]).toBe('x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,y');
  });

  it("the README's library examples run as written", () => {
    const blocks = jsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Library');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    blocks.forEach((code, i) => {
      writeFileSync(join(dir, 'app', `readme-${i}.mjs`), code);
      const r = sh(process.execPath, [`readme-${i}.mjs`], join(dir, 'app'));
      expect(r.code, `README block ${i}:\n${code}\n${r.stderr}`).toBe(0);
      if (code.includes('console.log')) expect(r.stdout.trim()).not.toBe('');
    });
  }, 300_000);

  it('jsBlocks finds the blocks of one section only', () => {
    const md = '# x\n\n## A\n```js\na()\n```\n## Library\ntext\n```js\nb()\n```\n```sh\nc\n```\n```js\nd()\n```\n## C\n```js\ne()\n```\n';
    expect(jsBlocks(md, 'Library')).toEqual(['b()\n', 'd()\n']);
    expect(jsBlocks(md, 'Nope')).toEqual([]);
  });
});
