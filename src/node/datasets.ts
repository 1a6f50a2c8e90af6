// Built-in datasets by name, else a file path. Duplicate input rows are counted here, at load
// time, so that the estimators can account for them (see data/duplicates.ts).
import type { Dataset } from '../data/dataset.js';
import { ib12 } from '../data/ib12.js';
import { mnist } from '../data/mnist.js';
import { loadDatasetFile } from '../data/files.js';
import { datasetCsvPieces } from '../data/table.js';
import { writeFileAtomic } from './atomic.js';
import { InputError } from '../data/errors.js';
import { withDuplicates } from '../data/duplicates.js';
import type { ExperimentConfig } from '../config/config.js';
import { trainCount } from '../train/split.js';
import { relabel } from '../data/relabel.js';
import { Engine } from '../engine/engine.js';
import { loadWasmModule } from '../engine/wasm-node.js';
import { networkBytes, scratchBytes } from '../model/network.js';

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

let sizer: Engine | undefined;

/** Bytes the wasm arena needs for one network of `config` on `data`, as the core counts them:
 *  net_create, the bin estimator's mi_create and the split's row order. */
export function wasmBytesEstimate(layers: number[], data: { nRows: number; nInputs: number; nClasses: number }, batch: number): { total: number; largest: number } {
  sizer ??= Engine.createSync(loadWasmModule());
  const shape = { nInputs: data.nInputs, hidden: layers, nClasses: data.nClasses, activation: 'tanh' as const, batch: Math.min(batch, data.nRows), nRows: data.nRows };
  const net = networkBytes(sizer, shape);
  const mi = scratchBytes(sizer, data.nRows, Math.max(data.nInputs, ...layers, data.nClasses), data.nClasses);
  return { total: net.total + mi.total + 4 * data.nRows, largest: Math.max(net.largest, mi.largest) };
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

/** A dataset as CSV (data/table.ts datasetCsvPieces), written atomically. */
export function writeDatasetCsv(ds: Dataset, file: string): void {
  writeFileAtomic(file, datasetCsvPieces(ds));
}
