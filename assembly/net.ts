// A fully connected network and its training epoch. Plain TypeScript twin: src/reference/train.ts
// (refInitLayers, refTrainEpoch) with src/reference/mlp.ts. net_create lays out every buffer in
// one place; everything is allocated once, so an epoch never allocates.
import { alloc, take, is_sizing, size_begin, size_end } from './memory';
import { rng_seed, rng_shuffle, init_truncated_normal } from './rng';
import { dense_forward, dense_param_grad, dense_input_grad } from './dense';
import { barrier, share } from './team';
import { softmax_ce_forward, softmax_ce_backward } from './softmax';
import { quant_create, quant_reset, quant_layer_target, quant_layer_forward, quant_layer_dense_forward, quant_layer_input_grad, quantize_forward, quant_bits, quant_range } from './quantize';
import { sgd_step, momentum_step, adam_step } from './optim';
import { ACT_LINEAR } from './activation';
import { mi_binned } from './entropy';
import { pad4 } from './util';

export const OPT_SGD = 0;
export const OPT_MOMENTUM = 1;
export const OPT_ADAM = 2;
const MAX_LAYERS = 32;

/** The network header (docs/ABI.md lists the byte offsets a host uses; index.ts exports them).
 *  Pointers are byte offsets into memory; Np = rows rounded up to 4, Bp = batch rounded up to 4. */
@unmanaged export class Net {
  layers: i32;     // L dense layers, the last one softmax
  batch: i32;      // max batch size
  rows: i32;       // N rows of the whole dataset
  rowsPad: i32;    // Np: the stride of X and of eval activations
  classes: i32;    // K
  params: i32;     // P parameters (all W then b per layer, contiguous)
  param: usize;    // f32[P]
  grad: usize;     // f32[P]
  optM: usize;     // f32[P] momentum / Adam first moment
  optV: usize;     // f32[P] Adam second moment
  gsum: usize;     // f64[P] sum over an epoch's mini-batch gradients
  gsq: usize;      // f64[L] sum over mini-batches of ||dW_l||^2
  x: usize;        // f32 [nIn][Np]: all inputs, [unit][sample]
  y: usize;        // i32 [Np]: all labels
  idx: usize;      // i32 [N]: row order; the first nTrain rows are the training set
  xb: usize;       // f32 [2][nIn4][Bp]: the gathered mini-batch (threads: this one and the next)
  yb: usize;       // i32 [2][Bp]
  deltaA: usize;   // f32 [maxWidth][Bp] backward scratch
  deltaB: usize;   // f32 [maxWidth][Bp]
  rngOrder: usize; // xoshiro state for batch order
  step: i32;       // optimizer step count t
  nll: usize;      // f64 [Np]: per-row loss of the last net_eval
  inputs: i32;     // nIn
  rngInit: usize;  // xoshiro state for weight init
  xr: usize;       // f32 [N][nIn4]: the inputs row-major (nIn4 = nIn rounded up to 4), for the batch gather
  xrRows: i32;     // rows of XR filled from X so far: 0 until the first training epoch
  quant: usize;    // quantized activations (quantize.ts Quant; net_quantize), 0 = float
  gpart: usize;    // f64 [chunks of GCHUNK weights]: one mini-batch's ||dW||^2 per chunk
}

/** One dense layer's block; the L blocks follow the header at NET_LAYER0, LAYER_SIZE apart. */
@unmanaged export class Layer {
  fanIn: i32;
  width: i32;
  act: i32;        // activation code (the last layer: softmax, stored as linear)
  w: i32;          // W offset in the parameter vector (elements)
  b: i32;          // b offset in the parameter vector (elements)
  actTrain: usize; // f32 [width][Bp] activations of the current mini-batch
  actEval: usize;  // f32 [width][Np] activations of all rows (net_eval)
}

export const NET_LAYER0: usize = (offsetof<Net>() + 31) & ~31;
export const LAYER_SIZE: usize = (offsetof<Layer>() + 15) & ~15;

