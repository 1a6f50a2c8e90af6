// A network living in the wasm arena: net_create lays out the memory, and the host finds every
// buffer through the header offsets the core exports (Engine.layout), never by computing them.
import { Engine, ACTIVATION_CODE, OPTIMIZER_CODE } from '../engine/engine.js';
import type { Activation, OptimizerName } from '../config/config.js';

export interface NetworkShape {
  nInputs: number; hidden: number[]; nClasses: number; activation: Activation; batch: number; nRows: number;
}

/** Writes the widths and activation codes of `shape` into the arena for net_create / net_bytes. */
function shapeArgs(engine: Engine, shape: NetworkShape): [widths: number, acts: number, L: number, batch: number, nRows: number] {
  const widths = [shape.nInputs, ...shape.hidden, shape.nClasses];
  const L = widths.length - 1;
  const wPtr = engine.alloc(4 * widths.length), aPtr = engine.alloc(4 * Math.max(1, L - 1));
  engine.i32(wPtr, widths.length).set(widths);
  engine.i32(aPtr, L - 1).fill(ACTIVATION_CODE[shape.activation]);
  return [wPtr, aPtr, L, shape.batch, shape.nRows];
}

/** The bytes net_create would allocate for `shape` (total, and the largest single buffer), as the
 *  core counts them without allocating. Resets the engine's arena: use an engine of its own. */
export function networkBytes(engine: Engine, shape: NetworkShape): { total: number; largest: number } {
  engine.reset();
  const args = shapeArgs(engine, shape);
  const out = engine.alloc(16);
  engine.exports.net_bytes(...args, out);
  const [total, largest] = engine.f64(out, 2);
  engine.reset();
  return { total, largest };
}

/** The bytes of an estimator's scratch (total, largest buffer), counted by the core: mi_create or
 *  kde_create (maxN, maxUnits, K, one thread), or ebab_create (maxN values). Resets the engine's arena. */
export function scratchBytes(engine: Engine, maxN: number, maxUnits: number, K: number, of: 'mi' | 'kde' | 'ebab' = 'mi'): { total: number; largest: number } {
  engine.reset();
  const out = engine.alloc(16), e = engine.exports;
  if (of === 'ebab') e.ebab_bytes(maxN, out);
  else if (of === 'kde') e.kde_bytes(maxN, maxUnits, K, 1, out);
  else e.mi_bytes(maxN, maxUnits, K, out);
  const [total, largest] = engine.f64(out, 2);
  engine.reset();
  return { total, largest };
}

export class Network {
  readonly ptr: number;
  readonly widths: number[]; // per dense layer, output last
  readonly nRows: number;
  readonly rowsPad: number;
  private readonly statsPtr: number;
  private readonly evalPtr: number;

  constructor(readonly engine: Engine, readonly shape: NetworkShape) {
    const args = shapeArgs(engine, shape);
    this.ptr = engine.exports.net_create(...args) >>> 0;
    this.widths = [...shape.hidden, shape.nClasses];
    this.nRows = shape.nRows;
    this.rowsPad = this.field('ROWS_PAD');
    this.statsPtr = engine.alloc(8 * 2 * args[2]);
    this.evalPtr = engine.alloc(8 * 4);
  }

  get nLayers(): number { return this.widths.length; }
  private field(f: keyof Engine['layout']['net']): number { return this.engine.ptrAt(this.ptr + this.engine.layout.net[f]); }
  private layerField(l: number, f: keyof Engine['layout']['layer']): number {
    const { net, layer } = this.engine.layout;
    return this.engine.ptrAt(this.ptr + net.LAYER0 + l * layer.SIZE + layer[f]);
  }

  /** Copy the dataset in: X row-major [nRows][nInputs] becomes [unit][row]. */
  setData(X: Float32Array, y: Int32Array): void {
    const nIn = this.shape.nInputs, N = this.nRows, np = this.rowsPad;
    const dst = this.engine.f32(this.field('X'), nIn * np);
    for (let r = 0; r < N; r++) for (let i = 0; i < nIn; i++) dst[i * np + r] = X[r * nIn + i];
    this.engine.i32(this.field('Y'), N).set(y);
    this.engine.i32(this.ptr + this.engine.layout.net.XR_ROWS, 1)[0] = 0; // the row-major copy is stale
  }

  /** The row order: the first nTrain entries are the training rows. */
  setOrder(order: Int32Array): void { this.engine.i32(this.field('IDX'), this.nRows).set(order); }
  labelsPtr(): number { return this.field('Y'); }

  /** Quantize every layer's activations to `bits` (assembly/quantize.ts); call before init. */
  quantize(bits: number): void { this.engine.exports.net_quantize(this.ptr, bits); }

  /** The [lo, hi] every layer is quantized to now, or null for a float network. */
  quantRanges(): [number, number][] | null {
    if (!this.field('QUANT')) return null;
    return this.widths.map((_, l) => {
      this.engine.exports.net_quant_range(this.ptr, l, this.evalPtr);
      const [lo, hi] = this.engine.f64(this.evalPtr, 2);
      return [lo, hi];
    });
  }

  init(seed: number, fanOut: boolean): void { this.engine.exports.net_init(this.ptr, seed >>> 0, fanOut); }

  trainEpoch(nTrain: number, optimizer: OptimizerName, lr: number, momentum: number, shuffle: boolean, gradStats: boolean): number {
    return this.engine.together('net_train_epoch_team', [this.ptr, nTrain, OPTIMIZER_CODE[optimizer], lr, momentum, shuffle ? 1 : 0, gradStats ? 1 : 0]);
  }

  /** [mean_0, std_0, mean_1, std_1, ...] per weight matrix over nb mini-batches; clears the sums. */
  gradStats(nb: number): Float64Array {
    this.engine.exports.net_grad_stats(this.ptr, nb, this.statsPtr);
    return this.engine.f64(this.statsPtr, 2 * this.nLayers).slice();
  }

  /** Forward all rows; returns [trainLoss, trainAcc, testLoss, testAcc]. */
  evaluate(nTrain: number): Float64Array {
    this.engine.together('net_eval_team', [this.ptr, nTrain, this.evalPtr]);
    return this.engine.f64(this.evalPtr, 4).slice();
  }

  /** Pointer to layer l's activations of all rows ([width][rowsPad]), valid after evaluate(). */
  activationPtr(l: number): number { return this.layerField(l, 'ACT_EVAL'); }

  /** Copies of the parameters of layer l: W [out][in] and b [out]. */
  params(l: number): { W: Float32Array; b: Float32Array } {
    const p = this.field('PARAM'), fi = this.layerField(l, 'IN'), fo = this.layerField(l, 'OUT');
    return { W: this.engine.f32(p + 4 * this.layerField(l, 'W'), fi * fo).slice(), b: this.engine.f32(p + 4 * this.layerField(l, 'B'), fo).slice() };
  }

  /** Overwrite the parameters of layer l (W [out][in], b [out]): start from given weights. */
  setParams(l: number, W: ArrayLike<number>, b: ArrayLike<number>): void {
    const p = this.field('PARAM'), fi = this.layerField(l, 'IN'), fo = this.layerField(l, 'OUT');
    if (W.length !== fi * fo || b.length !== fo) throw new RangeError(`layer ${l}: W needs ${fi * fo} values and b ${fo}, got ${W.length} and ${b.length}`);
    this.engine.f32(p + 4 * this.layerField(l, 'W'), fi * fo).set(W);
    this.engine.f32(p + 4 * this.layerField(l, 'B'), fo).set(b);
  }
}
