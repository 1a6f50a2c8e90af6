// The public API as a package user sees it: dist/index.js after `npm run build`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as lib from '../dist/index.js';

const { createEngine, compileWasmBase64, fetchWasmModule, base64ToBytes, TrainingSession, runNetwork, buildResult,
  miOfMatrix, ib12, DEFAULTS, ESTIMATORS, loggedEpochs, Engine } = lib;
type ExperimentConfig = lib.ExperimentConfig;

const bytes = readFileSync(new URL('../build/infoplane.wasm', import.meta.url));
const data = ib12();
const small: ExperimentConfig = { ...DEFAULTS, layers: [10, 7, 5], epochs: 400, lr: 3e-3, miSchedule: { kind: 'every', k: 20 } };

describe('public API (dist/index.js)', () => {
  it('trains a small network end to end: engine from bytes, run, result', async () => {
    const engine = await createEngine(new Uint8Array(bytes));
    const rec = runNetwork(engine, small, data, 0);
    const result = buildResult(small, data, [rec]);
    const K = result.epochs.length, last = K - 1;
    expect(result.format).toBe('infoplane/1');
    expect(result.epochs).toEqual(loggedEpochs(small.miSchedule, small.epochs));
    expect(result.layers.map((l) => l.width)).toEqual([10, 7, 5, 2]);
    expect(result.testAcc[last]).toBeGreaterThan(result.testAcc[0] + 0.1);
    expect(result.trainLoss[last]).toBeLessThan(result.trainLoss[0]);
    // every layer has a finite plane point at every logged epoch, inside the axes' bounds
    for (const grid of [result.mi.bin.ixt, result.mi.bin.ity]) {
      expect(grid).toHaveLength(4);
      for (const row of grid) for (const v of row) { expect(Number.isFinite(v)).toBe(true); expect(v).toBeLessThanOrEqual(12 + 1e-9); }
    }
  }, 60_000);

  it('base64 and data: URL loading give the same core as bytes', async () => {
    const b64 = bytes.toString('base64');
    expect(Array.from(base64ToBytes(b64))).toEqual(Array.from(bytes));
    expect(Array.from(base64ToBytes(b64.replace(/(.{76})/g, '$1\n')))).toEqual(Array.from(bytes));
    const cfg = { ...small, epochs: 40 };
    const a = runNetwork(await createEngine(bytes), cfg, data, 3);
    const b = runNetwork(await Engine.create(await compileWasmBase64(b64)), cfg, data, 3);
    const c = runNetwork(await createEngine(`data:application/wasm;base64,${b64}`), cfg, data, 3);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    await expect(fetchWasmModule('data:application/wasm;base64,AGFzbQ')).rejects.toThrow();
  });

  it('a TrainingSession advanced in uneven steps equals runNetwork bit for bit', async () => {
    const engine = await createEngine(bytes);
    const whole = JSON.stringify(runNetwork(engine, small, data, 2));
    const s = new TrainingSession(engine, small, data, 2);
    const steps = [1, 0, 7, 13, 19, 64, 3, 1000];
    let i = 0, total = 0, seenPoints = 0;
    const pieces: lib.Series[] = [];
    while (!s.done) {
      const ran = s.advance(steps[i++ % steps.length]);
      total += ran;
      expect(s.epoch).toBe(total);
      // points measured so far: logged epochs strictly before the epochs trained
      expect(s.points).toBe(s.epochs.filter((e) => e < s.epoch).length);
      pieces.push(s.slice(seenPoints));
      seenPoints = s.points;
    }
    expect(total).toBe(small.epochs);
    expect(s.advance(10)).toBe(0);
    expect(JSON.stringify(s.record)).toBe(whole);
    // the posted slices, concatenated, are the record
    expect(pieces.flatMap((p) => p.epochs)).toEqual(s.record.epochs);
    expect(pieces.flatMap((p) => p.mi.bin.ity[2])).toEqual(s.record.mi.bin.ity[2]);
    expect(pieces.flatMap((p) => p.gradStd[0])).toEqual(s.record.gradStd[0]);
  }, 60_000);

  it('a partial snapshot is a valid result of the points so far', async () => {
    const engine = await createEngine(bytes);
    const s = new TrainingSession(engine, small, data, 0);
    s.advance(101);
    const snap = s.snapshot();
    expect(snap.epochs).toEqual([0, 20, 40, 60, 80, 100]);
    expect(snap.mi.bin.ixt.every((r) => r.length === 6 && r.every(Number.isFinite))).toBe(true);
    const result = buildResult(small, data, [snap]);
    expect(result.epochs).toHaveLength(6);
    expect(result.runs[0].status).toBe('ok');
  });

  it('a diverging session stops and says so', async () => {
    const engine = await createEngine(bytes);
    const s = new TrainingSession(engine, { ...small, optimizer: 'sgd', lr: 1e30, activation: 'linear', miSchedule: { kind: 'all' } }, data, 0);
    while (!s.done) s.advance(5);
    expect(s.record.status).toBe('diverged');
    expect(s.snapshot().divergedAt).toBe(s.epoch);
    expect(s.epoch).toBeLessThan(small.epochs);
  });

  it('runs every registered estimator through miOfMatrix', async () => {
    const engine = await createEngine(bytes);
    // 8 rows, 2 columns: 4 distinct binned patterns, each holding both labels once
    const X = [0.1, 0.1, 0.1, 0.1, 0.9, 0.1, 0.9, 0.1, 0.1, 0.9, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9];
    const y = new Int32Array([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Object.keys(ESTIMATORS)).toContain('bin');
    const r = miOfMatrix(engine, X, 8, 2, y, { estimator: 'bin', binning: { kind: 'edges', bins: 3, lo: 0, hi: 1 } });
    expect(r.patterns).toBe(4);
    expect(r.ixt).toBeCloseTo(2, 12);
    expect(r.ity).toBeCloseTo(0, 12);
    for (const name of Object.keys(ESTIMATORS)) {
      // exact counts a quantized network's levels and refuses a float matrix
      if (name === 'exact') { expect(() => miOfMatrix(engine, X, 8, 2, y, { estimator: name })).toThrow(/quantized/); continue; }
      const p = miOfMatrix(engine, X, 8, 2, y, { estimator: name });
      expect(Number.isFinite(p.ixt) && Number.isFinite(p.ity), name).toBe(true);
    }
  });
});
