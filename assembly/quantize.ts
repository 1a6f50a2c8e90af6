// Quantized activations, after Lorenzen, Igel & Nielsen (ICLR 2022): every quantized layer's values
// lie on a uniform grid of 2^bits levels from lo to hi, so a layer takes finitely many values and
// its information-plane coordinates can be counted exactly. The backward pass is straight-through:
// the gradient passes the quantizer unchanged where lo <= a <= hi and is 0 outside (as TensorFlow's
// fake quantization, which the paper's code uses), times f'(z) of the unquantized a = f(z).
//
// Level arithmetic, all in f32 (src/reference/quantize.ts repeats it bit for bit):
//   step = (hi - lo) / (2^bits - 1), inv = 1 / step
//   k    = clamp(floor((a - lo) * inv + 0.5), 0, 2^bits - 1)       (NaN stays NaN)
//   q    = lo + k * step
import { dact4, ACT_TANH, ACT_SOFTSIGN, ACT_SIGMOID } from './activation';
import { finite_range } from './sort';
import { alloc } from './memory';

/** Unbounded activations: the range is a moving average of the batches' ranges. */
export const Q_EMA_DECAY: f64 = 0.999;
/** Its starting range (TensorFlow's moving-average quantizer starts there). */
export const Q_EMA_LO0: f64 = -6.0;
export const Q_EMA_HI0: f64 = 6.0;

// @ts-ignore: decorator
@inline function levels_of(bits: i32): f32 { return <f32>((1 << bits) - 1); }

// quantize_forward: q[n] = the level nearest a[n] on [lo, hi] (2^bits levels); with save != 0,
// save[n] = a[n] first (the backward pass needs the unquantized values). In place (q == a) allowed.
export function quantize_forward(q: usize, a: usize, save: usize, n: i32, lo: f32, hi: f32, bits: i32): void {
  const top = levels_of(bits);
  const step = (hi - lo) / top, inv = <f32>1.0 / step;
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vstep = f32x4.splat(step);
  const half = f32x4.splat(0.5), zero = f32x4.splat(0), vtop = f32x4.splat(top);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(a + o);
    if (save) v128.store(save + o, v);
    const k = f32x4.min(f32x4.max(f32x4.floor(f32x4.add(f32x4.mul(f32x4.sub(v, vlo), vinv), half)), zero), vtop);
    v128.store(q + o, f32x4.add(vlo, f32x4.mul(k, vstep)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(a + o);
    if (save) store<f32>(save + o, v);
    const k = Mathf.min(Mathf.max(Mathf.floor((v - lo) * inv + <f32>0.5), 0), top);
    store<f32>(q + o, lo + k * step);
  }
}

// quantize_backward: dz[n] = da[n] * f'(a[n]) where lo <= a[n] <= hi, else 0; a = the saved
// unquantized activations, f' written through them (assembly/activation.ts dact4). In place allowed.
export function quantize_backward(dz: usize, da: usize, a: usize, n: i32, lo: f32, hi: f32, act: i32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(a + o);
    const inside = v128.and(f32x4.ge(v, vlo), f32x4.le(v, vhi));
    v128.store(dz + o, v128.and(f32x4.mul(v128.load(da + o), dact4(act, v)), inside));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(a + o);
    const d = f32x4.extract_lane(dact4(act, f32x4.splat(v)), 0);
    store<f32>(dz + o, v >= lo && v <= hi ? load<f32>(da + o) * d : 0);
  }
}

// quantize_ema: the moving range of an unbounded layer after one training batch. range f64[2] =
// (lo, hi) is updated in place from the batch's finite min and max over act [nUnits][B] (first n
// columns; the padding columns are not samples): lo = d lo + (1 - d) min(0, bmin), hi likewise
// with max(0, bmax), d = Q_EMA_DECAY. scratch: f32[2].
export function quantize_ema(range: usize, act: usize, nUnits: i32, n: i32, B: i32, scratch: usize): void {
  finite_range(act, nUnits, n, B, scratch);
  const bmin = min(<f64>load<f32>(scratch), 0.0), bmax = max(<f64>load<f32>(scratch, 4), 0.0);
  store<f64>(range, Q_EMA_DECAY * load<f64>(range) + (1.0 - Q_EMA_DECAY) * bmin);
  store<f64>(range, Q_EMA_DECAY * load<f64>(range, 8) + (1.0 - Q_EMA_DECAY) * bmax, 8);
}

