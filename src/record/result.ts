// From per-network records to the averaged plot data of infoplane.json.
import type { ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import { labelEntropy } from '../data/dataset.js';
import { trainCount } from '../config/config.js';
import { duplicatesNote, findDuplicates } from '../data/duplicates.js';
import type { TrainingResult, RunRecord, Series, SeriesCi95 } from './schema.js';
import { DEFAULTS } from '../config/config.js';
import { pointwiseCi } from '../stats/bootstrap.js';
import { dpiChecks } from './checks.js';
import { phasesOf } from './phases.js';
import { boundForConfig, boundGaps } from './bound-gap.js';

/** Element-wise mean over the finite values (a diverged run contributes until it stopped). */
function meanOf(rows: number[][]): number[] {
  const n = rows[0].length, out = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    let s = 0, c = 0;
    for (const r of rows) if (Number.isFinite(r[k])) { s += r[k]; c++; }
    out[k] = c ? s / c : NaN;
  }
  return out;
}
const meanGrid = (grids: number[][][]) => grids[0].map((_, l) => meanOf(grids.map((g) => g[l])));

export function averageRuns(runs: RunRecord[]): Series {
  const first = runs[0];
  return {
    epochs: first.epochs,
    mi: Object.fromEntries(Object.entries(first.mi).map(([name, s]) => [name, {
      settings: s.settings,
      ixt: meanGrid(runs.map((r) => r.mi[name].ixt)),
      ity: meanGrid(runs.map((r) => r.mi[name].ity)),
    }])),
    trainLoss: meanOf(runs.map((r) => r.trainLoss)), trainAcc: meanOf(runs.map((r) => r.trainAcc)),
    testLoss: meanOf(runs.map((r) => r.testLoss)), testAcc: meanOf(runs.map((r) => r.testAcc)),
    gradMean: meanGrid(runs.map((r) => r.gradMean)), gradStd: meanGrid(runs.map((r) => r.gradStd)),
  };
}

/**
 * Percentile-bootstrap 95% CIs of the mean over networks for every averaged series (seeded by the
 * config's seed; one set of network resamples for all series). Undefined with fewer than 2 networks.
 */
export function seriesCi95(runs: readonly RunRecord[], seed: number): SeriesCi95 | undefined {
  if (runs.length < 2) return undefined;
  const ci = (rows: number[][]) => pointwiseCi(rows, seed);
  const grid = (grids: number[][][]) => grids[0].map((_, l) => ci(grids.map((g) => g[l])));
  return {
    trainLoss: ci(runs.map((r) => r.trainLoss)), trainAcc: ci(runs.map((r) => r.trainAcc)),
    testLoss: ci(runs.map((r) => r.testLoss)), testAcc: ci(runs.map((r) => r.testAcc)),
    gradMean: grid(runs.map((r) => r.gradMean)), gradStd: grid(runs.map((r) => r.gradStd)),
    mi: Object.fromEntries(Object.keys(runs[0].mi).map((name) => [name, {
      ixt: grid(runs.map((r) => r.mi[name].ixt)), ity: grid(runs.map((r) => r.mi[name].ity)),
    }])),
  };
}

/** The name of dense layer l of L: hidden layers L1.., the softmax layer `output`. */
export function layerName(l: number, L: number): string {
  return l === L - 1 ? 'output' : `L${l + 1}`;
}

export function buildResult(config: ExperimentConfig, data: Dataset, runs: RunRecord[]): TrainingResult {
  const nTrain = trainCount(data.nRows, config.trainFraction);
  const widths = [...config.layers, data.nClasses];
  return {
    format: 'infoplane/1',
    config,
    dataset: {
      name: data.name, nRows: data.nRows, nInputs: data.nInputs, nClasses: data.nClasses,
      nTrain, nTest: data.nRows - nTrain, hY: labelEntropy(data.y, data.nClasses), log2N: Math.log2(data.nRows),
      ...duplicateInfo(data),
    },
    layers: widths.map((width, l) => ({
      name: layerName(l, widths.length), width,
      activation: l === widths.length - 1 ? 'softmax' : config.activation,
    })),
    ...withPhasesAndBound(config, data, averageRuns(runs)),
    ...ciAndChecks(config, runs),
    runs: runs.map((r) => ({ ...r, phases: phasesOf(r, config.compressionThreshold ?? DEFAULTS.compressionThreshold) })),
  };
}

function ciAndChecks(config: ExperimentConfig, runs: RunRecord[]) {
  const ci95 = seriesCi95(runs, config.seed);
  return { ...(ci95 ? { ci95 } : {}), dpi: dpiChecks(runs) };
}

/** The averaged series plus `phases` and, with config.bound, `bound` and `boundGap`. */
function withPhasesAndBound(config: ExperimentConfig, data: Dataset, avg: Series) {
  const phases = phasesOf(avg, config.compressionThreshold ?? DEFAULTS.compressionThreshold);
  const bound = boundForConfig(config, data);
  return bound ? { ...avg, phases, bound, boundGap: boundGaps(bound.points, avg.mi) } : { ...avg, phases };
}

/** dataset.duplicateRows / hX / note (data/duplicates.ts); counted here if the loader did not. */
function duplicateInfo(data: Dataset): { duplicateRows: number; hX: number; note: string } {
  const d = data.duplicates ?? findDuplicates(data.X, data.nRows, data.nInputs);
  return { duplicateRows: d.duplicateRows, hX: d.hX, note: duplicatesNote(d, data.nRows) };
}
