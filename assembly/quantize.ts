// Quantized activations, after Lorenzen, Igel & Nielsen (ICLR 2022): every quantized layer's values
// lie on a uniform grid of 2^bits levels from lo to hi, so a layer takes finitely many values and
// its information-plane coordinates can be counted exactly. The backward pass is straight-through:
// the gradient passes the quantizer unchanged where lo <= a <= hi and is 0 outside (as TensorFlow's
// fake quantization, which the paper's code uses), times f'(z) of the unquantized a = f(z).
//
// The level arithmetic is levels.ts's (src/reference/quantize.ts repeats it bit for bit). A
// training batch goes through dense.ts's fused kernels (dense_forward_q, dense_input_grad_q): the
// rounding happens where the activation is applied, and the straight-through mask where its
// derivative is, so quantization adds no pass over the layer's [unit][sample] buffers.
import { dact4, ACT_TANH, ACT_SOFTSIGN, ACT_SIGMOID } from './activation';
import { dense_forward_q, dense_input_grad_q } from './dense';
import { levels_of, q1, q4, store_min_max } from './levels';
import { alloc } from './memory';

/** Unbounded activations: the range is a moving average of the batches' ranges. */
export const Q_EMA_DECAY: f64 = 0.999;
/** Its starting range (TensorFlow's moving-average quantizer starts there). */
export const Q_EMA_LO0: f64 = -6.0;
export const Q_EMA_HI0: f64 = 6.0;

// quantize_forward: q[n] = the level nearest a[n] on [lo, hi] (2^bits levels); with save != 0,
// save[n] = a[n] first (the backward pass needs the unquantized values). In place (q == a) allowed.
export function quantize_forward(q: usize, a: usize, save: usize, n: i32, lo: f32, hi: f32, bits: i32): void {
  const top = levels_of(bits);
  const step = (hi - lo) / top, inv = <f32>1.0 / step;
  const n8 = n & ~7;
  if (save) q8_loop(q, a, save, n8, lo, inv, step, top, true);
  else q8_loop(q, a, 0, n8, lo, inv, step, top, false);
  for (let i = n8; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(a + o);
    if (save) store<f32>(save + o, v);
    store<f32>(q + o, q1(v, lo, inv, step, top));
  }
}

// eight values per pass; `withSave` is a constant at each call site
// @ts-ignore: decorator
@inline function q8_loop(q: usize, a: usize, save: usize, n8: i32, lo: f32, inv: f32, step: f32, top: f32, withSave: bool): void {
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vstep = f32x4.splat(step), vtop = f32x4.splat(top);
  const end = a + (<usize>n8 << 2);
  let pa = a, pq = q, ps = save;
  while (pa < end) {
    const v0 = v128.load(pa), v1 = v128.load(pa, 16);
    if (withSave) { v128.store(ps, v0); v128.store(ps, v1, 16); ps += 32; }
    v128.store(pq, q4(v0, vlo, vinv, vstep, vtop));
    v128.store(pq, q4(v1, vlo, vinv, vstep, vtop), 16);
    pa += 32; pq += 32;
  }
}

// quantize_rows: quantize_forward of act [nUnits][B] (all B columns, a -> q), and in the same pass
// the min and max of the first n columns (the batch's samples; NaN left out, +-inf kept: such a
// layer has diverged) into out f32[2] for the moving range (+inf, -inf when there is none).
export function quantize_rows(q: usize, a: usize, nUnits: i32, n: i32, B: i32, lo: f32, hi: f32, bits: i32, out: usize): void {
  const top = levels_of(bits);
  const step = (hi - lo) / top, inv = <f32>1.0 / step;
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vstep = f32x4.splat(step), vtop = f32x4.splat(top);
  // pmin(acc, v) = v < acc ? v : acc keeps acc for a NaN v
  let vmin = f32x4.splat(Infinity), vmax = f32x4.splat(-Infinity);
  let smin: f32 = Infinity, smax: f32 = -Infinity;
  const n4 = n & ~3;
  for (let u = 0; u < nUnits; u++) {
    const o = <usize>(u * B) << 2;
    let pa = a + o, pq = q + o;
    const end = pa + (<usize>n4 << 2);
    while (pa < end) {
      const v = v128.load(pa);
      vmin = f32x4.pmin(vmin, v);
      vmax = f32x4.pmax(vmax, v);
      v128.store(pq, q4(v, vlo, vinv, vstep, vtop));
      pa += 16; pq += 16;
    }
    for (let s = n4; s < B; s++) {
      const v = load<f32>(a + o + (<usize>s << 2));
      if (s < n) { smin = v < smin ? v : smin; smax = smax < v ? v : smax; }
      store<f32>(q + o + (<usize>s << 2), q1(v, lo, inv, step, top));
    }
  }
  store_min_max(out, vmin, vmax, smin, smax);
}

