// infoplane plane: the information plane of a run trained elsewhere (activation dumps in,
// DIR/infoplane.json and DIR/report.html out). A thin shell over external/plane.ts.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as fs from 'node:fs';
import cliProgress from 'cli-progress';
import { byDefault, choices, configFromFlags, DEFAULT_EDGES, threadCount, UsageError } from '../../config/flags.js';
import { ACTIVATIONS, BIN_RANGE_MODES, DEFAULTS, ESTIMATOR_NAMES } from '../../config/config.js';
import { AUTO_S2_WIDTH } from '../../estimators/kde.js';
import { InputError } from '../../data/errors.js';
import { MatrixReader, where, type MatrixLoc } from '../../data/activation-source.js';
import { arraySource, catalogFromDump, catalogFromSpec, type Catalog } from '../../data/activation-catalog.js';
import { splitContainerSpec } from '../../data/activation-source.js';
import { parseCsv, type Matrix } from '../../data/parse.js';
import { labelsFromMatrix } from '../../data/table.js';
import { METRIC_COLUMNS } from '../../data/dump.js';
import { measureAll, planUnits, probeShapes, } from '../../node/plane-run.js';
import { Interrupted } from '../../node/pool.js';
import { prepareOutDir, writeFileAtomic } from '../../node/atomic.js';
import { addTally, assemblePlane, measureSetup, misfitWarnings, type MetricSeries, type RunShape } from '../../external/plane.js';
import type { PlaneSettings, RangeTally } from '../../external/measure.js';
import { writeReport } from '../../report/write-node.js';

interface PlaneFlags {
  dump?: string; activations?: string; labels?: string; inputs?: string; metrics?: string; layers?: string; epochs?: string;
  activation?: string; name?: string; out?: string; threads?: string;
  estimators?: string; bins?: string; binRange?: string; binWidth?: string; binRangeMode?: string; adaptiveBins?: string;
  noiseVariance?: string; kdeSamples?: string; seed?: string; compressionThreshold?: string;
}

const ACTIVATION_NAMES: readonly string[] = [...ACTIVATIONS, 'softmax', 'unknown'];

/** Labels from a column, a row, or one-hot rows (one 1 per row, else 0). */
export function labelsOf(m: Matrix, shown: string): Int32Array {
  if (m.cols === 1) return labelsFromMatrix(m, shown);
  if (m.rows === 1) return labelsFromMatrix({ rows: m.cols, cols: 1, data: m.data }, shown);
  const y = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let hot = -1;
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c];
      if (v === 1 && hot < 0) hot = c;
      else if (v !== 0) throw new InputError(shown, `row ${r + 1}`, `${m.cols} columns that are not one-hot (one 1, the rest 0): give one class per row`);
    }
    if (hot < 0) throw new InputError(shown, `row ${r + 1}`, 'a one-hot row without a 1');
    y[r] = hot;
  }
  return y;
}

/** metrics.csv: an `epoch` column and any of train_loss, train_acc, test_loss, test_acc, aligned to the epochs. */
export function readMetrics(file: string, epochs: number[], warnings: string[]): MetricSeries {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, '', `cannot read file (${(e as NodeJS.ErrnoException).code})`);
  }
  const m = parseCsv(bytes, file);
  if (!m.header) throw new InputError(file, 'line 1', `no header row (expected epoch,${Object.keys(METRIC_COLUMNS).join(',')}, any subset after epoch)`);
  const at = m.header.indexOf('epoch');
  if (at < 0) throw new InputError(file, 'header', 'no "epoch" column');
  const unknown = m.header.filter((h) => h !== 'epoch' && !(h in METRIC_COLUMNS));
  if (unknown.length) warnings.push(`${file}: ignored column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${Object.keys(METRIC_COLUMNS).join(', ')})`);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < m.rows; r++) {
    const e = m.data[r * m.cols + at];
    if (rowOf.has(e)) throw new InputError(file, `line ${r + 2}`, `epoch ${e} appears twice`);
    rowOf.set(e, r);
  }
  const missing = epochs.filter((e) => !rowOf.has(e));
  if (missing.length) warnings.push(`${file}: no row for ${missing.length} of the ${epochs.length} logged epochs (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}); those points have no loss/accuracy`);
  const out: MetricSeries = {};
  m.header.forEach((h, j) => {
    if (!(h in METRIC_COLUMNS)) return;
    const key = METRIC_COLUMNS[h as keyof typeof METRIC_COLUMNS];
    out[key] = epochs.map((e) => (rowOf.has(e) ? m.data[rowOf.get(e)! * m.cols + j] : NaN));
  });
  return out;
}

