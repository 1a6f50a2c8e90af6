// infoplane mi: I(X;T) and I(T;Y) of one activation matrix.
import type { Command } from 'commander';
import { byDefault, choices, configFromFlags, DEFAULT_EDGES, posInt, UsageError } from '../../config/flags.js';
import { ESTIMATORS } from '../../estimators/index.js';
import { InputError } from '../../data/errors.js';
import { readLabels, readMatrix } from '../../data/files.js';
import { Engine } from '../../engine/engine.js';
import { loadWasmModule } from '../../engine/wasm-node.js';
import { miOfMatrix } from '../../api.js';
import { DEFAULTS, ESTIMATOR_NAMES, type Binning } from '../../config/config.js';
import { AUTO_S2_WIDTH } from '../../estimators/kde.js';
import { shouldStream, streamedBinnedMi } from '../../estimators/mi-stream.js';
import { binSettings } from '../../estimators/bin.js';
import { miFits, WASM_BUDGET } from '../../node/datasets.js';

async function miCommand(flags: { activations: string[]; labels: string; bins?: string; binWidth?: string; binRange?: string; estimator?: string;
  binRangeMode?: string; adaptiveBins?: string; noiseVariance?: string; kdeSamples?: string; chunkRows?: string }): Promise<void> {
  if (flags.estimator !== undefined && !ESTIMATORS[flags.estimator]) throw new UsageError(`--estimator: "${flags.estimator}" is not one of ${Object.keys(ESTIMATORS).join(', ')}`);
  const c = configFromFlags({ bins: flags.bins, binWidth: flags.binWidth, binRange: flags.binRange, estimators: flags.estimator,
    binRangeMode: flags.binRangeMode, adaptiveBins: flags.adaptiveBins, noiseVariance: flags.noiseVariance, kdeSamples: flags.kdeSamples });
  // --- streaming (estimators/mi-stream.ts): large files, or --chunk-rows, go through in chunks of rows
  const chunkRows = flags.chunkRows !== undefined ? posInt('chunk-rows', flags.chunkRows) : undefined;
  let labels: Int32Array | undefined; // read after the first matrix, so a missing matrix file is named first
  let engine: Engine | undefined;
  // every file is measured before anything is printed: a bad file leaves no partial output
  const lines: string[] = [];
  const streamable = c.estimators[0] === 'bin' && c.binRangeMode === 'fixed';
  const stream = (file: string, y: Int32Array) => {
    const s = streamedBinnedMi(file, y, flags.labels, c.binning as Binning, chunkRows);
    lines.push(JSON.stringify({ file, ixt: s.hT, ity: s.hT - s.hTgivenY, n: s.n, patterns: s.patterns, estimator: 'bin',
      settings: binSettings(c.binning as Binning), streamed: { chunks: s.chunks } }));
  };
  for (const file of flags.activations) {
    if (chunkRows !== undefined || shouldStream(file)) {
      if (!streamable) {
        throw new UsageError(`--chunk-rows / large files: streaming supports --estimator bin with a fixed range only (${file} is streamed)`);
      }
      labels ??= readLabels(flags.labels);
      stream(file, labels);
      continue;
    }
    // --- end streaming
    const m = readMatrix(file);
    labels ??= readLabels(flags.labels);
    if (labels.length !== m.rows) throw new InputError(flags.labels, '', `${labels.length} labels but ${file} has ${m.rows} rows`);
    // tall or wide matrices whose wasm buffers (the matrix, the estimator's tables) would not fit:
    // streamed where the estimator allows it, else refused before any work
    if (!miFits(m.rows, m.cols, labels.reduce((a, b) => Math.max(a, b), 0) + 1, c.estimators[0], c.kdeSamples)) {
      if (!streamable) {
        throw new InputError(file, '', `${m.rows} rows x ${m.cols} columns need more than the ${(WASM_BUDGET.total / 2 ** 30).toFixed(2)} GiB of wasm memory ` +
          `for --estimator ${c.estimators[0]}; use --estimator bin with a fixed range (streamed), or fewer rows`);
      }
      stream(file, labels);
      continue;
    }
    engine ??= await Engine.create(loadWasmModule());
    const r = miOfMatrix(engine, m.data, m.rows, m.cols, labels, { estimator: c.estimators[0], binning: c.binning as Binning,
      binRangeMode: c.binRangeMode, adaptiveBins: c.adaptiveBins, noiseVariance: c.noiseVariance, kdeSamples: c.kdeSamples });
    lines.push(JSON.stringify({ file, ...r }));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Every --activations given, in order (commander keeps only the last of a repeated plain option). */
const collect = (v: string, all: string[]) => [...all, v];

export function register(program: Command): void {
  program.command('mi')
    .requiredOption('--activations <file>', 'CSV, JSON array of rows, or .npy; repeat the flag for several files (one line each, in order)', collect, [] as string[])
    .requiredOption('--labels <file>', 'one label per row: CSV column, JSON array or .npy')
    .option('--bins <n>', `number of bin edges linspace(lo, hi, n) ${byDefault(DEFAULT_EDGES.bins)}`)
    .option('--bin-range <lo,hi>', `range of the edges ${byDefault([DEFAULT_EDGES.lo, DEFAULT_EDGES.hi])}`)
    .option('--bin-width <w>', 'bins of width w instead')
    .option('--estimator <name>', `${choices(ESTIMATOR_NAMES)} ${byDefault(DEFAULTS.estimators[0])}`)
    .option('--bin-range-mode <mode>', `fixed (--bin-range) | observed (the matrix's min/max) ${byDefault(DEFAULTS.binRangeMode)}`)
    .option('--adaptive-bins <n>', `bins of --estimator adaptive ${byDefault(DEFAULTS.adaptiveBins)}`)
    .option('--noise-variance <s2>', `KDE noise variance, or auto: 1e-3 for <= ${AUTO_S2_WIDTH} columns, else 1e-1 ${byDefault(DEFAULTS.noiseVariance)}`)
    .option('--kde-samples <n>', `KDE on at most n rows (seeded subsample); 0 = all ${byDefault(DEFAULTS.kdeSamples)}`)
    .option('--chunk-rows <n>', 'stream the activations file in chunks of n rows (automatic above 2^25 values)')
    .action(miCommand);
}
