import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelEntropy } from '../src/data/dataset.js';
import { loadDatasetFile } from '../src/data/files.js';
import { IB12_THRESHOLD, ib12, ib12Score } from '../src/data/ib12.js';
import { expectPresent, referenceFile } from './helpers/outside.js';

const { file: REFERENCE, run: hasReference } = referenceFile('var_u.json');

describe('ib12', () => {
  const ds = ib12();

  it('has all 4096 12-bit rows, row i = i in binary MSB first', () => {
    expect(ds.name).toBe('ib12');
    expect([ds.nRows, ds.nInputs, ds.nClasses]).toEqual([4096, 12, 2]);
    expect(ds.X.length).toBe(4096 * 12);
    expect(ds.y.length).toBe(4096);
    const expected = new Float32Array(4096 * 12);
    for (let i = 0; i < 4096; i++) {
      for (let j = 0; j < 12; j++) expected[i * 12 + j] = (i >> (11 - j)) & 1;
    }
    expect(ds.X).toEqual(expected);
    expect(Array.from(ds.X.subarray(5 * 12, 6 * 12))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
  });

  it('has 2118 ones and 1978 zeros: p(y=1) = 0.51709, H(Y) = 0.99916 bits', () => {
    const ones = ds.y.reduce((a, v) => a + v, 0);
    expect(ones).toBe(2118);
    expect(ds.y.filter((v) => v === 0).length).toBe(1978);
    expect((ones / ds.nRows).toFixed(5)).toBe('0.51709');
    expect(labelEntropy(ds.y, 2).toFixed(5)).toBe('0.99916');
  });

  it('no score lies near the threshold, so rounding cannot flip a label', () => {
    // docs/SCIENCE.md, The 12-bit dataset: any threshold in (7.563, 7.701] gives the same labels.
    let gap = Infinity;
    for (let i = 0; i < 4096; i++) gap = Math.min(gap, Math.abs(ib12Score(ds.X.subarray(i * 12, i * 12 + 12)) - IB12_THRESHOLD));
    expect(gap).toBeGreaterThan(0.04);
  });

  it('ib12Score is n + |S| on unit icosahedron vertices', () => {
    const bits = (...on: number[]) => Array.from({ length: 12 }, (_, j) => (on.includes(j) ? 1 : 0));
    expect(ib12Score(bits())).toBe(0);
    expect(ib12Score(bits(3))).toBeCloseTo(2, 12); // one unit vector
    expect(ib12Score(bits(0, 9))).toBeCloseTo(2, 12); // antipodal pair: S = 0
    expect(ib12Score(new Array(12).fill(1))).toBeCloseTo(12, 12); // the vertices sum to zero
    expect(() => ib12Score([1, 0])).toThrow(RangeError);
  });

  it.skipIf(!hasReference)('equals the reference file var_u.json entry by entry', () => {
    expectPresent(REFERENCE);
    const ref = JSON.parse(fs.readFileSync(REFERENCE, 'utf8')) as { X: number[][]; y: number[] };
    // The file stores X as 4096 rows of 12 0/1 values and y as plain 0/1 labels (not one-hot).
    expect(ref.X.length).toBe(4096);
    expect(ref.y.length).toBe(4096);
    expect(ref.X.every((row) => row.length === 12)).toBe(true);
    expect(Array.from(ds.X)).toEqual(ref.X.flat());
    expect(Array.from(ds.y)).toEqual(ref.y);
    // The JSON {"X","y"} loader reads the same data.
    const loaded = loadDatasetFile(REFERENCE);
    expect(loaded.name).toBe('var_u');
    expect(loaded.nClasses).toBe(2);
    expect(loaded.X).toEqual(ds.X);
    expect(loaded.y).toEqual(ds.y);
  });
});

describe('labelEntropy', () => {
  it('is in bits', () => {
    expect(labelEntropy(new Int32Array([0, 1, 2, 3]), 4)).toBeCloseTo(2, 12);
    expect(labelEntropy(new Int32Array([1, 1, 1]), 2)).toBe(0);
    expect(labelEntropy(new Int32Array([0, 0, 0, 1]), 2)).toBeCloseTo(0.8112781244591328, 12);
  });

  it('rejects labels outside 0..nClasses-1', () => {
    expect(() => labelEntropy(new Int32Array([0, 2]), 2)).toThrow(RangeError);
  });
});
