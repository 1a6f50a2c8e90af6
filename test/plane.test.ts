// `infoplane plane` and the library call under it: runs trained elsewhere, read from dumps,
// file patterns, .npz (plain, compressed, stacked) and .h5, measured as `run` measures.
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { spawnSync } from 'node:child_process';
import { cli, ROOT } from './helpers/cli.js';
import { createEngine, infoplaneOfActivations, encodeNpy, ib12 } from '../dist/index.js';
import { NpySink } from '../dist/data/npy-stream.js';
import { parseNpy } from '../dist/data/parse.js';
import { catalogFromDump, naturalCompare } from '../dist/data/activation-catalog.js';
import { MatrixReader } from '../dist/data/activation-source.js';
import { measureAll, planUnits, probeShapes } from '../dist/node/plane-run.js';
import { measureSetup, planeSettings } from '../dist/external/plane.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'infoplane-plane-'));
const FIX = join(ROOT, 'test/fixtures/external');
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const ALL = 'bin,adaptive,kde-upper,kde-lower';

/** A trained run with its dump (shared by several tests). */
let trained: { dir: string; run: string; dump: string } | undefined;
function trainedRun() {
  if (trained) return trained;
  const dir = tmp();
  const r = cli(['run', '--layers', '10,7,5', '--epochs', '200', '--mi-points', '12', '--estimators', ALL, '--threads', '1',
    '--out', join(dir, 'run'), '--dump-activations', join(dir, 'dump')]);
  expect(r.code, r.stderr).toBe(0);
  trained = { dir, run: join(dir, 'run'), dump: join(dir, 'dump') };
  return trained;
}

