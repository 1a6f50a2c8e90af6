// The p(x,y) the IB bound is computed for: a dataset's rows as x (uniform; duplicate rows merged)
// with either the data's own labels or the noisy ib12 rule (docs/SCIENCE.md, The IB bound). No Node imports.
import type { Dataset } from '../data/dataset.js';
import { ib12Score } from '../data/ib12.js';
import type { JointXY } from './ib.js';

export type LabelModel =
  | { kind: 'data' }
  /** p(y=1|x) = sigmoid(gamma (n + |S| - theta)), the ib12 score of the row's 12 inputs. */
  | { kind: 'noisy'; gamma: number; theta: number };

/** Why `model` cannot be used with `data`, or null if it can. */
export function labelModelProblem(data: Dataset, model: LabelModel): string | null {
  if (model.kind === 'data') return null;
  if (!(Number.isFinite(model.gamma) && model.gamma > 0)) return `gamma ${model.gamma} is not a number > 0`;
  if (!Number.isFinite(model.theta)) return `theta ${model.theta} is not a number`;
  if (data.nInputs !== 12 || data.nClasses !== 2) {
    return `the noisy label model scores 12 input bits with 2 classes (like ib12); ${data.name} has ${data.nInputs} inputs and ${data.nClasses} classes`;
  }
  return null;
}

/** Label text for reports: "the data's labels" or "noisy: sigmoid(5 (n + |S| - 7.65))". */
export function describeLabelModel(model: LabelModel): string {
  return model.kind === 'data' ? 'the data\'s labels' : `noisy labels p(y=1|x) = sigmoid(${model.gamma} (n + |S| - ${model.theta}))`;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * p(x,y) with x = the distinct input rows (p(x) = their share of the rows) and p(y|x) from the
 * label model: the empirical label frequencies among x's copies, or the noisy ib12 rule.
 */
export function jointFromDataset(data: Dataset, model: LabelModel): JointXY {
  const problem = labelModelProblem(data, model);
  if (problem) throw new RangeError(problem);
  const { nRows, nInputs, X, y } = data;
  const ny = data.nClasses;
  const index = new Map<string, number>();
  const firstRow: number[] = [], count: number[] = [], labelCounts: number[] = [];
  const halves = new Uint16Array(X.buffer, X.byteOffset, X.length * 2);
  for (let i = 0; i < nRows; i++) {
    // the row's float32 bit patterns as the key (-0 and 0 differ: harmless, both are valid inputs)
    const key = String.fromCharCode.apply(null, halves.subarray(i * nInputs * 2, (i + 1) * nInputs * 2) as unknown as number[]);
    let x = index.get(key);
    if (x === undefined) {
      x = firstRow.length;
      index.set(key, x);
      firstRow.push(i); count.push(0);
      for (let c = 0; c < ny; c++) labelCounts.push(0);
    }
    count[x]++;
    labelCounts[x * ny + y[i]]++;
  }
  const nx = firstRow.length;
  const px = new Float64Array(nx), pyGivenX = new Float64Array(nx * ny);
  const bits = new Float64Array(nInputs);
  for (let x = 0; x < nx; x++) {
    px[x] = count[x] / nRows;
    if (model.kind === 'data') {
      for (let c = 0; c < ny; c++) pyGivenX[x * ny + c] = labelCounts[x * ny + c] / count[x];
    } else {
      for (let j = 0; j < nInputs; j++) bits[j] = X[firstRow[x] * nInputs + j];
      const z = model.gamma * (ib12Score(bits) - model.theta);
      // both from the sigmoid, not 1 - p: a tiny p(y=0|x) keeps its precision
      pyGivenX[x * ny] = sigmoid(-z);
      pyGivenX[x * ny + 1] = sigmoid(z);
    }
  }
  return { nx, ny, px, pyGivenX };
}