// quantize_backward: dz[n] = da[n] * f'(a[n]) where lo <= a[n] <= hi, else 0; a = the saved
// unquantized activations, f' written through them (assembly/activation.ts dact4). In place allowed.
export function quantize_backward(dz: usize, da: usize, a: usize, n: i32, lo: f32, hi: f32, act: i32): void {
  const n8 = n & ~7;
  // tanh on [-1, 1]: no value lies outside, the mask is all ones (NaN: the net has diverged)
  if (act == ACT_TANH && lo <= -1 && hi >= 1) qb8_loop(dz, da, a, n8, lo, hi, ACT_TANH, false);
  else if (act == ACT_TANH) qb8_loop(dz, da, a, n8, lo, hi, ACT_TANH, true);
  else qb8_loop(dz, da, a, n8, lo, hi, act, true);
  for (let i = n8; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(a + o);
    const d = f32x4.extract_lane(dact4(act, f32x4.splat(v)), 0);
    store<f32>(dz + o, v >= lo && v <= hi ? load<f32>(da + o) * d : 0);
  }
}

// @ts-ignore: decorator
@inline function qb8_loop(dz: usize, da: usize, a: usize, n8: i32, lo: f32, hi: f32, act: i32, mask: bool): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const end = a + (<usize>n8 << 2);
  let pa = a, pd = da, pz = dz;
  while (pa < end) {
    const v0 = v128.load(pa), v1 = v128.load(pa, 16);
    let g0 = f32x4.mul(v128.load(pd), dact4(act, v0)), g1 = f32x4.mul(v128.load(pd, 16), dact4(act, v1));
    if (mask) {
      g0 = v128.and(g0, v128.and(f32x4.ge(v0, vlo), f32x4.le(v0, vhi)));
      g1 = v128.and(g1, v128.and(f32x4.ge(v1, vlo), f32x4.le(v1, vhi)));
    }
    v128.store(pz, g0);
    v128.store(pz, g1, 16);
    pa += 32; pd += 32; pz += 32;
  }
}

/** range f64[2] one step toward the batch's (min(0, bmin), max(0, bmax)), bmin/bmax = f32[2]. */
// @ts-ignore: decorator
@inline function ema_step(range: usize, minmax: usize): void {
  const bmin = min(<f64>load<f32>(minmax), 0.0), bmax = max(<f64>load<f32>(minmax, 4), 0.0);
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
  blo: f32;       // the range the last training batch was quantized with (its backward pass uses it)
  bhi: f32;
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

/** Where the dense layer writes hidden layer l's activations: the save buffer in training (the
 *  backward pass needs them unquantized), else the output itself. */
export function quant_layer_target(qp: usize, l: i32, out: usize, training: bool): usize {
  return training ? qlayer(changetype<Quant>(qp), l).save : out;
}

/** Hidden layer l's activations a [width][B] (first n columns samples) onto its levels in out
 *  (a == out outside training). A training batch of an unbounded layer is quantized with the range
 *  so far and then moves it (the range lags one batch: one pass over the values instead of two). */
export function quant_layer_forward(qp: usize, l: i32, out: usize, a: usize, width: i32, n: i32, B: i32, training: bool): void {
  const q = changetype<Quant>(qp), ql = qlayer(q, l);
  if (training) { ql.blo = <f32>ql.lo; ql.bhi = <f32>ql.hi; }
  if (training && ql.moving) {
    quantize_rows(out, a, width, n, B, <f32>ql.lo, <f32>ql.hi, q.bits, q.scratch);
    ema_step(changetype<usize>(ql), q.scratch);
  } else quantize_forward(out, a, 0, width * B, <f32>ql.lo, <f32>ql.hi, q.bits);
}

/** Hidden layer l's dense layer and its levels in one pass (dense_forward_q): out [width][B] =
 *  the levels of act(W inp + b) (inp [nIn][B], first n columns samples), the same numbers as
 *  dense_forward then quant_layer_forward. */
export function quant_layer_dense_forward(qp: usize, l: i32, out: usize, inp: usize, W: usize, b: usize, nIn: i32, width: i32, n: i32, B: i32, training: bool): void {
  const q = changetype<Quant>(qp), ql = qlayer(q, l);
  const lo = <f32>ql.lo, hi = <f32>ql.hi;
  if (training) { ql.blo = lo; ql.bhi = hi; }
  dense_forward_q(out, training ? ql.save : out, inp, W, b, nIn, width, B, ql.act, lo, hi, q.bits, q.scratch);
  if (!training || !ql.moving) return;
  // the kernel's min/max covers all B columns; a batch with padding columns (the epoch's last,
  // at most) takes them from its n samples in a second pass
  if (n < B) quantize_rows(out, ql.save, width, n, B, lo, hi, q.bits, q.scratch);
  ema_step(changetype<usize>(ql), q.scratch);
}

/** dense_input_grad into hidden layer l's units [u0, u0 + nIn) (dInp and W already offset to u0),
 *  straight through its levels with the range its last training batch used (dense_input_grad_q). */
export function quant_layer_input_grad(qp: usize, l: i32, u0: i32, dInp: usize, dOut: usize, W: usize, nIn: i32, wStride: i32, nOut: i32, B: i32): void {
  const ql = qlayer(changetype<Quant>(qp), l);
  dense_input_grad_q(dInp, dOut, ql.save + (<usize>(u0 * B) << 2), W, nIn, wStride, nOut, B, ql.act, ql.blo, ql.bhi);
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
