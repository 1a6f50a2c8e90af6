import { describe, expect, it } from 'vitest';
import { relabel } from '../src/data/relabel.js';
import { ib12, ib12Score } from '../src/data/ib12.js';
import { datasetKey, datasetOf } from '../src/node/datasets.js';
import { configFromFlags, UsageError } from '../src/config/flags.js';

describe('training labels', () => {
  const data = ib12();
  it('shuffled: same class counts, seeded, and about half the rows changed', () => {
    const a = relabel(data, 'shuffled', 1, null), b = relabel(data, 'shuffled', 1, null), c = relabel(data, 'shuffled', 2, null);
    const ones = (y: Int32Array) => y.reduce((s, v) => s + v, 0);
    expect(ones(a.y)).toBe(ones(data.y));
    expect(a.y).toEqual(b.y);
    expect(a.y).not.toEqual(c.y);
    let changed = 0;
    for (let i = 0; i < data.nRows; i++) if (a.y[i] !== data.y[i]) changed++;
    // p(y=1) = 0.517: a random permutation changes 2 p (1 - p) = 49.9% of the rows (SE 0.8%)
    expect(Math.abs(changed / data.nRows - 0.4994)).toBeLessThan(0.03);
    expect(data.y).toEqual(ib12().y); // the original is untouched
  });
  it('noisy: the share of ones follows sigmoid(gamma (score - theta)) row by row', () => {
    const noise = { gamma: 5, theta: 7.65 };
    const d = relabel(data, 'noisy', 3, noise);
    let expected = 0, got = 0, agree = 0;
    const bits = new Float64Array(12);
    for (let i = 0; i < data.nRows; i++) {
      for (let j = 0; j < 12; j++) bits[j] = data.X[i * 12 + j];
      const p = 1 / (1 + Math.exp(-noise.gamma * (ib12Score(bits) - noise.theta)));
      expected += p; got += d.y[i];
      if (d.y[i] === data.y[i]) agree++;
    }
    // sum of 4096 Bernoullis: SD below sqrt(4096 / 4) = 32
    expect(Math.abs(got - expected)).toBeLessThan(4 * 32);
    expect(agree / data.nRows).toBeGreaterThan(0.8);
    expect(agree).toBeLessThan(data.nRows);
  });
  it('the CLI option: noisy needs a label model; datasets of different labels get different keys', () => {
    expect(() => configFromFlags({ labels: 'noisy' })).toThrow(UsageError);
    expect(() => configFromFlags({ labels: 'random' })).toThrow(/--labels: "random" is not one of data, shuffled, noisy/);
    const c = configFromFlags({ labels: 'noisy', labelNoiseGamma: '5' });
    expect(datasetKey(c)).not.toBe(datasetKey(configFromFlags({})));
    expect(datasetKey(c)).not.toBe(datasetKey({ ...c, seed: 1 }));
    expect(datasetOf(configFromFlags({ labels: 'shuffled' })).name).toContain('shuffled');
  });
});
