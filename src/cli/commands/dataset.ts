// infoplane dataset: write a built-in dataset as CSV.
import type { Command } from 'commander';
import { UsageError } from '../../config/flags.js';
import { BUILTIN_DATASETS, writeDatasetCsv } from '../../node/datasets.js';

export function register(program: Command): void {
  program.command('dataset')
    .argument('<name>', Object.keys(BUILTIN_DATASETS).join(' | '))
    .requiredOption('--out <file>', 'output CSV file')
    .action((name: string, flags: { out: string }) => {
      const make = BUILTIN_DATASETS[name];
      if (!make) throw new UsageError(`dataset: "${name}" is not a built-in dataset (${Object.keys(BUILTIN_DATASETS).join(', ')})`);
      const ds = make();
      writeDatasetCsv(ds, flags.out);
      process.stdout.write(`${ds.name}: ${ds.nRows} rows x ${ds.nInputs} inputs -> ${flags.out}\n`);
    });
}