// @ts-ignore: decorator
@inline function layer(net: Net, l: i32): Layer {
  return changetype<Layer>(changetype<usize>(net) + NET_LAYER0 + <usize>l * LAYER_SIZE);
}
// @ts-ignore: decorator
@inline function W(net: Net, L: Layer): usize { return net.param + (<usize>L.w << 2); }
// @ts-ignore: decorator
@inline function bias(net: Net, L: Layer): usize { return net.param + (<usize>L.b << 2); }

/** widths i32[L+1] (inputs first, classes last), acts i32[L-1] for the hidden layers. */
export function net_create(widths: usize, acts: usize, L: i32, batch: i32, nRows: i32): usize {
  if (L < 1 || L > MAX_LAYERS) unreachable();
  const net = changetype<Net>(take(<f64>(NET_LAYER0 + <usize>MAX_LAYERS * LAYER_SIZE), true));
  const bp = pad4(batch), np = pad4(nRows);
  const nIn = load<i32>(widths), nIn4 = pad4(nIn);
  net.layers = L; net.batch = batch; net.rows = nRows; net.rowsPad = np;
  net.classes = load<i32>(widths + (<usize>L << 2)); net.inputs = nIn;
  // P in i64 and sizes in f64: while sizing they may pass what i32 (or the 4 GiB of wasm32) holds
  let P: i64 = 0, maxW = nIn;
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    const fi = load<i32>(widths + (<usize>l << 2)), fo = load<i32>(widths + (<usize>(l + 1) << 2));
    ly.fanIn = fi; ly.width = fo;
    ly.act = l < L - 1 ? load<i32>(acts + (<usize>l << 2)) : ACT_LINEAR;
    ly.w = <i32>P; P += <i64>fi * fo;
    ly.b = <i32>P; P += fo;
    P = (P + 3) & ~3; // every layer's W starts 16-byte aligned
    maxW = max(maxW, fo);
  }
  net.params = <i32>P;
  net.param = take(4.0 * <f64>P);
  net.grad = take(4.0 * <f64>P);
  net.optM = take(4.0 * <f64>P);
  net.optV = take(4.0 * <f64>P);
  net.gsum = take(8.0 * <f64>P);
  net.gsq = take(8.0 * L);
  net.x = take(4.0 * nIn * np);
  net.y = take(4.0 * np);
  net.idx = take(4.0 * np);
  net.xr = take(4.0 * np * nIn4);
  net.xb = take(8.0 * nIn4 * bp); // nIn4 rows: the gather writes whole 4 x 4 blocks
  net.yb = take(8.0 * bp);
  net.deltaA = take(4.0 * maxW * bp);
  net.deltaB = take(4.0 * maxW * bp);
  net.rngOrder = take(16);
  net.rngInit = take(16);
  net.nll = take(8.0 * np);
  let nChunks = 0;
  for (let l = 0; l < L; l++) nChunks += chunks(layer(net, l));
  net.gpart = take(8.0 * nChunks);
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    ly.actTrain = take(4.0 * ly.width * bp);
    ly.actEval = take(4.0 * ly.width * np);
  }
  if (!is_sizing()) for (let i = 0; i < nRows; i++) store<i32>(net.idx + (<usize>i << 2), i);
  return changetype<usize>(net);
}

/** The bytes net_create(widths, acts, L, batch, nRows) would allocate, without allocating:
 *  out f64[2] = total, largest single buffer. */
export function net_bytes(widths: usize, acts: usize, L: i32, batch: i32, nRows: i32, out: usize): void {
  size_begin();
  net_create(widths, acts, L, batch, nRows);
  size_end(out);
}

/** Fresh weights (truncated normal, std = 1/sqrt(fan_in) or 1/sqrt(fan_out)), zero biases and
 *  optimizer state, and the batch-order stream, all from one seed. */
export function net_init(netp: usize, seed: u32, fanOut: bool): void {
  const net = changetype<Net>(netp);
  const L = net.layers, P = net.params;
  memory.fill(net.param, 0, <usize>P << 2);
  memory.fill(net.optM, 0, <usize>P << 2);
  memory.fill(net.optV, 0, <usize>P << 2);
  rng_seed(net.rngInit, seed, 2);
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    const std = 1.0 / Math.sqrt(<f64>(fanOut ? ly.width : ly.fanIn));
    init_truncated_normal(net.rngInit, W(net, ly), ly.fanIn * ly.width, std);
  }
  rng_seed(net.rngOrder, seed, 3);
  net.step = 0;
  if (net.quant) quant_reset(net.quant);
}

