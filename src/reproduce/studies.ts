// The paper's studies as sweeps (docs/SCIENCE.md, The paper's claims). `full` uses the paper's 50 networks and 10,000
// epochs; `quick` is a reduced version that finishes within minutes on 2 cores.
import type { RunFlags } from '../config/flags.js';
import type { SweepSpec } from '../sweep/grid.js';
import { ESTIMATOR_NAMES } from '../config/config.js';

export type StudyName = 'main' | 'size' | 'depth' | 'activation';
export interface Study { name: StudyName; title: string; spec: SweepSpec }

export interface StudyScale { repeats: number; epochs: number; miPoints: number }
export const FULL: StudyScale = { repeats: 50, epochs: 10000, miPoints: 400 };
export const QUICK: StudyScale = { repeats: 4, epochs: 2500, miPoints: 100 };

/** Estimators of the main study: every one (KDE on a subsample of rows). */
export function mainEstimators(): string[] {
  return [...ESTIMATOR_NAMES];
}

export function studies(scale: StudyScale): Study[] {
  const base: RunFlags = {
    preset: 'paper', epochs: String(scale.epochs), repeats: String(scale.repeats), miPoints: String(scale.miPoints),
  };
  const est = mainEstimators();
  const main: RunFlags = { ...base, estimators: est.join(','), bound: 'true' };
  if (est.some((e) => e.startsWith('kde'))) main.kdeSamples = '1024';
  return [
    { name: 'main', title: 'The paper net (12-10-7-5-4-3-2 tanh), every estimator, with the IB bound', spec: { name: 'main', base: main, axes: [] } },
    { name: 'size', title: 'Training-set size 5%, 45%, 85%', spec: { name: 'size', base, axes: [{ key: 'trainFraction', values: ['0.05', '0.45', '0.85'] }] } },
    { name: 'depth', title: 'Depth: 1 to 5 hidden layers', spec: { name: 'depth', base, axes: [{ key: 'layers', values: ['10', '10,7', '10,7,5', '10,7,5,4', '10,7,5,4,3'] }] } },
    {
      // Saxe et al. bin by width 0.07 for both activations (fixed [-1, 1] edges would clip ReLU)
      name: 'activation', title: 'tanh vs ReLU, bins of width 0.07 (Saxe et al.)',
      spec: { name: 'activation', base: { ...base, binWidth: '0.07' }, axes: [{ key: 'activation', values: ['tanh', 'relu'] }] },
    },
  ];
}
