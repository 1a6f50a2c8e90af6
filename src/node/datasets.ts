// Built-in datasets by name, else a file path.
import type { Dataset } from '../data/dataset.js';
import { ib12 } from '../data/ib12.js';
import { loadDatasetFile } from '../data/files.js';

export const BUILTIN_DATASETS: Record<string, () => Dataset> = { ib12 };

export function resolveDataset(nameOrPath: string): Dataset {
  const builtin = BUILTIN_DATASETS[nameOrPath];
  return builtin ? builtin() : loadDatasetFile(nameOrPath);
}