// Sharing out a mini-batch among T threads (t = this thread): a layer at least PAR_UNITS wide, or
// with at least PAR_WORK weights and enough units for every thread, is split by its units (forward,
// dW) and by its inputs (the gradient at the layer below); a step over PAR_PARAMS parameters by
// ranges; everything else runs on thread 0. `serial` says thread 0 has written something since the
// last barrier that the others are about to read.
export const PAR_UNITS = 128;
export const PAR_WORK = 16384;
export const PAR_PARAMS = 65536;
// @ts-ignore: decorator
@inline function splits(units: i32, other: i32, T: i32): bool {
  return T > 1 && (units >= PAR_UNITS || (units >= 2 * T && <i64>units * other >= PAR_WORK));
}
// @ts-ignore: decorator
@inline function wide(ly: Layer, T: i32): bool { return splits(ly.width, ly.fanIn, T); }
// @ts-ignore: decorator
@inline function wideIn(ly: Layer, T: i32): bool { return splits(ly.fanIn, ly.width, T); }

/** The last layer split among T threads (-1: none). Helpers leave the forward pass there: past a
 *  call's last barrier a helper must read nothing of the network, because thread 0 may finish the
 *  call, return, and the host lay out another network in the same memory. */
function last_split(net: Net, T: i32): i32 {
  let last = -1;
  for (let l = 0; l < net.layers; l++) if (wide(layer(net, l), T)) last = l;
  return last;
}

/** Forward a [nIn][B] input through all layers into the activation buffers (the mini-batch ones,
 *  or with `evalRows` those of all rows); the last layer holds softmax probabilities. Helpers
 *  (t > 0) stop after layer `last` (last_split). Returns whether thread 0 wrote last (see
 *  `serial` above). */
function forward(net: Net, x: usize, n: i32, B: i32, evalRows: bool, t: i32, T: i32, serial: bool, last: i32): bool {
  const L = net.layers, rowBytes = <usize>B << 2, q = net.quant;
  let inp = x;
  for (let l = 0; l < L; l++) {
    if (t > 0 && l > last) break;
    const ly = layer(net, l);
    const out = evalRows ? ly.actEval : ly.actTrain;
    // quantized: a wide layer's threads write where the backward pass keeps the unquantized
    // values, then thread 0 puts the layer on its levels in `out`; a narrow one does both at once
    const quantized = q != 0 && l < L - 1;
    if (wide(ly, T)) {
      const dst = quantized ? quant_layer_target(q, l, out, !evalRows) : out;
      if (serial) barrier(T);
      const lo = share(ly.width, t, T, 2), hi = share(ly.width, t + 1, T, 2);
      if (hi > lo) {
        dense_forward(dst + <usize>lo * rowBytes, inp, W(net, ly) + (<usize>(lo * ly.fanIn) << 2), bias(net, ly) + (<usize>lo << 2),
          ly.fanIn, hi - lo, B, ly.act);
      }
      barrier(T);
      if (quantized) {
        if (t == 0) quant_layer_forward(q, l, out, dst, ly.width, n, B, !evalRows);
        barrier(T);
      }
      serial = false;
    } else {
      if (t == 0) {
        if (quantized) quant_layer_dense_forward(q, l, out, inp, W(net, ly), bias(net, ly), ly.fanIn, ly.width, n, B, !evalRows);
        else dense_forward(out, inp, W(net, ly), bias(net, ly), ly.fanIn, ly.width, B, ly.act);
      }
      serial = true;
    }
    inp = out;
  }
  if (t == 0) softmax_ce_forward(inp, inp, 0, net.classes, B, 0);
  return true; // the softmax
}

/** XR, the row-major copy of X the gather reads, built on the first training epoch (the host
 *  writes X, [unit][row], for the eval; a host that rewrites X afterwards sets xrRows to 0). */