describe('run --dump-activations + plane --dump', () => {
  it('reproduces the run\'s MI bit for bit (bin, adaptive, kde-upper, kde-lower), on 1 and 2 threads', () => {
    const { dir, run, dump } = trainedRun();
    const m = json(join(dump, 'dump.json'));
    expect(m).toMatchObject({ format: 'infoplane-dump/1', layers: ['L1', 'L2', 'L3', 'output'], labels: 'labels.npy', inputs: 'inputs.npy', metrics: 'metrics.csv', seed: 0 });
    const a = json(join(run, 'infoplane.json'));
    expect(m.epochs).toEqual(a.epochs);
    for (const threads of ['1', '2']) {
      const out = join(dir, `plane${threads}`);
      const r = cli(['plane', '--dump', dump, '--estimators', ALL, '--threads', threads, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const b = json(join(out, 'infoplane.json'));
      for (const est of ALL.split(',')) {
        expect(b.mi[est].ixt).toEqual(a.mi[est].ixt);
        expect(b.mi[est].ity).toEqual(a.mi[est].ity);
        expect(b.mi[est].settings).toBe(a.mi[est].settings);
      }
      // the metrics the dump holds, and nothing it does not
      expect(b.trainLoss).toEqual(a.trainLoss);
      expect(b.testAcc).toEqual(a.testAcc);
      for (const k of ['gradMean', 'gradStd', 'runs', 'bound']) expect(b).not.toHaveProperty(k);
      expect(b.phases.snrTransition).toBeUndefined();
      expect(b.source).toBe('external');
      expect(b.layers.map((l: { name: string; activation: string }) => `${l.name}:${l.activation}`)).toEqual(['L1:tanh', 'L2:tanh', 'L3:tanh', 'output:softmax']);
      expect(existsSync(join(out, 'report.html'))).toBe(true);
    }
  }, 120_000);

  it('states only the settings that applied, and the KDE noise variance chosen once for the run', () => {
    const { dir, dump } = trainedRun();
    const out = join(dir, 'bin-only');
    expect(cli(['plane', '--dump', dump, '--out', out]).code).toBe(0);
    const cfg = json(join(out, 'infoplane.json')).config;
    expect(Object.keys(cfg).sort()).toEqual(['binRangeMode', 'binning', 'compressionThreshold', 'estimators', 'name']);
    const out2 = join(dir, 'kde-only');
    expect(cli(['plane', '--dump', dump, '--out', out2, '--estimators', 'kde-lower']).code).toBe(0);
    const cfg2 = json(join(out2, 'infoplane.json')).config;
    expect(cfg2).toMatchObject({ estimators: ['kde-lower'], noiseVariance: 0.001, kdeSamples: 4096 });
    expect(cfg2.noiseVarianceRule).toMatch(/widest layer 10 <= 64/);
    expect(cfg2).not.toHaveProperty('binning');
    expect(cfg2).not.toHaveProperty('seed'); // all 4096 rows: no subsample, no seed
  }, 60_000);

  it('handles duplicate input rows as run does (H(T|X) over groups of identical inputs)', () => {
    const dir = tmp();
    const ds = ib12();
    // 300 rows of ib12 with 60 of them repeated
    const lines = ['x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,y'];
    const row = (r: number) => [...ds.X.subarray(r * 12, r * 12 + 12), ds.y[r]].join(',');
    for (let r = 0; r < 300; r++) lines.push(row(r * 13));
    for (let r = 0; r < 60; r++) lines.push(row(r * 13 * 3));
    writeFileSync(join(dir, 'dup.csv'), lines.join('\n') + '\n');
    const r = cli(['run', '--dataset', join(dir, 'dup.csv'), '--layers', '6,4', '--epochs', '60', '--mi-points', '8', '--threads', '1',
      '--out', join(dir, 'run'), '--dump-activations', join(dir, 'dump')]);
    expect(r.code, r.stderr).toBe(0);
    const p = cli(['plane', '--dump', join(dir, 'dump'), '--out', join(dir, 'plane')]);
    expect(p.code, p.stderr).toBe(0);
    const a = json(join(dir, 'run/infoplane.json')), b = json(join(dir, 'plane/infoplane.json'));
    expect(b.dataset).toMatchObject({ duplicateRows: 60, nInputs: 12 });
    expect(b.dataset.hX).toBeCloseTo(a.dataset.hX, 12);
    expect(b.mi.bin).toEqual(a.mi.bin);
  }, 60_000);
});

describe('plane --activations: patterns and containers', () => {
  const expected = () => json(join(FIX, 'expected-bin.json'));

  it('numpy .npz (plain and compressed) and h5py .h5, per-epoch and stacked, give numpy\'s binned MI', () => {
    const want = expected();
    const dir = tmp();
    const cases: string[][] = [
      ['--activations', join(FIX, 'run.npz') + ':layer{layer}_epoch{epoch}', '--labels', 'labels'],
      ['--activations', join(FIX, 'run_compressed.npz') + ':layer{layer}_epoch{epoch}', '--labels', join(FIX, 'run_compressed.npz') + ':labels'],
      ['--activations', join(FIX, 'run.h5') + ':/epochs/{epoch}/{layer}', '--labels', 'labels'],
      ['--activations', join(FIX, 'stacked.npz') + ':act_{layer}', '--labels', 'labels'],
      ['--activations', join(FIX, 'run.h5') + ':stacked/{layer}', '--epochs', 'epochs_list', '--labels', 'labels', '--threads', '2'],
    ];
    cases.forEach((args, i) => {
      const out = join(dir, `c${i}`);
      const r = cli(['plane', ...args, '--out', out]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      const b = json(join(out, 'infoplane.json'));
      expect(b.epochs).toEqual(want.epochs);
      expect(b.layers.map((l: { name: string }) => l.name)).toEqual(want.layers); // natural sort: 1, 2, 10
      for (let l = 0; l < 3; l++) for (let k = 0; k < 3; k++) {
        expect(b.mi.bin.ixt[l][k]).toBeCloseTo(want.ixt[l][k], 12);
        expect(b.mi.bin.ity[l][k]).toBeCloseTo(want.ity[l][k], 12);
      }
      // the ReLU-like layer 10 (values up to 3) does not fit [-1, 1]: one warning line, also in the JSON
      expect(r.stderr).toMatch(/warning: layer 10: \d+\.\d% of its values fall in the top cell/);
      expect(b.warnings).toHaveLength(1);
      expect(b.origin.kind).toBe('pattern');
    });
  }, 120_000);

  it('.npy files by path pattern, --layers order, and .npz written by fflate (stored and deflated)', () => {
    const { dir, dump, run } = trainedRun();
    const m = json(join(dump, 'dump.json'));
    const files = join(dir, 'files');
    mkdirSync(join(files, 'sub'), { recursive: true });
    const stored: Record<string, Uint8Array> = {};
    m.layers.forEach((layer: string, l: number) => {
      for (const e of m.epochs) {
        const src = join(dump, 'activations', `e${e}_${layer}.npy`);
        copyFileSync(src, join(files, 'sub', `e${e}_l${l + 1}.npy`));
        stored[`layer${l + 1}_epoch${e}.npy`] = readFileSync(src);
      }
    });
    copyFileSync(join(dump, 'labels.npy'), join(files, 'labels.npy'));
    stored['labels.npy'] = readFileSync(join(dump, 'labels.npy'));
    writeFileSync(join(files, 'stored.npz'), zipSync(stored, { level: 0 }));
    writeFileSync(join(files, 'deflated.npz'), zipSync(stored, { level: 6 }));
    const a = json(join(run, 'infoplane.json'));
    for (const spec of [join(files, 'sub/e{epoch}_l{layer}.npy'), join(files, 'stored.npz:layer{layer}_epoch{epoch}'), join(files, 'deflated.npz:layer{layer}_epoch{epoch}')]) {
      const out = join(dir, `pat-${spec.length}`);
      const r = cli(['plane', '--activations', spec, '--labels', join(files, 'labels.npy'), '--layers', '3,1', '--activation', 'tanh', '--estimators', 'bin,adaptive', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const b = json(join(out, 'infoplane.json'));
      expect(b.layers.map((l: { name: string }) => l.name)).toEqual(['3', '1']);
      for (const est of ['bin', 'adaptive']) expect(b.mi[est].ixt).toEqual([a.mi[est].ixt[2], a.mi[est].ixt[0]]);
    }
    // the stacked form as .npy files: one [epochs][rows][units] array per layer, epochs.npy beside, labels as text
    const stk = join(dir, 'stacked');
    mkdirSync(stk, { recursive: true });
    m.layers.forEach((layer: string) => {
      const parts = m.epochs.map((e: number) => parseNpy(readFileSync(join(dump, 'activations', `e${e}_${layer}.npy`)), 'x.npy'));
      const all = Float32Array.from(parts.flatMap((x: { data: Float64Array }) => Array.from(x.data)));
      writeFileSync(join(stk, `${layer}.npy`), encodeNpy('<f4', [m.epochs.length, parts[0].rows, parts[0].cols], all));
    });
    writeFileSync(join(stk, 'epochs.npy'), encodeNpy('<i4', [m.epochs.length], Int32Array.from(m.epochs)));
    writeFileSync(join(stk, 'labels.txt'), Array.from(parseNpy(readFileSync(join(dump, 'labels.npy')), 'l.npy').data).join('\n') + '\n');
    const r = cli(['plane', '--activations', join(stk, '{layer}.npy'), '--layers', m.layers.join(','), '--labels', join(stk, 'labels.txt'), '--activation', 'tanh,tanh,tanh,softmax',
      '--estimators', 'bin,adaptive', '--threads', '2', '--out', join(stk, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const b = json(join(stk, 'out/infoplane.json'));
    expect(b.epochs).toEqual(m.epochs);
    for (const est of ['bin', 'adaptive']) expect(b.mi[est]).toEqual(a.mi[est]);
  }, 120_000);

  it('bad input: one line naming the file and place, exit 2, nothing written', () => {
    const dir = tmp();
    const a = join(dir, 'a');
    mkdirSync(a);
    const mat = (rows: number, cols: number) => encodeNpy('<f4', [rows, cols], new Float32Array(rows * cols).map((_, i) => Math.sin(i)));
    for (const e of [0, 1, 2]) for (const l of [1, 2]) if (!(e === 2 && l === 2)) writeFileSync(join(a, `e${e}_l${l}.npy`), mat(20, 3));
    writeFileSync(join(dir, 'y.npy'), encodeNpy('<i4', [20], new Int32Array(20).map((_, i) => i % 2)));
    writeFileSync(join(dir, 'y19.npy'), encodeNpy('<i4', [19], new Int32Array(19)));
    const cases: [string[], RegExp][] = [
      [['--activations', join(a, 'e{epoch}_l{layer}.npy'), '--labels', join(dir, 'y.npy')], /layer 2 has no matrix for epoch 2/],
      [['--activations', join(a, 'e{epoch}.npy'), '--labels', join(dir, 'y.npy')], /needs \{layer\}/],
      [['--activations', join(a, 'x{epoch}_{layer}.npy'), '--labels', join(dir, 'y.npy')], /nothing matches the pattern/],
      [['--activations', join(a, 'e{epoch}_l{layer}.npy'), '--layers', '1', '--labels', join(dir, 'y19.npy')], /y19\.npy: 19 labels for the 20 rows/],
      [['--dump', dir], /dump\.json: no dump\.json here/],
      [['--activations', join(a, 'e{epoch}_l{layer}.npy')], /--labels: needed/],
    ];
    for (const [args, re] of cases) {
      const out = join(dir, 'out');
      const r = cli(['plane', ...args, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(existsSync(join(out, 'infoplane.json'))).toBe(false);
    }
    // a non-finite value names the file, the layer and the epoch
    writeFileSync(join(a, 'e2_l2.npy'), encodeNpy('<f4', [20, 3], new Float32Array(60).fill(NaN)));
    const r = cli(['plane', '--activations', join(a, 'e{epoch}_l{layer}.npy'), '--labels', join(dir, 'y.npy'), '--out', join(dir, 'out'), '--threads', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/e2_l2\.npy: layer 2 at epoch 2: 60 of 60 values are not finite/);
  }, 60_000);
});

describe('infoplaneOfActivations (the library call)', () => {
  it('equals plane --dump on the same matrices, and needs no Node module', async () => {
    const { dir, dump } = trainedRun();
    const m = json(join(dump, 'dump.json'));
    const out = join(dir, 'lib-ref');
    expect(cli(['plane', '--dump', dump, '--estimators', ALL, '--out', out]).code).toBe(0);
    const ref = json(join(out, 'infoplane.json'));
    const npy = (f: string) => { const x = parseNpy(readFileSync(join(dump, f)), f); return { data: Float32Array.from(x.data), rows: x.rows, cols: x.cols }; };
    const engine = await createEngine(readFileSync(join(ROOT, 'build/infoplane.wasm')));
    let calls = 0;
    const result = infoplaneOfActivations(engine, {
      name: 'dump',
      layers: m.layers.map((name: string) => ({ name, activation: m.activationFunctions[name] })),
      epochs: m.epochs,
      activations: (l, k) => { calls++; return npy(`activations/e${m.epochs[k]}_${m.layers[l]}.npy`); },
      labels: npy('labels.npy').data,
      inputs: npy('inputs.npy'),
    }, { estimators: ALL.split(',') });
    expect(calls).toBe(m.layers.length * m.epochs.length);
    for (const est of ALL.split(',')) expect(result.mi[est]).toEqual(ref.mi[est]);
    expect(result.source).toBe('external');
    expect(result).not.toHaveProperty('trainLoss'); // no metrics given: no loss series
    expect(result.dataset).toEqual(ref.dataset);
    // the library entry reaches the external modules through no Node import
    const src = readFileSync(join(ROOT, 'dist/external/plane.js'), 'utf8') + readFileSync(join(ROOT, 'dist/external/measure.js'), 'utf8');
    expect(src).not.toMatch(/from ['"]node:/);
  }, 60_000);

  it('the README example runs as written (imports pointed at this checkout)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = readme.split('```js\n').map((b) => b.split('```')[0]).find((b) => b.includes('infoplaneOfActivations(engine,'));
    expect(block).toBeDefined();
    const code = block!.replace("from 'infoplane'", `from ${JSON.stringify(join(ROOT, 'dist/index.js'))}`)
      .replace("'node_modules/infoplane/build/infoplane.wasm'", JSON.stringify(join(ROOT, 'build/infoplane.wasm')));
    const file = join(tmp(), 'example.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const numbers = r.stdout.match(/\d+\.\d+/g) ?? [];
    expect(numbers).toHaveLength(6); // I(X;T) of 2 layers x 3 epochs
    for (const v of numbers) expect(Number(v)).toBeLessThanOrEqual(Math.log2(1000) + 1e-9);
    expect(r.stdout.trim().endsWith('[]')).toBe(true); // tanh values fit [-1, 1]: no warning
  });

  it('rejects shapes that do not fit, naming the layer and epoch', async () => {
    const engine = await createEngine(readFileSync(join(ROOT, 'build/infoplane.wasm')));
    const mk = (rows: number, cols: number) => ({ data: new Float32Array(rows * cols), rows, cols });
    expect(() => infoplaneOfActivations(engine, { layers: ['a'], epochs: [0, 5], activations: [[mk(4, 2), mk(4, 3)]], labels: [0, 1, 0, 1] }))
      .toThrow(/layer a at epoch 5: 4 x 3/);
    expect(() => infoplaneOfActivations(engine, { layers: ['a'], epochs: [0], activations: [[mk(4, 2)]], labels: [0, 1, 0] }))
      .toThrow(/3 labels for 4/);
    expect(() => infoplaneOfActivations(engine, { layers: ['a'], epochs: [3, 3], activations: [[mk(4, 2), mk(4, 2)]], labels: [0, 1, 0, 1] }))
      .toThrow(/epochs must increase/);
  });
});

describe('streamed .npy reading', () => {
  it('matches parseNpy for any chunking, dtype, order and slab', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const header = (descr: string, shape: number[], fortran: boolean) => {
      let t = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
      t += ' '.repeat(63 - ((10 + t.length) % 64)) + '\n';
      const h = new Uint8Array(10 + t.length);
      h.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(h.buffer).setUint16(8, t.length, true);
      for (let i = 0; i < t.length; i++) h[10 + i] = t.charCodeAt(i);
      return h;
    };
    for (const [descr, Arr] of [['<f4', Float32Array], ['<f8', Float64Array], ['<i2', Int16Array]] as const) {
      for (const fortran of [false, true]) {
        for (const shape of [[7, 3], [5], [4, 6, 2]]) {
          if (shape.length === 3 && fortran) continue;
          const n = shape.reduce((a, b) => a * b, 1);
          const values = new Arr(n).map(() => Math.round((rand() - 0.5) * 2000) / (descr === '<i2' ? 1 : 7));
          const h = header(descr, shape, fortran);
          const bytes = new Uint8Array(h.length + values.byteLength);
          bytes.set(h);
          bytes.set(new Uint8Array(values.buffer), h.length);
          const slabs = shape.length === 3 ? shape[0] : 1, rows = shape.length === 3 ? shape[1] : shape[0], cols = shape.length === 3 ? shape[2] : shape[1] ?? 1;
          for (let slab = 0; slab < slabs; slab++) {
            // the expected matrix: the slab as a 2-D npy
            const part = new Arr(values.buffer.slice(slab * rows * cols * values.BYTES_PER_ELEMENT, (slab + 1) * rows * cols * values.BYTES_PER_ELEMENT));
            const h2 = header(descr, [rows, cols], fortran && shape.length === 2);
            const b2 = new Uint8Array(h2.length + part.byteLength);
            b2.set(h2);
            b2.set(new Uint8Array(part.buffer), h2.length);
            const want = parseNpy(b2, 'x.npy');
            for (const chunk of [1, 3, 5, 64, 1 << 20]) {
              const stride = rows + 3;
              const dst = new Float32Array(cols * stride);
              const sink = new NpySink('x.npy', bytes.length, dst, stride, slab);
              for (let p = 0; p < bytes.length && !sink.done; p += chunk) sink.push(bytes.subarray(p, p + chunk));
              expect(sink.done).toBe(true);
              for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(dst[c * stride + r]).toBe(Math.fround(want.data[r * cols + c]));
            }
          }
        }
      }
    }
  });

  it('natural sort puts L2 before L10', () => {
    expect(['l10', 'l2', 'l1', 'conv', 'l1b'].sort(naturalCompare)).toEqual(['conv', 'l1', 'l1b', 'l2', 'l10']);
  });
});

describe('interrupting plane', () => {
  it('keeps the units finished before the signal, each equal to an uninterrupted run (1 and 2 threads)', async () => {
    const { dump } = trainedRun();
    const catalog = catalogFromDump(dump);
    const reader = await MatrixReader.create(false);
    const { rows, widths } = probeShapes(catalog, reader);
    const labels = Int32Array.from(reader.readMatrix(catalog.labels!).data);
    reader.close();
    const shape = { name: 'x', layers: catalog.layers, activations: catalog.layers.map(() => 'tanh'), epochs: catalog.epochs, rows, widths };
    const setup = measureSetup(shape, labels, planeSettings({ estimators: ['bin', 'kde-upper'] }));
    const units = planUnits(catalog.layers.length, catalog.epochs.length, false);
    const whole = await measureAll(catalog.locs, setup, units, 1);
    expect(whole.interrupted).toBe(false);
    expect(whole.results).toHaveLength(catalog.layers.length * catalog.epochs.length);
    const key = (r: { l: number; k: number }) => `${r.l}/${r.k}`;
    const byKey = new Map(whole.results.map((r) => [key(r), r]));
    for (const threads of [1, 2]) {
      const stop = new AbortController();
      const part = await measureAll(catalog.locs, setup, units, threads, (n) => { if (n >= 8) stop.abort(); }, stop.signal);
      expect(part.interrupted).toBe(true);
      expect(part.results.length).toBeGreaterThanOrEqual(8);
      expect(part.results.length).toBeLessThan(whole.results.length);
      expect(part.results.length % catalog.layers.length).toBe(0); // whole epochs only
      for (const r of part.results) expect(r).toEqual(byKey.get(key(r)));
    }
  }, 120_000);
});

describe('infoplane mi with several --activations', () => {
  it('prints one JSON line per file, naming it, in order; a bad file prints nothing', () => {
    const { dump } = trainedRun();
    const m = json(join(dump, 'dump.json'));
    const files = [m.epochs[0], m.epochs[m.epochs.length - 1], m.epochs[0]].map((e: number) => join(dump, 'activations', `e${e}_L3.npy`));
    const r = cli(['mi', ...files.flatMap((f) => ['--activations', f]), '--labels', join(dump, 'labels.npy')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    const one = JSON.parse(cli(['mi', '--activations', files[1], '--labels', join(dump, 'labels.npy')]).stdout);
    expect(lines[1]).toEqual(one);
    expect(lines[2]).toEqual(lines[0]);
    expect(lines[0].ixt).not.toBe(lines[1].ixt);
    const bad = cli(['mi', '--activations', files[0], '--activations', join(dump, 'nope.npy'), '--labels', join(dump, 'labels.npy')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/nope\.npy: cannot read file/);
  }, 60_000);
});
