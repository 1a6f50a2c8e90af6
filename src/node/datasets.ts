// Built-in datasets by name, else a file path. Duplicate input rows are counted here, at load
// time, so that the estimators can account for them (see data/duplicates.ts).
import type { Dataset } from '../data/dataset.js';
import { ib12 } from '../data/ib12.js';
import { mnist } from '../data/mnist.js';
import { loadDatasetFile } from '../data/files.js';
import { InputError } from '../data/errors.js';
import { withDuplicates } from '../data/duplicates.js';
import type { ExperimentConfig } from '../config.js';
import { trainCount } from '../train/split.js';
import { relabel } from '../data/relabel.js';

// null prototype: a name such as "constructor" is not a dataset
export const BUILTIN_DATASETS: Record<string, (() => Dataset) | undefined> = Object.assign(Object.create(null), { ib12, mnist });

export interface DatasetOptions {
  /** For a file: the label column (header name or 0-based index) or MAT variable; default last / y. */
  labelColumn?: string;
}

type DataConfig = Pick<ExperimentConfig, 'dataset' | 'labelColumn'> & Partial<Pick<ExperimentConfig, 'labels' | 'seed' | 'boundLabelNoise'>>;

/** The key a dataset is cached and shared under: its name or path, the label column, and the
 *  training labels (shuffled or noisy labels depend on the seed and the label model). */
export function datasetKey(config: DataConfig): string {
  const base = config.labelColumn === undefined ? config.dataset : `${config.dataset}#${config.labelColumn}`;
  const mode = config.labels ?? 'data';
  if (mode === 'data') return base;
  return `${base}|${mode}:${config.seed ?? 0}${mode === 'noisy' ? `:${JSON.stringify(config.boundLabelNoise)}` : ''}`;
}

/** The dataset of a config (see resolveDataset), with its training labels (data/relabel.ts). */
export function datasetOf(config: DataConfig): Dataset {
  const data = resolveDataset(config.dataset, { labelColumn: config.labelColumn });
  try {
    return relabel(data, config.labels ?? 'data', config.seed ?? 0, config.boundLabelNoise ?? null);
  } catch (e) {
    throw new InputError(config.dataset, '', `--labels ${config.labels}: ${(e as Error).message}`);
  }
}

export function resolveDataset(nameOrPath: string, options: DatasetOptions = {}): Dataset {
  const builtin = BUILTIN_DATASETS[nameOrPath];
  if (builtin && options.labelColumn !== undefined && options.labelColumn !== 'last') {
    throw new InputError(nameOrPath, '', '--label-column applies to dataset files, not to built-in datasets');
  }
  return withDuplicates(builtin ? builtin() : loadDatasetFile(nameOrPath, options.labelColumn));
}

/** Bytes the wasm arena needs for one network of `config` on `data` (net_create + the bin
 *  estimator's mi_create + the split; assembly/net.ts and assembly/entropy.ts lay them out). */
export function wasmBytesEstimate(layers: number[], data: { nRows: number; nInputs: number; nClasses: number }, batch: number): { total: number; largest: number } {
  const pad4 = (n: number) => Math.ceil(n / 4) * 4; // no bitwise ops: sizes may pass 2^31
  const widths = [data.nInputs, ...layers, data.nClasses];
  const np = pad4(data.nRows), bp = pad4(Math.min(batch, data.nRows));
  let P = 0, maxW = data.nInputs, acts = 0, largest = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    P = pad4(P + widths[l] * widths[l + 1] + widths[l + 1]);
    maxW = Math.max(maxW, widths[l + 1]);
    acts += 4 * widths[l + 1] * (bp + np);
    largest = Math.max(largest, 4 * widths[l + 1] * np);
  }
  const X = 4 * data.nInputs * np, XR = 4 * pad4(data.nInputs) * np; // [unit][row] for the eval, row-major for the gather
  const net = 24 * P + X + XR + 12 * np + 4 * pad4(data.nInputs) * bp + 8 * maxW * bp + acts;
  const cap = 2 ** Math.ceil(Math.log2(2 * Math.max(data.nRows, 8)));
  const mi = 8 * np + 16 * cap + (4 * data.nClasses + 16) * data.nRows + 12 * maxW + 4 * 65536;
  largest = Math.max(largest, XR, 8 * P, 4 * data.nClasses * data.nRows, 16 * cap);
  return { total: net + mi + 4 * data.nRows, largest };
}

/** The most one network may use: wasm32 memory is at most 4 GiB and the core keeps offsets in i32. */
export const WASM_BUDGET = { total: 3.5 * 2 ** 30, largest: 2 ** 31 - 1 } as const;

/** Shape checks that need the dataset: a non-empty training set, and a network that fits in wasm memory. */
export function checkRunFits(config: ExperimentConfig, data: Dataset): void {
  const where = config.dataset;
  if (data.nRows < 2) throw new InputError(where, '', `${data.nRows} row(s); a run needs at least 2`);
  const nTrain = trainCount(data.nRows, config.trainFraction);
  if (nTrain < 1) throw new InputError(where, '', `--train-fraction ${config.trainFraction} of ${data.nRows} rows leaves no training row`);
  const need = wasmBytesEstimate(config.layers, data, config.batch);
  if (need.total > WASM_BUDGET.total || need.largest > WASM_BUDGET.largest) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(2);
    throw new InputError(where, '', `${data.nRows} rows x ${data.nInputs} inputs with --layers ${config.layers.join(',')} need about ` +
      `${gib(need.total)} GiB of wasm memory (largest buffer ${gib(need.largest)} GiB); the limit is ${gib(WASM_BUDGET.total)} GiB ` +
      `with buffers under 2 GiB: use fewer rows or narrower layers`);
  }
}
