// Training labels other than the data's own (docs/SCIENCE.md §2, §10):
// - shuffled: the labels permuted over the rows (class counts kept), a control in which nothing
//   about x predicts y, so test accuracy stays at chance and any "compression" is not learning;
// - noisy: y drawn once per row from p(y=1|x) = sigmoid(gamma (n + |S| - theta)) on the 12-bit
//   task, so that the IB bound of that p(x,y) is a curve rather than the corner min(I(X;T), H(Y)).
// One draw per config seed: every network of a setting sees the same labels. No Node imports.
import type { Dataset } from './dataset.js';
import { ib12Score } from './ib12.js';
import { seededUniform, subSeed } from '../stats/rng.js';

export type LabelMode = 'data' | 'shuffled' | 'noisy';
export const LABEL_MODES: readonly LabelMode[] = ['data', 'shuffled', 'noisy'];

export function relabel(data: Dataset, mode: LabelMode, seed: number, noise: { gamma: number; theta: number } | null): Dataset {
  if (mode === 'data') return data;
  const y = new Int32Array(data.y);
  if (mode === 'shuffled') {
    const u = seededUniform(subSeed(seed, 'shuffled labels'));
    for (let i = y.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      const t = y[i]; y[i] = y[j]; y[j] = t;
    }
    return { ...data, name: `${data.name} (shuffled labels)`, y };
  }
  if (!noise) throw new RangeError('noisy labels need a label model (gamma, theta)');
  if (data.nInputs !== 12 || data.nClasses !== 2) throw new RangeError(`noisy labels score 12 input bits with 2 classes (like ib12); ${data.name} has ${data.nInputs} inputs and ${data.nClasses} classes`);
  const u = seededUniform(subSeed(seed, 'noisy labels'));
  const bits = new Float64Array(12), labelProb = new Float64Array(data.nRows);
  for (let i = 0; i < data.nRows; i++) {
    for (let j = 0; j < 12; j++) bits[j] = data.X[i * 12 + j];
    const z = noise.gamma * (ib12Score(bits) - noise.theta);
    labelProb[i] = 1 / (1 + Math.exp(-z));
    y[i] = u() < labelProb[i] ? 1 : 0;
  }
  return { ...data, labelProb, name: `${data.name} (labels drawn from sigmoid(${noise.gamma} (n + |S| - ${noise.theta})))`, y };
}