function ensure_rows(net: Net): void {
  const N = net.rows;
  if (net.xrRows == N) return;
  const nIn = net.inputs, nIn4 = pad4(nIn), np = net.rowsPad;
  const X = net.x, XR = net.xr;
  for (let r = 0; r < N; r++) {
    for (let i = 0; i < nIn4; i++) store<f32>(XR + (<usize>(r * nIn4 + i) << 2), i < nIn ? load<f32>(X + (<usize>(i * np + r) << 2)) : 0);
  }
  net.xrRows = N;
}

// gather_batch: rows order[0..n) of XR -> xb [nIn4][B] (columns n..B zero), labels -> yb [B];
// here only columns [s0, s1) (multiples of 4, or s1 = B), so that threads share the copy.
// Four rows at a time: four 4-float loads per feature block, transposed with shuffles.
function gather_batch(net: Net, xb: usize, yb: usize, order: usize, n: i32, B: i32, s0: i32, s1: i32): void {
  const nIn4 = pad4(net.inputs);
  const XR = net.xr, Y = net.y;
  const rowBytes = <usize>nIn4 << 2, colBytes = <usize>B << 2;
  let s = s0;
  for (; s + 4 <= min(n, s1); s += 4) {
    const r0 = load<i32>(order + (<usize>s << 2)), r1 = load<i32>(order + (<usize>s << 2), 4);
    const r2 = load<i32>(order + (<usize>s << 2), 8), r3 = load<i32>(order + (<usize>s << 2), 12);
    store<i32>(yb + (<usize>s << 2), load<i32>(Y + (<usize>r0 << 2)));
    store<i32>(yb + (<usize>s << 2), load<i32>(Y + (<usize>r1 << 2)), 4);
    store<i32>(yb + (<usize>s << 2), load<i32>(Y + (<usize>r2 << 2)), 8);
    store<i32>(yb + (<usize>s << 2), load<i32>(Y + (<usize>r3 << 2)), 12);
    const p0 = XR + <usize>r0 * rowBytes, p1 = XR + <usize>r1 * rowBytes, p2 = XR + <usize>r2 * rowBytes, p3 = XR + <usize>r3 * rowBytes;
    let q = xb + (<usize>s << 2);
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const a = v128.load(p0 + i), b = v128.load(p1 + i), c = v128.load(p2 + i), d = v128.load(p3 + i);
      const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
      const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
      v128.store(q, i32x4.shuffle(ab0, cd0, 0, 1, 4, 5));
      v128.store(q + colBytes, i32x4.shuffle(ab0, cd0, 2, 3, 6, 7));
      v128.store(q + 2 * colBytes, i32x4.shuffle(ab1, cd1, 0, 1, 4, 5));
      v128.store(q + 3 * colBytes, i32x4.shuffle(ab1, cd1, 2, 3, 6, 7));
      q += 4 * colBytes;
    }
  }
  // the last rows one by one; padding columns are zero so they stay finite
  for (; s < s1; s++) {
    const r = s < n ? load<i32>(order + (<usize>s << 2)) : -1;
    store<i32>(yb + (<usize>s << 2), r >= 0 ? load<i32>(Y + (<usize>r << 2)) : 0);
    for (let i = 0; i < nIn4; i++) {
      store<f32>(xb + (<usize>(i * B + s) << 2), r >= 0 ? load<f32>(XR + <usize>r * rowBytes + (<usize>i << 2)) : 0);
    }
  }
}

/** Backward through all layers of the mini-batch in xb/yb (n real columns of B): the gradient of
 *  every parameter into net.grad. Layer l's dW and db are split by its units when it is wide, the
 *  gradient at layer l - 1 by that layer's units when that one is. Returns `serial` as forward. */
