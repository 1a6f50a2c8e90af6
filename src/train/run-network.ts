// Train one network and measure it at the logged epochs. Pure: no Node imports, so a browser
// worker runs the same code. Its output depends only on the config, the dataset and the seed.
import type { ExperimentConfig } from '../config.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord } from '../record/schema.js';
import { Engine } from '../engine/engine.js';
import { Network } from '../model/network.js';
import { ESTIMATORS } from '../estimators/index.js';
import { loggedEpochs } from './schedule.js';
import { splitOrder, trainCount } from './split.js';

export interface RunProgress { epochsDone: number }

export function runNetwork(engine: Engine, config: ExperimentConfig, data: Dataset, repeat: number,
  onProgress?: (p: RunProgress) => void): RunRecord {
  engine.reset();
  const seed = (config.seed + repeat) >>> 0;
  const net = new Network(engine, {
    nInputs: data.nInputs, hidden: config.layers, nClasses: data.nClasses,
    activation: config.activation, batch: Math.min(config.batch, data.nRows), nRows: data.nRows,
  });
  net.setData(data.X, data.y);
  const nTrain = trainCount(data.nRows, config.trainFraction);
  net.setOrder(splitOrder(engine, config.split, data.nRows, seed));
  net.init(seed, config.init === 'fan_out');

  const estimators = config.estimators.map((name) => {
    const make = ESTIMATORS[name];
    if (!make) throw new Error(`unknown estimator "${name}"`);
    return make(config, engine, { maxRows: data.nRows, maxWidth: Math.max(...net.widths), nClasses: data.nClasses });
  });
  const L = net.nLayers;
  const epochs = loggedEpochs(config.miSchedule, config.epochs);
  const K = epochs.length;
  const grid = () => Array.from({ length: L }, () => new Array<number>(K).fill(NaN));
  const rec: RunRecord = {
    repeat, seed, status: 'ok', epochs,
    mi: Object.fromEntries(estimators.map((est) => [est.name, { ixt: grid(), ity: grid(), settings: est.settings }])),
    trainLoss: new Array(K).fill(NaN), trainAcc: new Array(K).fill(NaN),
    testLoss: new Array(K).fill(NaN), testAcc: new Array(K).fill(NaN),
    gradMean: grid(), gradStd: grid(),
  };
  const layers = {
    engine, act: net.widths.map((_, l) => net.activationPtr(l)), width: net.widths,
    activation: net.widths.map((_, l) => (l === L - 1 ? 'softmax' : config.activation)),
    n: data.nRows, stride: net.rowsPad, labels: net.labelsPtr(), nClasses: data.nClasses,
  };

  let k = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const logged = k < K && epochs[k] === epoch;
    if (logged) {
      const [trL, trA, teL, teA] = net.evaluate(nTrain);
      if (!Number.isFinite(trL)) {
        rec.status = 'diverged';
        rec.divergedAt = epoch;
        break;
      }
      rec.trainLoss[k] = trL; rec.trainAcc[k] = trA; rec.testLoss[k] = teL; rec.testAcc[k] = teA;
      for (const est of estimators) {
        const points = est.measure(layers);
        const series = rec.mi[est.name];
        points.forEach((p, l) => { series.ixt[l][k] = p.ixt; series.ity[l][k] = p.ity; });
      }
    }
    const nb = net.trainEpoch(nTrain, config.optimizer, config.lr, config.momentum, config.shuffleBatches, logged);
    if (logged) {
      const g = net.gradStats(nb);
      for (let l = 0; l < L; l++) { rec.gradMean[l][k] = g[2 * l]; rec.gradStd[l][k] = g[2 * l + 1]; }
      k++;
    }
    if (onProgress && (epoch & 63) === 63) onProgress({ epochsDone: epoch + 1 });
  }
  onProgress?.({ epochsDone: config.epochs });
  return rec;
}
