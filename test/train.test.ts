import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine } from '../src/engine/engine.js';
import { runNetwork } from '../src/train/run-network.js';
import { loggedEpochs } from '../src/train/schedule.js';
import { splitOrder, trainCount } from '../src/train/split.js';
import { ib12 } from '../src/data/ib12.js';
import { DEFAULTS, type ExperimentConfig } from '../src/config/config.js';
import { averageRuns } from '../src/record/result.js';

const module = new WebAssembly.Module(readFileSync(new URL('../build/infoplane.wasm', import.meta.url)));
const engine = await Engine.create(module);
const data = ib12();

describe('MI schedules', () => {
  it('log: unique(floor(logspace(0, log2 E, n, base 2))) - 1 as the reference code', () => {
    const e = loggedEpochs({ kind: 'log', points: 400 }, 8000);
    expect(e).toHaveLength(274);
    expect(e.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(e[e.length - 1]).toBe(7999);
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeGreaterThan(e[i - 1]);
  });
  it('saxe: every epoch < 20, every 5th < 100, every 20th < 2000, then every 100th', () => {
    const e = loggedEpochs({ kind: 'saxe' }, 2300);
    expect(e.slice(0, 22)).toEqual([...Array(20).keys(), 20, 25]);
    expect(e).toContain(1980);
    expect(e).not.toContain(1990);
    expect(e.slice(-3)).toEqual([2000, 2100, 2200]);
  });
  it('every:K and all', () => {
    expect(loggedEpochs({ kind: 'every', k: 3 }, 10)).toEqual([0, 3, 6, 9]);
    expect(loggedEpochs({ kind: 'all' }, 4)).toEqual([0, 1, 2, 3]);
  });
});

describe('splits', () => {
  it('ordered split is the reference code quirk: p(y=1) 0.437 in train, 0.836 in test', () => {
    const n = trainCount(4096, 0.8);
    expect(n).toBe(3277);
    const order = splitOrder(engine, 'ordered', 4096, 0);
    let tr = 0, te = 0;
    for (let i = 0; i < 4096; i++) (i < n ? (tr += data.y[order[i]]) : (te += data.y[order[i]]));
    expect(tr / n).toBeCloseTo(0.437, 3);
    expect(te / (4096 - n)).toBeCloseTo(0.836, 3);
  });
  it('random split is a seeded permutation', () => {
    const a = splitOrder(engine, 'random', 4096, 5), b = splitOrder(engine, 'random', 4096, 5), c = splitOrder(engine, 'random', 4096, 6);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual([...Array(4096).keys()]);
  });
});

describe('training', () => {
  const base: ExperimentConfig = { ...DEFAULTS, epochs: 1500, lr: 2e-3, miSchedule: { kind: 'every', k: 100 } };

  it('learns ib12 (test accuracy > 0.9) and the output layer gains information about Y', () => {
    const rec = runNetwork(engine, base, data, 0);
    const K = rec.epochs.length, last = K - 1, out = rec.mi.bin.ity.length - 1;
    expect(rec.status).toBe('ok');
    expect(rec.testAcc[last]).toBeGreaterThan(0.9);
    expect(rec.trainLoss[last]).toBeLessThan(rec.trainLoss[0] / 3);
    expect(rec.mi.bin.ity[out][last]).toBeGreaterThan(rec.mi.bin.ity[out][0] + 0.3);
    // I(T;Y) <= I(X;T) for every layer and epoch (data processing inequality on a deterministic T)
    for (let l = 0; l <= out; l++) for (let k = 0; k < K; k++) expect(rec.mi.bin.ity[l][k]).toBeLessThanOrEqual(rec.mi.bin.ixt[l][k] + 1e-9);
    // gradient statistics are positive and finite
    for (const row of [...rec.gradMean, ...rec.gradStd]) for (const v of row) expect(v).toBeGreaterThan(0);
  }, 30_000);

  it('is bit-identical for the same seed and differs for another', () => {
    const cfg = { ...base, epochs: 60, miSchedule: { kind: 'every' as const, k: 20 } };
    const a = runNetwork(engine, cfg, data, 0), b = runNetwork(engine, cfg, data, 0), c = runNetwork(engine, cfg, data, 1);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.mi)).not.toBe(JSON.stringify(c.mi));
  });

  it('every optimizer and activation trains without NaN', () => {
    for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
      for (const activation of ['tanh', 'relu', 'sigmoid', 'linear', 'softsign', 'softplus'] as const) {
        const rec = runNetwork(engine, { ...base, epochs: 30, optimizer, activation, lr: optimizer === 'adam' ? 1e-3 : 0.05, miSchedule: { kind: 'every', k: 10 } }, data, 0);
        expect(rec.status, `${optimizer} ${activation}`).toBe('ok');
        expect(rec.trainLoss.every(Number.isFinite), `${optimizer} ${activation}`).toBe(true);
      }
    }
  });

  it('stops a diverging network and records the epoch', () => {
    const rec = runNetwork(engine, { ...base, epochs: 200, optimizer: 'sgd', lr: 1e30, activation: 'linear', miSchedule: { kind: 'all' } }, data, 0);
    expect(rec.status).toBe('diverged');
    expect(rec.divergedAt).toBeGreaterThan(0);
    expect(Number.isFinite(rec.trainLoss[0])).toBe(true);
  });

  it('averages repeats element-wise over finite values', () => {
    const a = runNetwork(engine, { ...base, epochs: 20, miSchedule: { kind: 'every', k: 10 } }, data, 0);
    const b = runNetwork(engine, { ...base, epochs: 20, miSchedule: { kind: 'every', k: 10 } }, data, 1);
    const avg = averageRuns([a, b]);
    expect(avg.mi.bin.ixt[3][1]).toBeCloseTo((a.mi.bin.ixt[3][1] + b.mi.bin.ixt[3][1]) / 2, 12);
    b.testAcc[1] = NaN;
    expect(averageRuns([a, b]).testAcc[1]).toBe(a.testAcc[1]);
  });
});
