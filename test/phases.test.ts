import { describe, expect, it } from 'vitest';
import { compressionOf, phasesOf, snrTransition } from '../src/record/phases.js';
import { buildResult } from '../src/record/result.js';
import { DEFAULTS } from '../src/config/config.js';
import { ib12 } from '../src/data/ib12.js';
import type { RunRecord, Series } from '../src/record/schema.js';

const EPOCHS = [0, 1, 3, 7, 15, 31, 63];

/** gradMean / gradStd series with the given SNRs (std fixed at 2). */
function snrs(values: number[]): { mean: number[]; std: number[] } {
  return { mean: values.map((v) => 2 * v), std: values.map(() => 2) };
}

describe('snrTransition', () => {
  it('is the first epoch from which SNR stays below 1', () => {
    const { mean, std } = snrs([5, 3, 0.5, 0.4, 0.3, 0.2, 0.1]);
    expect(snrTransition(EPOCHS, mean, std)).toBe(3);
  });
  it('is null when SNR never falls below 1', () => {
    const { mean, std } = snrs([5, 3, 2, 1.5, 1.2, 1.1, 1]);
    expect(snrTransition(EPOCHS, mean, std)).toBeNull();
  });
  it('ignores a dip that comes back above 1', () => {
    const { mean, std } = snrs([5, 0.5, 0.4, 1.5, 0.5, 0.2, 0.1]);
    expect(snrTransition(EPOCHS, mean, std)).toBe(15);
  });
  it('is null when the last SNR is back above 1', () => {
    const { mean, std } = snrs([5, 0.5, 0.4, 0.5, 0.5, 0.2, 3]);
    expect(snrTransition(EPOCHS, mean, std)).toBeNull();
  });
  it('counts SNR = 1 as not below, and a first epoch already below', () => {
    expect(snrTransition(EPOCHS, ...Object.values(snrs([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])) as [number[], number[]])).toBe(0);
    expect(snrTransition(EPOCHS, ...Object.values(snrs([0.9, 0.9, 0.9, 1, 0.9, 0.9, 0.9])) as [number[], number[]])).toBe(15);
  });
  it('skips missing epochs (divergence, 0/0) and treats std = 0 as drift', () => {
    const { mean, std } = snrs([5, 3, 0.5, 0.4, NaN, NaN, NaN]);
    expect(snrTransition(EPOCHS, mean, std)).toBe(3);
    // null as in a reloaded JSON file is missing too, not 0
    expect(snrTransition(EPOCHS, [4, 1, 1, null, null, null, null] as unknown as number[], [2, 2, 2, 2, 2, 2, 2])).toBe(1);
    expect(snrTransition([0, 1, 2], [2, 0, 1e-3], [1, 0, 0])).toBeNull(); // last: mean > 0, std 0: SNR = Infinity
  });
});

describe('compressionOf', () => {
  it('finds the peak, the amount to the final value and the onset', () => {
    expect(compressionOf(EPOCHS, [1, 3, 5, 4.8, 4.5, 4.2, 4], 0.1)).toEqual({ onset: 3, peak: 5, amount: 1 });
  });
  it('gives no onset when the fall is not more than the threshold', () => {
    const c = compressionOf(EPOCHS, [1, 2, 3, 3.25, 3.2, 3.15, 3.125], 0.125);
    expect(c.onset).toBeNull();
    expect(c.peak).toBe(3.25);
    expect(c.amount).toBe(0.125);
    expect(compressionOf(EPOCHS, [1, 2, 3, 3.25, 3.2, 3.15, 3.125], 0.1).onset).toBe(7);
  });
  it('takes the first epoch of a tied maximum and skips missing values', () => {
    expect(compressionOf(EPOCHS, [5, 5, 4, 3, NaN, NaN, NaN], 0.1)).toEqual({ onset: 0, peak: 5, amount: 2 });
    expect(compressionOf(EPOCHS, [NaN, NaN, NaN, NaN, NaN, NaN, NaN], 0.1)).toEqual({ onset: null, peak: null, amount: null });
  });
  it('reports a monotone rise as no compression', () => {
    expect(compressionOf(EPOCHS, [1, 2, 3, 4, 5, 6, 7], 0)).toEqual({ onset: null, peak: 7, amount: 0 });
  });
});

function series(snrByLayer: number[][], ixtByLayer: number[][]): Series {
  const grid = snrByLayer.map((r) => r.map(() => 0.5));
  return {
    epochs: EPOCHS,
    mi: { bin: { ixt: ixtByLayer, ity: grid, settings: 'test' } },
    trainLoss: EPOCHS.map(() => 1), trainAcc: EPOCHS.map(() => 0.5), testLoss: EPOCHS.map(() => 1), testAcc: EPOCHS.map(() => 0.5),
    gradMean: snrByLayer.map((r) => r.map((v) => 2 * v)), gradStd: snrByLayer.map((r) => r.map(() => 2)),
  };
}

describe('phasesOf and buildResult', () => {
  it('computes per layer and per estimator', () => {
    const s = series([[5, 3, 0.5, 0.4, 0.3, 0.2, 0.1], [5, 5, 5, 5, 5, 5, 5]], [[1, 3, 5, 4.8, 4.5, 4.2, 4], [1, 2, 3, 4, 5, 6, 7]]);
    expect(phasesOf(s, 0.1)).toEqual({
      threshold: 0.1,
      snrTransition: [3, null],
      snrSwitch: [3, null],
      compression: { bin: [{ onset: 3, peak: 5, amount: 1 }, { onset: null, peak: 7, amount: 0 }] },
    });
  });

  it('stores phases of the average and of every run, with the config threshold', () => {
    const data = ib12();
    const config = { ...DEFAULTS, layers: [3], compressionThreshold: 0.5 };
    // Run 0 crosses below 1 at epoch 3, run 1 at 15, their average (of means over std 2) at 7.
    const a = series([[4, 3, 0.2, 0.2, 0.2, 0.2, 0.2], [2, 2, 2, 2, 2, 2, 2]], [[1, 2, 3, 2.6, 2.6, 2.6, 2.6], [1, 1, 1, 1, 1, 1, 1]]);
    const b = series([[4, 3, 2, 1.6, 0.2, 0.2, 0.2], [2, 2, 2, 2, 2, 2, 2]], [[1, 2, 3, 3, 3, 3, 2], [1, 1, 1, 1, 1, 1, 1]]);
    const runs: RunRecord[] = [{ ...a, repeat: 0, seed: 0, status: 'ok' }, { ...b, repeat: 1, seed: 1, status: 'ok' }];
    const r = buildResult(config, data, runs);
    expect(r.phases?.threshold).toBe(0.5);
    expect(r.runs[0].phases?.snrTransition).toEqual([3, null]);
    expect(r.runs[1].phases?.snrTransition).toEqual([15, null]);
    expect(r.phases?.snrTransition).toEqual([7, null]); // mean SNR: 1.1 at epoch 3, 0.9 at epoch 7
    expect(r.runs[0].phases?.compression.bin[0].onset).toBeNull(); // fell 0.4 <= 0.5
    expect(r.runs[1].phases?.compression.bin[0]).toEqual({ onset: 3, peak: 3, amount: 1 });
    expect(r.phases?.compression.bin[0]).toMatchObject({ onset: 3, peak: 3 });
    expect(r.phases?.compression.bin[0].amount).toBeCloseTo(0.7, 12);
    expect(r.bound).toBeUndefined(); // config.bound is false by default
    expect(r.boundGap).toBeUndefined();
    // the input records are not modified
    expect(runs[0].phases).toBeUndefined();
  });
});
