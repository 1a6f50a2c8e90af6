// One network trained step by step: advance(n) runs up to n epochs and measures every layer at the
// logged epochs on the way. runNetwork is a loop over advance(); a browser worker calls it in small
// chunks and posts the new points. No Node imports.
import type { ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord, Series } from '../record/schema.js';
import type { Engine } from '../engine/engine.js';
import { Network } from '../model/network.js';
import { createEstimators, type Estimator, type LayerActivations } from '../estimators/index.js';
import { loggedEpochs } from './schedule.js';
import { trainCount } from '../config/config.js';
import { splitOrder } from './split.js';
import { binSettings } from '../estimators/bin.js';
import { cellsOf, modelInfo, selfConsistency, subsetInfo, MODEL_ESTIMATOR, TEST_ESTIMATOR, TRAIN_ESTIMATOR } from '../record/model-info.js';

/** Called at logged epoch k (= epochs[k]) with every layer's activations, f32 [width][stride] in wasm memory. */
export type LoggedHook = (k: number, epoch: number, layers: LayerActivations) => void;

export class TrainingSession {
  /** The network's series; entries of logged epochs not reached yet are NaN. */
  readonly record: RunRecord;
  /** The logged epochs of the whole run (record.epochs). */
  readonly epochs: number[];
  readonly nTrain: number;
  private readonly net: Network;
  /** Each estimator once, and where its planes go in config.estimators (-1: not asked for). */
  private readonly estimators: { est: Estimator; fill: number[] }[];
  private readonly layers: LayerActivations;
  /** Row order of the split: the first nTrain rows train. */
  private readonly order: Int32Array;
  private epochsDone = 0;
  private pointsDone = 0;

  /** Builds the network on `engine` (resetting its arena: one session per engine at a time).
   *  `onLogged` sees every layer's activations of all rows at each logged epoch, after they are
   *  measured (`run --dump-activations` writes them out). */
  constructor(readonly engine: Engine, readonly config: ExperimentConfig, readonly data: Dataset, readonly repeat = 0,
    private readonly onLogged?: LoggedHook) {
    engine.reset();
    const seed = (config.seed + repeat) >>> 0;
    const net = new Network(engine, {
      nInputs: data.nInputs, hidden: config.layers, nClasses: data.nClasses,
      activation: config.activation, batch: Math.min(config.batch, data.nRows), nRows: data.nRows,
    });
    net.setData(data.X, data.y);
    this.nTrain = trainCount(data.nRows, config.trainFraction);
    this.order = splitOrder(engine, config.split, data.nRows, seed, data.y, this.nTrain);
    net.setOrder(this.order);
    if (config.quantize) net.quantize(config.quantize);
    net.init(seed, config.init === 'fan_out');
    this.net = net;

    this.estimators = createEstimators(config.estimators, config, engine,
      { maxRows: data.nRows, maxWidth: Math.max(...net.widths), nClasses: data.nClasses, seed, duplicates: data.duplicates });
    const L = net.nLayers;
    this.epochs = loggedEpochs(config.miSchedule, config.epochs);
    const K = this.epochs.length;
    const grid = () => Array.from({ length: L }, () => new Array<number>(K).fill(NaN));
    const settings: Record<string, string> = {};
    for (const { est, fill } of this.estimators) fill.forEach((p, i) => { if (p >= 0) settings[config.estimators[p]] = est.planes[i].settings; });
    this.record = {
      repeat, seed, status: 'ok', epochs: this.epochs,
      mi: Object.fromEntries(config.estimators.map((name) => [name, { ixt: grid(), ity: grid(), settings: settings[name] }])),
      trainLoss: new Array(K).fill(NaN), trainAcc: new Array(K).fill(NaN),
      testLoss: new Array(K).fill(NaN), testAcc: new Array(K).fill(NaN),
      gradMean: grid(), gradStd: grid(),
    };
    if (data.labelProb && this.record.mi.bin) {
      // labels drawn from a known p(y|x): the bin partition's I(T;Y) under that model as well
      this.record.mi[MODEL_ESTIMATOR] = { ixt: grid(), ity: grid(), settings: `${this.record.mi.bin.settings}; I(T;Y) under the label model p(y|x)` };
    }
    if (config.splitMi) {
      const rows = (which: string) => `${binSettings(config.binning)}; plug-in on the ${which} rows only (fixed range)`;
      this.record.mi[TRAIN_ESTIMATOR] = { ixt: grid(), ity: grid(), settings: rows('training') };
      this.record.mi[TEST_ESTIMATOR] = { ixt: grid(), ity: grid(), settings: rows('test') };
    }
    this.layers = {
      engine, act: net.widths.map((_, l) => net.activationPtr(l)), width: net.widths,
      activation: net.widths.map((_, l) => (l === L - 1 ? 'softmax' : config.activation)),
      n: data.nRows, stride: net.rowsPad, labels: net.labelsPtr(), nClasses: data.nClasses,
      ...(config.quantize ? { quantized: { bits: config.quantize, ranges: [] } } : {}),
    };
  }

  /** Epochs trained so far. */
  get epoch(): number { return this.epochsDone; }
  /** Logged epochs measured so far: record entries [0, points) are final. */
  get points(): number { return this.pointsDone; }
  /** All epochs trained, or the network diverged. */
  get done(): boolean { return this.epochsDone >= this.config.epochs || this.record.status === 'diverged'; }