/** Per-layer activation names: --activation (one name or a list), else the dump's, else 'unknown'. */
function activationNames(flag: string | undefined, catalog: Catalog): string[] {
  const L = catalog.layers.length;
  if (flag === undefined) return catalog.layers.map((l) => catalog.activationFns?.[l] ?? 'unknown');
  const parts = flag.split(',').map((s) => s.trim());
  for (const p of parts) if (!ACTIVATION_NAMES.includes(p)) throw new UsageError(`--activation: "${p}" is not one of ${ACTIVATION_NAMES.join(', ')}`);
  if (parts.length === 1) return new Array(L).fill(parts[0]);
  if (parts.length !== L) throw new UsageError(`--activation: ${parts.length} names for ${L} layers (${catalog.layers.join(', ')})`);
  return parts;
}

async function planeCommand(flags: PlaneFlags): Promise<void> {
  if ((flags.dump === undefined) === (flags.activations === undefined)) throw new UsageError('give either --dump DIR or --activations SPEC');
  if (flags.activations !== undefined && flags.labels === undefined) throw new UsageError('--labels: needed with --activations (a file, FILE.npz:key, FILE.h5:/path, or a key of the container)');
  const out = flags.out ?? flags.dump;
  if (out === undefined) throw new UsageError('--out: needed with --activations');
  const c = configFromFlags({ estimators: flags.estimators, bins: flags.bins, binRange: flags.binRange, binWidth: flags.binWidth,
    binRangeMode: flags.binRangeMode, adaptiveBins: flags.adaptiveBins, noiseVariance: flags.noiseVariance, kdeSamples: flags.kdeSamples,
    seed: flags.seed, compressionThreshold: flags.compressionThreshold });
  let threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
  const layersFlag = flags.layers?.split(',').map((s) => s.trim());
  if (layersFlag && (layersFlag.some((s) => s === '') || new Set(layersFlag).size !== layersFlag.length)) throw new UsageError(`--layers: "${flags.layers}" is not a list of distinct layer names`);

  // --- find everything and check it before any measuring
  const container = flags.activations !== undefined ? splitContainerSpec(flags.activations) : undefined;
  const probeH5 = [flags.activations, flags.labels, flags.inputs].some((s) => s !== undefined && /\.(h5|hdf5|he5)(:|$)/i.test(s));
  const reader = await MatrixReader.create(probeH5);
  const warnings: string[] = [];
  let catalog: Catalog, shape: RunShape, setup, metrics: MetricSeries | undefined;
  try {
    catalog = flags.dump !== undefined ? catalogFromDump(flags.dump) : catalogFromSpec(flags.activations!, reader, { layers: layersFlag, epochs: flags.epochs });
    if (flags.dump !== undefined && layersFlag) {
      for (const l of layersFlag) if (!catalog.layers.includes(l)) throw new UsageError(`--layers: "${l}" is not a layer of the dump (${catalog.layers.join(', ')})`);
      const pick = layersFlag.map((l) => catalog.layers.indexOf(l));
      catalog = { ...catalog, layers: layersFlag, locs: pick.map((i) => catalog.locs[i]) };
    }
    const inContainer = container?.key !== undefined ? container.file : undefined;
    const labelsLoc: MatrixLoc = flags.labels !== undefined ? arraySource(flags.labels, inContainer) : catalog.labels!;
    const inputsLoc: MatrixLoc | undefined = flags.inputs !== undefined ? arraySource(flags.inputs, inContainer) : catalog.inputs;
    const metricsFile = flags.metrics ?? catalog.metrics;
    const { rows, widths } = probeShapes(catalog, reader);
    const labels = labelsOf(reader.readMatrix(labelsLoc), where(labelsLoc));
    if (labels.length !== rows) throw new InputError(where(labelsLoc), '', `${labels.length} labels for the ${rows} rows of the activations`);
    let inputs;
    if (inputsLoc) {
      inputs = reader.readMatrix(inputsLoc);
      if (inputs.rows !== rows) throw new InputError(where(inputsLoc), '', `${inputs.rows} input rows for the ${rows} rows of the activations`);
    }
    shape = {
      name: flags.name ?? (flags.dump !== undefined ? flags.dump.replace(/\/+$/, '').split('/').pop()! : 'external'),
      layers: catalog.layers, activations: activationNames(flags.activation, catalog), epochs: catalog.epochs, rows, widths,
    };
    const settings: PlaneSettings = {
      estimators: c.estimators, binning: c.binning, binRangeMode: c.binRangeMode, adaptiveBins: c.adaptiveBins,
      noiseVariance: c.noiseVariance, kdeSamples: c.kdeSamples, seed: flags.seed !== undefined ? c.seed : catalog.seed ?? 0,
    };
    setup = measureSetup(shape, labels, settings, inputs);
    if (metricsFile !== undefined) metrics = readMetrics(metricsFile, catalog.epochs, warnings);
    catalog.origin = { ...catalog.origin, labels: where(labelsLoc), ...(inputsLoc ? { inputs: where(inputsLoc) } : {}), ...(metricsFile ? { metrics: metricsFile } : {}) };
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  } finally {
    reader.close();
  }
  prepareOutDir(out);

  // --- measure
  const L = shape.layers.length, K = shape.epochs.length;
  // by default, binning of a small run stays on one thread: a worker's start (engine, reader)
  // costs more than it saves below about 2^26 values (measured on the 108-matrix bench case)
  const values = K * shape.rows * shape.widths.reduce((a, b) => a + b, 0);
  if (flags.threads === undefined && !setup.settings.estimators.some((e) => e.startsWith('kde')) && values < 2 ** 26) threads = 1;
  const units = planUnits(L, K, setup.settings.binRangeMode === 'running-max' && setup.settings.estimators.includes('bin'));
  const bar = new cliProgress.SingleBar({ stream: process.stderr, hideCursor: true,
    format: `${shape.name} |{bar}| {value}/{total} matrices | ETA {eta_formatted}` }, cliProgress.Presets.shades_classic);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  bar.start(L * K, 0);
  let measured;
  try {
    measured = await measureAll(catalog.locs, setup, units, threads, (n) => bar.update(n), controller.signal);
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  let results = measured.results;
  if (measured.interrupted) {
    // Ctrl-C: keep the logged epochs whose every layer was measured, and say so
    const count = new Array<number>(K).fill(0);
    for (const r of results) count[r.k]++;
    const keep = count.flatMap((n, k) => (n === L ? [k] : []));
    if (keep.length === 0) throw new Interrupted('interrupted before any logged epoch was measured; nothing written');
    const newK = new Map(keep.map((k, i) => [k, i]));
    results = results.filter((r) => newK.has(r.k)).map((r) => ({ ...r, k: newK.get(r.k)! }));
    if (metrics) metrics = Object.fromEntries(Object.entries(metrics).map(([key, v]) => [key, keep.map((k) => v![k])]));
    warnings.push(`interrupted: ${keep.length} of the ${K} logged epochs were measured (${keep.slice(0, 5).map((k) => shape.epochs[k]).join(', ')}${keep.length > 5 ? ', ...' : ''}); the result holds only those`);
    shape = { ...shape, epochs: keep.map((k) => shape.epochs[k]) };
    setup = { ...setup, epochs: shape.epochs };
  }
  const tallies: (RangeTally | undefined)[] = new Array(L);
  for (const r of results) if (r.tally) tallies[r.l] = addTally(tallies[r.l], r.tally);
  warnings.push(...misfitWarnings(shape, setup.settings, tallies));
  const result = assemblePlane(shape, setup, measured.settings, results, {
    metrics, origin: catalog.origin, threshold: c.compressionThreshold, warnings,
  });
  writeFileAtomic(join(out, 'infoplane.json'), JSON.stringify(result));
  const report = writeReport(out, result);
  for (const w of warnings) process.stderr.write(`infoplane: warning: ${w}\n`);
  if (measured.interrupted) throw new Interrupted(`interrupted; wrote the ${shape.epochs.length} logged epochs measured so far: ${report}`);
  process.stdout.write(`${shape.name}: ${L} layers x ${K} epochs (${L * K} matrices of ${shape.rows} rows), ` +
    `${setup.settings.estimators.join(', ')}, in ${seconds.toFixed(2)} s (${threads} thread(s)); report: ${report}\n`);
}

export function register(program: Command): void {
  program.command('plane')
    .option('--dump <dir>', 'a dump folder (dump.json, activations/e{epoch}_{layer}.npy, labels.npy, ...): `run --dump-activations` and python/ write them')
    .option('--activations <spec>', 'a pattern with {epoch} and {layer}: dumps/e{epoch}_l{layer}.npy (.npy/.csv), run.npz:layer{layer}_epoch{epoch}, run.h5:/epochs/{epoch}/{layer}; {layer} only: one [epochs][rows][units] array per layer')
    .option('--labels <src>', 'one class per row: .npy/.csv/.txt/.json, FILE.npz:key, FILE.h5:/path, or a key of the --activations container (one-hot rows accepted)')
    .option('--inputs <src>', 'the input rows (same forms): identical rows are grouped as `run` groups them')
    .option('--metrics <file.csv>', 'columns epoch and any of train_loss, train_acc, test_loss, test_acc')
    .option('--layers <names>', 'the layers to use, in this order (default: all, natural sort; a dump\'s own order)')
    .option('--epochs <list|src>', 'stacked form: the epochs as a list (0,10,20), a file or a key (default: the key `epochs` / epochs.npy)')
    .option('--activation <names>', 'the layers\' activation function (one name or one per layer): tanh, relu, ..., softmax; EBAB\'s lower edge depends on it (default: the dump\'s, else unknown)')
    .option('--name <text>', 'run name shown in the report (default: the dump folder\'s name)')
    .option('--out <dir>', 'output folder (default: the dump folder)')
    .option('--estimators <list>', `${ESTIMATOR_NAMES.join(', ')} ${byDefault(DEFAULTS.estimators)}`)
    .option('--bins <n>', `number of bin edges linspace(lo, hi, n) ${byDefault(DEFAULT_EDGES.bins)}`)
    .option('--bin-range <lo,hi>', `range of the edges ${byDefault([DEFAULT_EDGES.lo, DEFAULT_EDGES.hi])}`)
    .option('--bin-width <w>', 'bins of width w instead')
    .option('--bin-range-mode <mode>', `${choices(BIN_RANGE_MODES)} ${byDefault(DEFAULTS.binRangeMode)}`)
    .option('--adaptive-bins <n>', `bins of the adaptive estimator ${byDefault(DEFAULTS.adaptiveBins)}`)
    .option('--noise-variance <s2>', `KDE noise variance for the whole run, or auto: 1e-3 if the widest layer has <= ${AUTO_S2_WIDTH} units, else 1e-1 ${byDefault(DEFAULTS.noiseVariance)}`)
    .option('--kde-samples <n>', `KDE on at most n rows (a seeded subsample); 0 = all ${byDefault(DEFAULTS.kdeSamples)}`)
    .option('--seed <n>', 'seed of the KDE row subsample (default: the dump\'s, else 0)')
    .option('--compression-threshold <bits>', `I(X;T) must fall this much from its peak to count as compression ${byDefault(DEFAULTS.compressionThreshold)}`)
    .option('--threads <n>', 'worker threads; results do not depend on it (default: number of cores)')
    .action(planeCommand);
}