function backward(net: Net, xb: usize, yb: usize, B: i32, n: i32, t: i32, T: i32, serial: bool, kind: i32, lr: f32, mu: f32, step: i32): bool {
  const L = net.layers, rowBytes = <usize>B << 2, g = net.grad;
  let dOut = net.deltaA, dIn = net.deltaB;
  if (t == 0) softmax_ce_backward(dOut, layer(net, L - 1).actTrain, yb, net.classes, B, n);
  serial = true;
  for (let l = L - 1; l >= 0; l--) {
    const ly = layer(net, l);
    const prev = l > 0 ? layer(net, l - 1) : changetype<Layer>(0);
    const inp = l > 0 ? prev.actTrain : xb;
    const parOut = wide(ly, T), parIn = l > 0 && wideIn(ly, T);
    if ((parOut || parIn) && serial) barrier(T);
    // this thread's units of layer l: all on thread 0 when the layer is not split
    const lo = parOut ? share(ly.width, t, T, 2) : 0, hi = parOut ? share(ly.width, t + 1, T, 2) : t == 0 ? ly.width : 0;
    // the first layer steps its units' parameters right after their gradient, a few units at a time
    // while that is in cache: nothing reads them again before the next batch's forward, in which
    // the same thread computes the same units (see net_train_epoch_team)
    const chunk = l == 0 ? STEP_UNITS : max(hi - lo, 1);
    for (let u = lo; u < hi; u += chunk) {
      const v = min(u + chunk, hi);
      dense_param_grad(g + (<usize>(ly.w + u * ly.fanIn) << 2), g + (<usize>(ly.b + u) << 2), dOut + <usize>u * rowBytes, inp, ly.fanIn, v - u, B);
      if (l == 0) {
        opt_step(net, kind, lr, mu, step, ly.w + u * ly.fanIn, ly.w + v * ly.fanIn);
        opt_step(net, kind, lr, mu, step, ly.b + u, ly.b + v);
      }
    }
    // quantized: straight through the levels (f' of the saved unquantized values, quantize.ts)
    const q = net.quant;
    if (parIn) {
      const lo = share(ly.fanIn, t, T, 2), hi = share(ly.fanIn, t + 1, T, 2);
      if (hi > lo) {
        const dI = dIn + <usize>lo * rowBytes, w = W(net, ly) + (<usize>lo << 2);
        if (q) quant_layer_input_grad(q, l - 1, lo, dI, dOut, w, hi - lo, ly.fanIn, ly.width, B);
        else dense_input_grad(dI, dOut, inp + <usize>lo * rowBytes, w, hi - lo, ly.fanIn, ly.width, B, prev.act);
      }
    } else if (l > 0 && t == 0) {
      if (q) quant_layer_input_grad(q, l - 1, 0, dIn, dOut, W(net, ly), ly.fanIn, ly.fanIn, ly.width, B);
      else dense_input_grad(dIn, dOut, inp, W(net, ly), ly.fanIn, ly.fanIn, ly.width, B, prev.act);
    }
    // the first layer, split by the same units as the gradient into it, reads only this thread's
    // rows of it and writes no gradient below itself: it need not wait for the others
    const own = l == 1 && parIn && q == 0 && wide(prev, T);
    if (parOut || parIn) { if (!own) barrier(T); serial = false; }
    else serial = true; // every thread keeps the same flags, so they meet at the same barriers
    const tmp = dOut; dOut = dIn; dIn = tmp;
  }
  return serial;
}

/** One epoch of mini-batch training over rows idx[0..nTrain), in one call. Batches are contiguous
 *  slices of idx (shuffled first when `shuffle`); the last batch may be smaller. With `gradStats`
 *  the mini-batch gradients of every weight matrix are accumulated for net_grad_stats. Returns
 *  the number of mini-batches. */
export function net_train_epoch(net: usize, nTrain: i32, opt: i32, lr: f32, mu: f32, shuffle: bool, gradStats: bool): i32 {
  return net_train_epoch_team(net, nTrain, opt, lr, mu, shuffle, gradStats, 0, 1);
}

// Units of the first layer whose gradient is computed and stepped at a time: 32 x a fan in of
// 784 is 100 KB, which stays in a core's L2 between the two.
const STEP_UNITS = 32;

/** The optimizer `kind` at step count `step` (from 1) on parameters [lo, hi): each parameter's
 *  update reads only its own state, so any split of the ranges gives the same bits. */
function opt_step(net: Net, kind: i32, lr: f32, mu: f32, step: i32, lo: i32, hi: i32): void {
  const m = hi - lo;
  if (m <= 0) return;
  const p = net.param + (<usize>lo << 2), gr = net.grad + (<usize>lo << 2);
  if (kind == OPT_ADAM) adam_step(p, gr, net.optM + (<usize>lo << 2), net.optV + (<usize>lo << 2), m, lr, 0.9, 0.999, 1e-8, step);
  else if (kind == OPT_MOMENTUM) momentum_step(p, gr, net.optM + (<usize>lo << 2), m, lr, mu);
  else sgd_step(p, gr, m, lr);
}

