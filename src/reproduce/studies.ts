// The paper's studies and their controls as sweeps (docs/SCIENCE.md §10).
// `full` uses the paper's 50 networks and 10,000 epochs per setting; `quick` a reduced version
// that finishes in about a minute on 2 cores. Every study starts at the same first seed.
import type { RunFlags } from '../config/flags.js';
import type { SweepSpec } from '../sweep/grid.js';
import { ESTIMATOR_NAMES } from '../config/config.js';

export type StudyName = 'main' | 'linear' | 'shuffled' | 'fullbatch' | 'noisy' | 'size' | 'depth' | 'activation';
export interface Study { name: StudyName; title: string; spec: SweepSpec }

export interface StudyScale { repeats: number; epochs: number; miPoints: number; seed: number; kdeSamples: number }
export const FULL: StudyScale = { repeats: 50, epochs: 10000, miPoints: 400, seed: 0, kdeSamples: 1024 };
export const QUICK: StudyScale = { repeats: 8, epochs: 2500, miPoints: 80, seed: 0, kdeSamples: 256 };

/** The noisy label model of claim 3: p(y=1|x) = sigmoid(gamma (n + |S| - 7.65)). gamma = 5 flips
 *  about 9% of the labels, enough to bend the bound well away from its corner. */
export const NOISY_GAMMA = 5;
/** Bins of every estimator in the sensitivity table: 8, 16, 30 (the paper's) and 100 edges. */
export const SENSITIVITY_BINS = ['bin-8', 'bin-16', 'bin', 'bin-100'];

/** Estimators of the main study: the bin counts of the sensitivity table and every rival. */
export function mainEstimators(): string[] {
  return [...SENSITIVITY_BINS, 'adaptive', 'kde-upper', 'kde-lower'].filter((e) => (ESTIMATOR_NAMES as readonly string[]).includes(e));
}
/** Estimators of the controls: the paper's binning and the adaptive one. */
export const CONTROL_ESTIMATORS = ['bin', 'adaptive'];

export function studies(scale: StudyScale): Study[] {
  const base: RunFlags = {
    preset: 'paper', epochs: String(scale.epochs), repeats: String(scale.repeats), miPoints: String(scale.miPoints), seed: String(scale.seed),
  };
  const est = mainEstimators();
  const main: RunFlags = { ...base, estimators: est.join(',') };
  if (est.some((e) => e.startsWith('kde'))) main.kdeSamples = String(scale.kdeSamples);
  const control: RunFlags = { ...base, estimators: CONTROL_ESTIMATORS.join(',') };
  const single = (name: StudyName, b: RunFlags) => ({ name, base: b, axes: [] });
  return [
    { name: 'main', title: 'The paper net (12-10-7-5-4-3-2 tanh), every estimator and bin count', spec: single('main', main) },
    { name: 'linear', title: 'Control: the same net with linear activations (binning alone can make it "compress")', spec: single('linear', { ...control, activation: 'linear' }) },
    { name: 'shuffled', title: 'Control: labels shuffled over the rows (nothing to learn)', spec: single('shuffled', { ...control, labels: 'shuffled' }) },
    { name: 'fullbatch', title: 'Control: full-batch training (one batch of all training rows: no gradient noise)', spec: single('fullbatch', { ...control, batch: '4096' }) },
    {
      name: 'noisy', title: `Noisy labels (gamma ${NOISY_GAMMA}) and their IB bound; epoch 0 is the untrained control`,
      spec: single('noisy', { ...base, estimators: 'bin', labels: 'noisy', labelNoiseGamma: String(NOISY_GAMMA), bound: 'true' }),
    },
    { name: 'size', title: 'Training-set size 5%, 45%, 85% (I(T;Y) also on the training and the test rows apart)', spec: { name: 'size', base: { ...base, splitMi: 'true' }, axes: [{ key: 'trainFraction', values: ['0.05', '0.45', '0.85'] }] } },
    { name: 'depth', title: 'Depth: 1 to 5 hidden layers', spec: { name: 'depth', base, axes: [{ key: 'layers', values: ['10', '10,7', '10,7,5', '10,7,5,4', '10,7,5,4,3'] }] } },
    {
      // Saxe et al. bin by width 0.07 for both activations (fixed [-1, 1] edges would clip ReLU)
      name: 'activation', title: 'tanh vs ReLU, bins of width 0.07 (Saxe et al.)',
      spec: { name: 'activation', base: { ...base, binWidth: '0.07' }, axes: [{ key: 'activation', values: ['tanh', 'relu'] }] },
    },
  ];
}