  /** Train up to n more epochs, measuring at logged ones; returns how many ran (fewer at the end
   *  or when the loss turns non-finite, which marks the record diverged and ends the session). */
  advance(n: number): number {
    const { net, estimators, layers, record: rec, epochs, config, nTrain } = this;
    const K = epochs.length, L = net.nLayers;
    const stop = Math.min(config.epochs, this.epochsDone + Math.max(0, Math.floor(n)));
    let ran = 0;
    while (this.epochsDone < stop && rec.status === 'ok') {
      const epoch = this.epochsDone, k = this.pointsDone;
      const logged = k < K && epochs[k] === epoch;
      if (logged) {
        const [trL, trA, teL, teA] = net.evaluate(nTrain);
        if (!Number.isFinite(trL)) {
          rec.status = 'diverged';
          rec.divergedAt = epoch;
          break;
        }
        rec.trainLoss[k] = trL; rec.trainAcc[k] = trA; rec.testLoss[k] = teL; rec.testAcc[k] = teA;
        // a quantized net's ranges now (estimators/exact.ts counts its levels)
        if (layers.quantized) layers.quantized.ranges = net.quantRanges() ?? undefined;
        for (const { est, fill } of estimators) {
          est.measure(layers).forEach((points, i) => {
            if (fill[i] < 0) return;
            const series = rec.mi[config.estimators[fill[i]]];
            points.forEach((p, l) => { series.ixt[l][k] = p.ixt; series.ity[l][k] = p.ity; });
          });
        }
        if (rec.mi[MODEL_ESTIMATOR] || rec.mi[TRAIN_ESTIMATOR]) this.measurePartitions(k, k === K - 1);
        this.onLogged?.(k, epoch, layers);
      }
      const nb = net.trainEpoch(nTrain, config.optimizer, config.lr, config.momentum, config.shuffleBatches, logged);
      if (logged) {
        const g = net.gradStats(nb);
        for (let l = 0; l < L; l++) { rec.gradMean[l][k] = g[2 * l]; rec.gradStd[l][k] = g[2 * l + 1]; }
        this.pointsDone = k + 1;
      }
      this.epochsDone = epoch + 1;
      // NaN/Inf between logged epochs: one pass over the parameters (cheap next to an epoch)
      if (!this.engine.exports.net_params_finite(net.ptr)) {
        rec.status = 'diverged';
        rec.divergedAt = epoch + 1;
      }
      ran++;
    }
    return ran;
  }

  /** The bin partition of every layer measured in TypeScript (record/model-info.ts): under the
   *  label model (and, at the last logged epoch, the layers' IB self-consistency) when the labels
   *  were drawn from one; on the training and test rows apart with config.splitMi. */
  private measurePartitions(k: number, last: boolean): void {
    const { layers, engine, record: rec, data, nTrain } = this;
    const model = rec.mi[MODEL_ESTIMATOR], train = rec.mi[TRAIN_ESTIMATOR], test = rec.mi[TEST_ESTIMATOR];
    const fits: NonNullable<RunRecord['selfConsistency']> = [];
    for (let l = 0; l < layers.act.length; l++) {
      const act = engine.f32(layers.act[l], layers.width[l] * layers.stride);
      const { cells, count } = cellsOf(act, layers.width[l], layers.n, layers.stride, this.config.binning);
      if (model && data.labelProb) {
        const p = modelInfo(cells, count, data.labelProb);
        model.ixt[l][k] = p.ixt; model.ity[l][k] = p.ity;
        if (last) fits.push(selfConsistency(cells, count, data.labelProb));
      }
      if (train && test) {
        const a = subsetInfo(cells, count, this.order.subarray(0, nTrain), data.y, data.nClasses);
        train.ixt[l][k] = a.ixt; train.ity[l][k] = a.ity;
        const b = subsetInfo(cells, count, this.order.subarray(nTrain), data.y, data.nClasses);
        test.ixt[l][k] = b.ixt; test.ity[l][k] = b.ity;
      }
    }
    if (last && fits.length) rec.selfConsistency = fits;
  }

  /** The logged points [from, to) as a Series (copies), e.g. to post from a worker. */
  slice(from: number, to = this.pointsDone): Series {
    const r = this.record, cut = (a: number[]) => a.slice(from, to), grid = (g: number[][]) => g.map(cut);
    return {
      epochs: cut(r.epochs),
      mi: Object.fromEntries(Object.entries(r.mi).map(([name, s]) => [name, { ixt: grid(s.ixt), ity: grid(s.ity), settings: s.settings }])),
      trainLoss: cut(r.trainLoss), trainAcc: cut(r.trainAcc), testLoss: cut(r.testLoss), testAcc: cut(r.testAcc),
      gradMean: grid(r.gradMean), gradStd: grid(r.gradStd),
    };
  }

  /** The record so far, cut to the measured points (a complete RunRecord for buildResult). */
  snapshot(): RunRecord {
    const r = this.record;
    return {
      repeat: r.repeat, seed: r.seed, status: r.status, ...this.slice(0), ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt } : {}),
      ...(r.selfConsistency ? { selfConsistency: r.selfConsistency } : {}),
    };
  }
}
