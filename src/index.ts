// The public entry of the `infoplane` package (Node and browsers alike: nothing on this import
// graph may import node:* modules; test/browser-imports.test.ts checks it). The wasm core itself
// is `infoplane/wasm`; turn it into an Engine with createEngine (bytes, URL or base64).
//
//   const engine = await createEngine(wasmUrlOrBytes);   // e.g. '/infoplane.wasm', or fs bytes in Node
//   // opt-in fused multiply-add: chooseCore(true) detects it (with a note when unavailable), then
//   // load coreFile({ relaxed }) ('infoplane-relaxed.wasm' or 'infoplane.wasm') the same way
//   const session = new TrainingSession(engine, { ...DEFAULTS, epochs: 500 }, ib12());
//   while (!session.done) session.advance(50);
//   const result = buildResult(session.config, session.data, [session.snapshot()]);

// The core
export { Engine, ACTIVATION_CODE, OPTIMIZER_CODE, BIN_MODE } from './engine/engine.js';
export type { CoreExports, CoreLayout } from './engine/engine.js';
export { Team, teamHelper, threadsAvailable } from './engine/team.js';
export type { TeamHelper, TeamRequest, TeamReply } from './engine/team.js';
export { createEngine, toWasmModule, compileWasm, compileWasmBase64, fetchWasmModule, base64ToBytes } from './engine/load.js';
export type { WasmSource } from './engine/load.js';
export { coreFile, chooseCore, relaxedSimdSupported, RELAXED_UNAVAILABLE } from './engine/cores.js';
export type { CoreChoice } from './engine/cores.js';
export { Network } from './model/network.js';
export type { NetworkShape } from './model/network.js';

// Experiments
export { DEFAULTS, PRESETS, ACTIVATIONS, OPTIMIZERS, INITS, SPLITS, ESTIMATOR_NAMES, BIN_RANGE_MODES, trainCount } from './config/config.js';
export type { ExperimentConfig, Activation, OptimizerName, InitName, SplitName, EstimatorName, MiSchedule, Binning, BinRangeMode } from './config/config.js';
export { configFromFlags, UsageError } from './config/flags.js';
export type { RunFlags } from './config/flags.js';
export { ib12 } from './data/ib12.js';
export { labelEntropy } from './data/dataset.js';
export type { Dataset } from './data/dataset.js';
export { parseMatrix } from './data/parse.js';
export type { Matrix } from './data/parse.js';
export { datasetFromTable } from './data/table.js';
export { InputError } from './data/errors.js';

// Training and measuring
export { TrainingSession } from './train/session.js';
export { runNetwork } from './train/run-network.js';
export type { RunProgress } from './train/run-network.js';
export { loggedEpochs } from './train/schedule.js';
export { splitOrder } from './train/split.js';
export { ESTIMATORS, ESTIMATOR_DEFS, createEstimators } from './estimators/index.js';
export type { Estimator, EstimatorContext, EstimatorDef, EstimatorFactory, LayerActivations, Plane, PlaneEstimator, PlanePoint } from './estimators/index.js';
export { miOfMatrix } from './api.js';
export type { MiOfMatrixResult } from './api.js';

// Runs trained elsewhere: activations per layer and epoch in, an InfoplaneResult out
export { infoplaneOfActivations } from './external/plane.js';
export type { ExternalRun, ActivationMatrix, PlaneOptions, MetricSeries } from './external/plane.js';
export { PlaneMeasurer } from './external/measure.js';
export type { PlaneSettings } from './external/measure.js';
export { DUMP_FORMAT, parseDumpManifest } from './data/dump.js';
export type { DumpManifest } from './data/dump.js';
export { encodeNpy } from './data/npy-write.js';

// Results
export { buildResult, averageRuns } from './record/result.js';
export type { InfoplaneResult, TrainingResult, ExternalResult, PlaneConfig, PlaneOrigin, RunRecord, Series, MiSeries, LayerInfo, DatasetInfo } from './record/schema.js';
export { renderReport, encodeResultJson, decodeResultJson } from './report/html.js';
export type { UplotAssets } from './report/html.js';
