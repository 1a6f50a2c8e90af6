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
import { DEFAULTS, type ExperimentConfig } from '../config/config.js';
import { trainCount } from '../train/split.js';
import { relabel } from '../data/relabel.js';
import { kdeRowCount } from '../estimators/kde.js';
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
/** An engine used only to ask the core how many bytes its buffers take (net_bytes, mi_bytes). */
const core = () => (sizer ??= Engine.createSync(loadWasmModule()));

/** Bytes the wasm arena needs for one network of `config` on `data`: net_create as the core counts
 *  it, the split's row order, and the buffers of every configured estimator (estimatorBytes).
 *  Sizes are summed in float64: they may pass 2^31. */
export function wasmBytesEstimate(layers: number[], data: { nRows: number; nInputs: number; nClasses: number }, batch: number,
  estimators: { estimators: string[]; kdeSamples?: number } = { estimators: ['bin'] }): { total: number; largest: number } {
  const shape = { nInputs: data.nInputs, hidden: layers, nClasses: data.nClasses, activation: 'tanh' as const, batch: Math.min(batch, data.nRows), nRows: data.nRows };
  const net = networkBytes(core(), shape);
  const maxW = Math.max(data.nInputs, ...layers, data.nClasses);
  let total = net.total + 4 * data.nRows, largest = net.largest;
  // kde-upper and kde-lower are two planes of one estimator with one set of buffers
  for (const name of new Set(estimators.estimators.map((e) => (e.startsWith('kde-') ? 'kde' : e)))) {
    const e = estimatorBytes(name, estimators.kdeSamples, data.nRows, maxW, data.nClasses);
    total += e.total;
    largest = Math.max(largest, e.largest);
  }
  return { total, largest };
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4; // no bitwise ops: sizes may pass 2^31

/** Bytes of one estimator's wasm buffers for `maxRows` rows of layers up to `maxWidth` units. */
export function estimatorBytes(name: string, kdeSamples: number | undefined, maxRows: number, maxWidth: number, nClasses: number): { total: number; largest: number } {
  // one mi_create per bin or adaptive estimator, as the core counts it (mi_bytes)
  const mi = scratchBytes(core(), maxRows, maxWidth, nClasses);
  if (name === 'adaptive') {
    // plus the sort scratch of ebab_create over every value of the widest layer
    const sort = scratchBytes(core(), maxRows * maxWidth, 0, 0, 'ebab');
    return { total: mi.total + sort.total, largest: Math.max(mi.largest, sort.largest) };
  }
  if (name === 'kde' || name === 'kde-upper' || name === 'kde-lower') {
    // kde_create for the rows used, plus the host's i32 list of them
    const kde = scratchBytes(core(), kdeRowCount(kdeSamples ?? DEFAULTS.kdeSamples, maxRows), maxWidth, nClasses, 'kde');
    return { total: kde.total + 4 * maxRows, largest: kde.largest };
  }
  return mi; // bin, and any estimator without its own entry here: one mi context
}

/** `infoplane mi` in memory: the matrix [unit][row] and the estimator's buffers must fit. */
export function miFits(rows: number, cols: number, nClasses: number, estimator: string, kdeSamples?: number): boolean {
  const e = estimatorBytes(estimator, kdeSamples, rows, cols, nClasses);
  const act = 4 * cols * pad4(rows) + 4 * pad4(rows);
  return act + e.total <= WASM_BUDGET.total && Math.max(act, e.largest) <= WASM_BUDGET.largest;
}

/** The most one network (or one `mi` matrix) may use. wasm32 memory goes to 4 GiB, but the host
 *  reads buffers through views at byte offsets the core returns as i32: an offset past 2^31 comes
 *  back negative ("Start offset -1.9e9 is outside the bounds"), so the whole arena stays below
 *  2 GiB, with 64 MiB kept for the core's own data and rounding. */
export const WASM_BUDGET = { total: 2 ** 31 - 2 ** 26, largest: 2 ** 31 - 2 ** 26 } as const;

/** Shape checks that need the dataset: a non-empty training set, and a network that fits in wasm memory. */
export function checkRunFits(config: ExperimentConfig, data: Dataset): void {
  const where = config.dataset;
  if (data.nRows < 2) throw new InputError(where, '', `${data.nRows} row(s); a run needs at least 2`);
  const nTrain = trainCount(data.nRows, config.trainFraction);
  if (nTrain < 1) throw new InputError(where, '', `--train-fraction ${config.trainFraction} of ${data.nRows} rows leaves no training row`);
  const need = wasmBytesEstimate(config.layers, data, config.batch, config);
  if (need.total > WASM_BUDGET.total || need.largest > WASM_BUDGET.largest) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(2);
    throw new InputError(where, '', `${data.nRows} rows x ${data.nInputs} inputs with --layers ${config.layers.join(',')} need about ` +
      `${gib(need.total)} GiB of wasm memory; the limit is ${gib(WASM_BUDGET.total)} GiB (estimators ${config.estimators.join(', ')} included): use fewer rows, narrower layers or fewer estimators`);
  }
}

/** A dataset as CSV (data/table.ts datasetCsvPieces), written atomically. */
export function writeDatasetCsv(ds: Dataset, file: string): void {
  writeFileAtomic(file, datasetCsvPieces(ds));
}
