// Training a small network through the host (model/network.ts) and collecting every number it
// reports, for tests that compare builds or thread counts bit for bit.
import type { Engine } from '../../dist/engine/engine.js';
import { Network, type NetworkShape } from '../../dist/model/network.js';
import type { OptimizerName } from '../../src/config/config.js';

/** Trains `epochs` epochs (activations quantized to `bits` if given) and returns every number a run
 *  reports, plus the parameters. */
export function trainAll(engine: Engine, shape: NetworkShape, X: Float32Array, y: Int32Array, optimizer: OptimizerName, epochs: number, bits = 0): Float64Array {
  engine.reset();
  const net = new Network(engine, shape);
  net.setData(X, y);
  net.setOrder(Int32Array.from({ length: shape.nRows }, (_, i) => i));
  if (bits) net.quantize(bits);
  net.init(5, false);
  const nTrain = Math.round(0.8 * shape.nRows);
  const out: ArrayLike<number>[] = [];
  for (let e = 0; e < epochs; e++) {
    out.push([net.trainEpoch(nTrain, optimizer, optimizer === 'sgd' ? 0.05 : 1e-3, 0.9, true, e % 2 === 0)]);
    if (e % 2 === 0) out.push(net.gradStats(1));
    out.push(net.evaluate(nTrain));
    for (let l = 0; l < net.nLayers; l++) out.push(engine.f32(net.activationPtr(l), net.widths[l] * net.rowsPad).slice());
  }
  for (let l = 0; l < net.nLayers; l++) { const p = net.params(l); out.push(p.W, p.b); }
  return Float64Array.from(out.flatMap((a) => Array.from(a)));
}
