// A network living in the wasm arena: the host only names fields; net_create lays out the memory.
import { Engine, ACTIVATION_CODE, OPTIMIZER_CODE } from '../engine/engine.js';
import type { Activation, OptimizerName } from '../config.js';

// Field ids of the wasm network header (assembly/net.ts).
const NF = { LAYERS: 0, ROWS: 2, ROWS_PAD: 3, CLASSES: 4, PARAMS: 5, PARAM: 6, X: 12, Y: 13, IDX: 14, INPUTS: 22 };
const LF = { IN: 0, OUT: 1, W: 3, B: 4, ACT_EVAL: 6 };

export interface NetworkShape {
  nInputs: number; hidden: number[]; nClasses: number; activation: Activation; batch: number; nRows: number;
}

export class Network {
  readonly ptr: number;
  readonly widths: number[]; // per dense layer, output last
  readonly nRows: number;
  readonly rowsPad: number;
  private readonly statsPtr: number;
  private readonly evalPtr: number;

  constructor(readonly engine: Engine, readonly shape: NetworkShape) {
    const e = engine.exports;
    const widths = [shape.nInputs, ...shape.hidden, shape.nClasses];
    const L = widths.length - 1;
    const wPtr = engine.alloc(4 * widths.length), aPtr = engine.alloc(4 * Math.max(1, L - 1));
    engine.i32(wPtr, widths.length).set(widths);
    engine.i32(aPtr, L - 1).fill(ACTIVATION_CODE[shape.activation]);
    this.ptr = e.net_create(wPtr, aPtr, L, shape.batch, shape.nRows);
    this.widths = widths.slice(1);
    this.nRows = shape.nRows;
    this.rowsPad = e.net_field(this.ptr, NF.ROWS_PAD);
    this.statsPtr = engine.alloc(8 * 2 * L);
    this.evalPtr = engine.alloc(8 * 4);
  }

  get nLayers(): number { return this.widths.length; }
  private field(f: number): number { return this.engine.exports.net_field(this.ptr, f); }
  private layerField(l: number, f: number): number { return this.engine.exports.net_layer_field(this.ptr, l, f); }

  /** Copy the dataset in: X row-major [nRows][nInputs] becomes [unit][row]. */
  setData(X: Float32Array, y: Int32Array): void {
    const nIn = this.shape.nInputs, N = this.nRows, np = this.rowsPad;
    const dst = this.engine.f32(this.field(NF.X), nIn * np);
    for (let r = 0; r < N; r++) for (let i = 0; i < nIn; i++) dst[i * np + r] = X[r * nIn + i];
    this.engine.i32(this.field(NF.Y), N).set(y);
  }

  /** The row order: the first nTrain entries are the training rows. */
  setOrder(order: Int32Array): void { this.engine.i32(this.field(NF.IDX), this.nRows).set(order); }
  labelsPtr(): number { return this.field(NF.Y); }

  init(seed: number, fanOut: boolean): void { this.engine.exports.net_init(this.ptr, seed >>> 0, fanOut ? 1 : 0); }

  trainEpoch(nTrain: number, optimizer: OptimizerName, lr: number, momentum: number, shuffle: boolean, gradStats: boolean): number {
    return this.engine.exports.net_train_epoch(this.ptr, nTrain, OPTIMIZER_CODE[optimizer], lr, momentum, shuffle ? 1 : 0, gradStats ? 1 : 0);
  }

  /** [mean_0, std_0, mean_1, std_1, ...] per weight matrix over nb mini-batches; clears the sums. */
  gradStats(nb: number): Float64Array {
    this.engine.exports.net_grad_stats(this.ptr, nb, this.statsPtr);
    return this.engine.f64(this.statsPtr, 2 * this.nLayers).slice();
  }

  /** Forward all rows; returns [trainLoss, trainAcc, testLoss, testAcc]. */
  evaluate(nTrain: number): Float64Array {
    this.engine.exports.net_eval(this.ptr, nTrain, this.evalPtr);
    return this.engine.f64(this.evalPtr, 4).slice();
  }

  /** Pointer to layer l's activations of all rows ([width][rowsPad]), valid after evaluate(). */
  activationPtr(l: number): number { return this.layerField(l, LF.ACT_EVAL); }

  /** Copies of the parameters of layer l: W [out][in] and b [out]. */
  params(l: number): { W: Float32Array; b: Float32Array } {
    const p = this.field(NF.PARAM), fi = this.layerField(l, LF.IN), fo = this.layerField(l, LF.OUT);
    return { W: this.engine.f32(p + 4 * this.layerField(l, LF.W), fi * fo).slice(), b: this.engine.f32(p + 4 * this.layerField(l, LF.B), fo).slice() };
  }

  /** Overwrite the parameters of layer l (W [out][in], b [out]): start from given weights. */
  setParams(l: number, W: ArrayLike<number>, b: ArrayLike<number>): void {
    const p = this.field(NF.PARAM), fi = this.layerField(l, LF.IN), fo = this.layerField(l, LF.OUT);
    if (W.length !== fi * fo || b.length !== fo) throw new RangeError(`layer ${l}: W needs ${fi * fo} values and b ${fo}, got ${W.length} and ${b.length}`);
    this.engine.f32(p + 4 * this.layerField(l, LF.W), fi * fo).set(W);
    this.engine.f32(p + 4 * this.layerField(l, LF.B), fo).set(b);
  }
}
