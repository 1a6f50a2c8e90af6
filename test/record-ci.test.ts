import { describe, expect, it } from 'vitest';
import { snrSwitch, snrTransition, windowedMedian } from '../src/record/phases.js';
import { dpiChecks } from '../src/record/checks.js';
import { buildResult, seriesCi95 } from '../src/record/result.js';
import { DEFAULTS } from '../src/config/config.js';
import { ib12 } from '../src/data/ib12.js';
import type { RunRecord } from '../src/record/schema.js';

const EPOCHS = [0, 1, 3, 7, 15, 31, 63, 127, 255];

describe('smoothed SNR switch', () => {
  it('windowed median of 5, clipped at the ends', () => {
    expect(windowedMedian([1, 9, 2, 8, 3], 5)).toEqual([2, 5, 3, 5.5, 3]);
  });
  it('one noisy epoch above 1 does not reset the switch (the raw rule is reset by it)', () => {
    const snr = [5, 4, 3, 0.5, 0.4, 0.3, 2.5, 0.2, 0.1]; // a blip at epoch 63
    const mean = snr.map((v) => 2 * v), std = snr.map(() => 2);
    expect(snrTransition(EPOCHS, mean, std)).toBe(127);
    expect(snrSwitch(EPOCHS, mean, std)).toBe(7);
  });
  it('three epochs back above 1 in a row do move it', () => {
    const snr = [5, 4, 3, 0.5, 0.4, 2, 2, 2, 0.1];
    expect(snrSwitch(EPOCHS, snr, snr.map(() => 1))).toBeNull(); // the smoothed tail ends at 2
  });
});

describe('data-processing inequality check', () => {
  it('counts deeper layers with more information, and the largest excess', () => {
    const run = (ixt: number[][]) => ({ mi: { bin: { ixt, ity: ixt.map((r) => r.map(() => 0.5)), settings: '' } } });
    const c = dpiChecks([run([[3, 3], [2, 3.5], [1, 1]])]);
    // pairs per epoch: (0,1) (0,2) (1,2) -> 6 over two epochs; one violation: layer 1 at k = 1 by 0.5
    expect(c.bin.ixt).toEqual({ pairs: 6, share: 1 / 6, largest: 0.5 });
    expect(c.bin.ity).toEqual({ pairs: 6, share: 0, largest: 0 });
  });
});

describe('ci95 companions', () => {
  const run = (seed: number, shift: number): RunRecord => {
    const K = EPOCHS.length, row = (v: number) => EPOCHS.map((_, k) => v + k * 0.01);
    return {
      repeat: seed, seed, status: 'ok', epochs: EPOCHS,
      mi: { bin: { ixt: [row(3 + shift), row(2 + shift)], ity: [row(0.5), row(0.4 + shift)], settings: '' } },
      trainLoss: row(1 + shift), trainAcc: row(0.5), testLoss: row(1), testAcc: new Array(K).fill(0.5 + shift),
      gradMean: [row(1), row(2)], gradStd: [row(1), row(1 + shift)],
    };
  };
  it('has the averaged series\' shape, brackets the mean, and is absent for one network', () => {
    const runs = [0, 1, 2, 3, 4, 5].map((i) => run(i, i * 0.1));
    const r = buildResult({ ...DEFAULTS, layers: [1] }, ib12(), runs);
    expect(r.ci95).toBeDefined();
    const ci = r.ci95!;
    expect(ci.testAcc.length).toBe(EPOCHS.length);
    expect(ci.mi.bin.ixt.length).toBe(2);
    expect(ci.gradStd[1].length).toBe(EPOCHS.length);
    for (let k = 0; k < EPOCHS.length; k++) {
      expect(ci.testAcc[k][0]).toBeLessThan(r.testAcc[k]);
      expect(ci.testAcc[k][1]).toBeGreaterThan(r.testAcc[k]);
      expect(ci.trainAcc[k][0]).toBeCloseTo(r.trainAcc[k], 12); // identical networks: a zero-width interval
      expect(ci.trainAcc[k][1]).toBeCloseTo(r.trainAcc[k], 12);
    }
    expect(r.dpi?.bin.ixt.pairs).toBe(6 * EPOCHS.length);
    expect(buildResult({ ...DEFAULTS, layers: [1] }, ib12(), [runs[0]]).ci95).toBeUndefined();
    expect(seriesCi95(runs, 1)).toEqual(seriesCi95(runs, 1));
  });
});