/** net_train_epoch run by T threads together (threads build): every thread calls it with its t.
 *  The MNIST net (784-1024-20-20-20-10) meets at four barriers per mini-batch: after each of the
 *  two split layers forward, before and after the backward pass of the split layers. The first
 *  layer's parameters are stepped inside the backward pass, the others' step runs after it (the
 *  next batch's first barrier orders it before their forward), and while thread 0 runs the narrow
 *  layers the other threads gather the next batch into the other half of xb and yb. */
export function net_train_epoch_team(netp: usize, nTrain: i32, kind: i32, lr: f32, mu: f32, shuffle: bool, gradStats: bool, t: i32, T: i32): i32 {
  const net = changetype<Net>(netp);
  const P = net.params, batch = net.batch, idx = net.idx, L = net.layers;
  const last = t > 0 ? last_split(net, T) : -1;
  if (t == 0) {
    ensure_rows(net);
    if (shuffle) rng_shuffle(net.rngOrder, idx, nTrain);
  }
  barrier(T); // everyone sees the order and the step count of thread 0
  const step0 = net.step; // which thread 0 writes after the last barrier
  const parStats = T > 1 && P >= PAR_PARAMS;
  // the parameters after the first layer, stepped once the backward pass is over
  const rLo = L > 1 ? layer(net, 1).w : P;
  const parRest = T > 1 && P - rLo >= PAR_PARAMS;
  const pLo = parRest ? rLo + share(P - rLo, t, T, 4) : rLo, pHi = parRest ? rLo + share(P - rLo, t + 1, T, 4) : t == 0 ? P : rLo;
  // gathering ahead needs a barrier inside every backward pass (between the gather and the next
  // forward): there is one at the first split layer
  let ahead = false;
  for (let l = 0; l < L; l++) ahead = ahead || wide(layer(net, l), T) || (l > 0 && wideIn(layer(net, l), T));
  const xbBytes = <usize>(pad4(net.inputs) * pad4(batch)) << 2, ybBytes = <usize>pad4(batch) << 2;
  let nb = 0, serial = false;
  for (let start = 0; start < nTrain; start += batch) {
    const n = min(batch, nTrain - start), B = pad4(n);
    const half = ahead ? <usize>(nb & 1) : 0;
    const xb = net.xb + half * xbBytes, yb = net.yb + half * ybBytes;
    // thread 0 may still read the last batch's xb and yb (its last layers alone)
    if (serial) barrier(T);
    if (!ahead || nb == 0) {
      // every thread gathers a share of the columns (a copy: the bits do not depend on T)
      gather_batch(net, xb, yb, idx + (<usize>start << 2), n, B, share(B, t, T, 4), share(B, t + 1, T, 4));
      barrier(T);
    }
    const step = step0 + nb + 1;
    serial = forward(net, xb, n, B, false, t, T, false, last);
    if (ahead && t > 0 && start + batch < nTrain) {
      const n2 = min(batch, nTrain - start - batch), B2 = pad4(n2);
      gather_batch(net, net.xb + (half ^ 1) * xbBytes, net.yb + (half ^ 1) * ybBytes, idx + (<usize>(start + batch) << 2), n2, B2,
        share(B2, t - 1, T - 1, 4), share(B2, t, T - 1, 4));
    }
    serial = backward(net, xb, yb, B, n, t, T, serial, kind, lr, mu, step);
    if (gradStats) {
      // shared by chunks; thread 0 then adds the chunks' squares (which nobody else reads)
      if (parStats && serial) barrier(T);
      if (parStats || t == 0) accumulate_grad_stats(net, parStats ? t : 0, parStats ? T : 1);
      if (parStats) { barrier(T); serial = false; }
      if (t == 0) sum_grad_squares(net);
    }
    // the step of the other layers: with a split first layer (which reads only its units'
    // parameters) nobody reads theirs before the next forward's first barrier
    if (parRest && serial) { barrier(T); serial = false; }
    opt_step(net, kind, lr, mu, step, pLo, pHi);
    if (parRest && !wide(layer(net, 0), T)) barrier(T);
    nb++;
  }
  barrier(T); // the host reads the parameters next
  if (t == 0) net.step = step0 + nb;
  return nb;
}