// A network's quantization state (net_quantize creates it; net.ts calls the per-layer steps).
// Bounded activations keep fixed ranges (tanh and softsign [-1, 1], sigmoid [0, 1]); unbounded ones
// (relu, linear, softplus) a moving range updated by every training batch; the softmax output is
// quantized on [0, 1] when the network is evaluated.
@unmanaged export class QuantLayer {
  lo: f64;        // the range now
  hi: f64;
  save: usize;    // f32 [width][Bpad]: the unquantized activations of the last training batch
  moving: i32;    // 1: moving range (unbounded activation)
  act: i32;       // activation code
}
@unmanaged export class Quant {
  bits: i32;
  hidden: i32;    // quantized hidden layers (L - 1)
  layers: usize;  // QuantLayer[hidden]
  scratch: usize; // f32[2]
}

// @ts-ignore: decorator
@inline function qlayer(q: Quant, l: i32): QuantLayer {
  return changetype<QuantLayer>(q.layers + <usize>l * offsetof<QuantLayer>());
}

/** widths i32[hidden] and acts i32[hidden] of the hidden layers; Bpad the training batch stride. */
export function quant_create(bits: i32, hidden: i32, widths: usize, acts: usize, Bpad: i32): usize {
  const q = changetype<Quant>(alloc(<u32>offsetof<Quant>()));
  q.bits = bits;
  q.hidden = hidden;
  q.layers = alloc(<u32>(hidden * offsetof<QuantLayer>()));
  q.scratch = alloc(8);
  for (let l = 0; l < hidden; l++) {
    const ql = qlayer(q, l), act = load<i32>(acts + (<usize>l << 2));
    ql.act = act;
    ql.moving = act == ACT_TANH || act == ACT_SOFTSIGN || act == ACT_SIGMOID ? 0 : 1;
    ql.save = alloc(<u32>(load<i32>(widths + (<usize>l << 2)) * Bpad * 4));
  }
  quant_reset(changetype<usize>(q));
  return changetype<usize>(q);
}

/** Ranges back to their start (a new network). */
export function quant_reset(qp: usize): void {
  const q = changetype<Quant>(qp);
  for (let l = 0; l < q.hidden; l++) {
    const ql = qlayer(q, l);
    if (ql.moving) { ql.lo = Q_EMA_LO0; ql.hi = Q_EMA_HI0; }
    else { ql.lo = ql.act == ACT_SIGMOID ? 0.0 : -1.0; ql.hi = 1.0; }
  }
}

/** Hidden layer l's activations out [width][B] (first n columns samples) onto its levels, in place;
 *  a training batch first moves an unbounded layer's range and saves the unquantized values. */
export function quant_layer_forward(qp: usize, l: i32, out: usize, width: i32, n: i32, B: i32, training: bool): void {
  const q = changetype<Quant>(qp), ql = qlayer(q, l);
  if (training && ql.moving) quantize_ema(changetype<usize>(ql), out, width, n, B, q.scratch);
  quantize_forward(out, out, training ? ql.save : 0, width * B, <f32>ql.lo, <f32>ql.hi, q.bits);
}

/** d [width][B], the gradient at hidden layer l's quantized output -> at its pre-activation. */
export function quant_layer_backward(qp: usize, l: i32, d: usize, width: i32, B: i32): void {
  const ql = qlayer(changetype<Quant>(qp), l);
  quantize_backward(d, d, ql.save, width * B, <f32>ql.lo, <f32>ql.hi, ql.act);
}

/** out f64[2] = the range layer l is quantized to now (l = hidden: the softmax output, [0, 1]). */
export function quant_range(qp: usize, l: i32, out: usize): void {
  const q = changetype<Quant>(qp);
  if (l >= q.hidden) { store<f64>(out, 0); store<f64>(out, 1, 8); return; }
  const ql = qlayer(q, l);
  store<f64>(out, ql.lo);
  store<f64>(out, ql.hi, 8);
}

export function quant_bits(qp: usize): i32 { return changetype<Quant>(qp).bits; }
