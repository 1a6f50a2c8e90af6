// infoplane mi: I(X;T) and I(T;Y) of one activation matrix.
import type { Command } from 'commander';
import { configFromFlags } from '../options.js';
import { InputError } from '../../data/errors.js';
import { readLabels, readMatrix } from '../../data/files.js';
import { Engine } from '../../engine/engine.js';
import { loadWasmModule } from '../../engine/wasm-node.js';
import { miOfMatrix } from '../../api.js';
import type { Binning } from '../../config.js';

async function miCommand(flags: { activations: string; labels: string; bins?: string; binWidth?: string; binRange?: string; estimator?: string }): Promise<void> {
  const m = readMatrix(flags.activations);
  const labels = readLabels(flags.labels);
  if (labels.length !== m.rows) throw new InputError(flags.labels, '', `${labels.length} labels but ${flags.activations} has ${m.rows} rows`);
  const c = configFromFlags({ bins: flags.bins, binWidth: flags.binWidth, binRange: flags.binRange, estimators: flags.estimator });
  const engine = await Engine.create(loadWasmModule());
  const r = miOfMatrix(engine, m.data, m.rows, m.cols, labels, { estimator: c.estimators[0], binning: c.binning as Binning });
  process.stdout.write(JSON.stringify(r) + '\n');
}

export function register(program: Command): void {
  program.command('mi')
    .description('I(X;T) and I(T;Y) of one activation matrix (rows = samples), printed as JSON')
    .requiredOption('--activations <file>', 'CSV, JSON array of rows, or .npy')
    .requiredOption('--labels <file>', 'one label per row: CSV column, JSON array or .npy')
    .option('--bins <n>', 'number of bin edges linspace(lo, hi, n) (default 30)')
    .option('--bin-range <lo,hi>', 'range of the edges (default -1,1)')
    .option('--bin-width <w>', 'bins of width w instead')
    .option('--estimator <name>', 'estimator (default bin)')
    .action(miCommand);
}