// The gradient statistics' sums: gsum per weight, and ||dW_l||^2 in f64 chunks of GCHUNK weights
// (gpart), which threads share out and thread 0 adds in order, so the bits do not depend on T.
const GCHUNK = 8192;
// @ts-ignore: decorator
@inline function chunks(ly: Layer): i32 { return (ly.fanIn * ly.width + GCHUNK - 1) / GCHUNK; }

/** gsum += this batch's dW, and every chunk's sum of squares into gpart, for the chunks of thread t. */
function accumulate_grad_stats(net: Net, t: i32, T: i32): void {
  const L = net.layers, grad = net.grad, gsum = net.gsum;
  let total = 0;
  for (let l = 0; l < L; l++) total += chunks(layer(net, l));
  const cLo = share(total, t, T, 1), cHi = share(total, t + 1, T, 1);
  let c = 0;
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    const end = ly.w + ly.fanIn * ly.width;
    for (let i0 = ly.w; i0 < end; i0 += GCHUNK, c++) {
      if (c < cLo || c >= cHi) continue;
      let sq: f64 = 0;
      for (let i = i0; i < min(i0 + GCHUNK, end); i++) {
        const g = <f64>load<f32>(grad + (<usize>i << 2));
        const p = gsum + (<usize>i << 3);
        store<f64>(p, load<f64>(p) + g);
        sq += g * g;
      }
      store<f64>(net.gpart + (<usize>c << 3), sq);
    }
  }
}

/** gsq[l] += the sum of layer l's chunk squares, in chunk order. */
function sum_grad_squares(net: Net): void {
  const L = net.layers, gsq = net.gsq;
  let c = 0;
  for (let l = 0; l < L; l++) {
    let sq: f64 = 0;
    for (let k = chunks(layer(net, l)); k > 0; k--, c++) sq += load<f64>(net.gpart + (<usize>c << 3));
    const q = gsq + (<usize>l << 3);
    store<f64>(q, load<f64>(q) + sq);
  }
}

/** Per weight matrix over the nb accumulated mini-batch gradients g_b (the gradient signal-to-noise of Shwartz-Ziv & Tishby):
 *  out[2l] = ||mean_b g_b||, out[2l+1] = sqrt(mean_b ||g_b - mean||^2). Clears the accumulators. */
export function net_grad_stats(netp: usize, nb: i32, out: usize): void {
  const net = changetype<Net>(netp);
  const L = net.layers, gsum = net.gsum, gsq = net.gsq;
  const inv = 1.0 / <f64>nb;
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    const w0 = ly.w, n = ly.fanIn * ly.width;
    let m2: f64 = 0;
    for (let i = w0; i < w0 + n; i++) {
      const p = gsum + (<usize>i << 3);
      const m = load<f64>(p) * inv;
      m2 += m * m;
      store<f64>(p, 0);
    }
    const q = gsq + (<usize>l << 3);
    const var_ = load<f64>(q) * inv - m2;
    store<f64>(q, 0);
    store<f64>(out + (<usize>(2 * l) << 3), Math.sqrt(m2));
    store<f64>(out + (<usize>(2 * l + 1) << 3), Math.sqrt(max(var_, 0.0)));
  }
}

/** Forward all N rows (activations kept per layer for the estimators) and score the split:
 *  out f64[4] = train loss, train accuracy, test loss, test accuracy (rows idx[0..nTrain) train). */
export function net_eval(net: usize, nTrain: i32, out: usize): void {
  net_eval_team(net, nTrain, out, 0, 1);
}

/** net_eval run by T threads together (threads build); only thread 0 writes `out`. */
export function net_eval_team(netp: usize, nTrain: i32, out: usize, t: i32, T: i32): void {
  const net = changetype<Net>(netp);
  const N = net.rows, np = net.rowsPad, K = net.classes, L = net.layers;
  const Y = net.y, idx = net.idx, nll = net.nll;
  // thread 0 waits here until every helper has read what it needs (last_split): an eval of a
  // network without a split layer has no other barrier
  const last = t > 0 ? last_split(net, T) : -1;
  barrier(T);
  if (t > 0 && last < 0) return;
  forward(net, net.x, N, np, true, t, T, false, last);
  if (t != 0) return;
  const p = layer(net, L - 1).actEval;
  let trL: f64 = 0, trA: f64 = 0, teL: f64 = 0, teA: f64 = 0;
  for (let j = 0; j < N; j++) {
    const r = load<i32>(idx + (<usize>j << 2));
    const yr = load<i32>(Y + (<usize>r << 2));
    const py = load<f32>(p + (<usize>(yr * np + r) << 2));
    let best = 0;
    let bestP = load<f32>(p + (<usize>r << 2));
    for (let k = 1; k < K; k++) {
      const pk = load<f32>(p + (<usize>(k * np + r) << 2));
      if (pk > bestP) { bestP = pk; best = k; }
    }
    // -ln p_y (f32 log: one per row, the eval's largest scalar cost), floored at the smallest
    // normal f32 so a saturated softmax gives a large, finite loss
    const l = -<f64>Mathf.log(max(py, <f32>1.1754943508222875e-38));
    const hit: f64 = best == yr ? 1 : 0;
    store<f64>(nll + (<usize>r << 3), l);
    if (j < nTrain) { trL += l; trA += hit; } else { teL += l; teA += hit; }
  }
  const nTe = N - nTrain;
  store<f64>(out, nTrain > 0 ? trL / <f64>nTrain : NaN);
  store<f64>(out, nTrain > 0 ? trA / <f64>nTrain : NaN, 8);
  store<f64>(out, nTe > 0 ? teL / <f64>nTe : NaN, 16);
  store<f64>(out, nTe > 0 ? teA / <f64>nTe : NaN, 24);
  // the output's probabilities on their levels too; loss and accuracy above use them unquantized
  if (net.quant) quantize_forward(p, p, 0, K * np, 0, 1, quant_bits(net.quant));
}

/** Quantize every layer's activations to `bits` from now on (call once, after net_create, before
 *  net_init; quantize.ts has the ranges and the rounding). */
export function net_quantize(netp: usize, bits: i32): void {
  const net = changetype<Net>(netp);
  const h = net.layers - 1;
  const widths = alloc(<u32>(max(h, 1) * 4)), acts = alloc(<u32>(max(h, 1) * 4));
  for (let l = 0; l < h; l++) {
    store<i32>(widths + (<usize>l << 2), layer(net, l).width);
    store<i32>(acts + (<usize>l << 2), layer(net, l).act);
  }
  net.quant = quant_create(bits, h, widths, acts, pad4(net.batch));
}

/** out f64[2] = the range layer l is quantized to now (the output: [0, 1]); the net must be quantized. */
export function net_quant_range(netp: usize, l: i32, out: usize): void {
  quant_range(changetype<Net>(netp).quant, l, out);
}

/** Binned MI of every layer's eval activations (after net_eval): out f64[3L] as mi_binned
 *  (modes 0 and 1). */
export function net_mi_binned(netp: usize, ctx: usize, mode: i32, p1: f64, p2: f64, nbins: i32, out: usize): void {
  const net = changetype<Net>(netp);
  const L = net.layers, N = net.rows, np = net.rowsPad, Y = net.y;
  for (let l = 0; l < L; l++) {
    const ly = layer(net, l);
    mi_binned(ctx, ly.actEval, ly.width, N, np, Y, mode, p1, p2, nbins, out + (<usize>(3 * l) << 3));
  }
}

/** 1 when every parameter is finite, else 0: the divergence check between logged epochs, one
 *  pass over f32[P] (P is a multiple of 4). v - v is 0 for a finite v and NaN otherwise. */
export function net_params_finite(netp: usize): i32 {
  const net = changetype<Net>(netp);
  const P = net.params, param = net.param;
  let acc = f32x4.splat(0);
  for (let i = 0; i < P; i += 4) {
    const v = v128.load(param + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  return i32x4.all_true(f32x4.eq(acc, acc)) ? 1 : 0;
}
