// A fully connected network and its training epoch. net_create computes every buffer offset in one
// place; everything is allocated once, so an epoch never allocates.
import { alloc } from './memory';
import { rng_seed, rng_shuffle, init_truncated_normal } from './rng';
import { dense_forward, dense_backward } from './dense';
import { softmax_ce_forward, softmax_ce_backward } from './softmax';
import { sgd_step, momentum_step, adam_step } from './optim';
import { ACT_LINEAR } from './activation';
import { mi_binned } from './entropy';

export const OPT_SGD = 0;
export const OPT_MOMENTUM = 1;
export const OPT_ADAM = 2;
const MAX_LAYERS = 32;

// Network header: i32 fields (docs/ABI.md lists them; net_field reads them).
export const NF_LAYERS = 0;     // L dense layers, the last one softmax
export const NF_BATCH = 1;      // max batch size
export const NF_ROWS = 2;       // N rows of the whole dataset
export const NF_ROWS_PAD = 3;   // N rounded up to 4: the stride of X and of eval activations
export const NF_CLASSES = 4;    // K
export const NF_PARAMS = 5;     // P parameters (all W then b per layer, contiguous)
export const NF_PARAM = 6;      // f32[P]
export const NF_GRAD = 7;       // f32[P]
export const NF_OPT_M = 8;      // f32[P] momentum / Adam first moment
export const NF_OPT_V = 9;      // f32[P] Adam second moment
export const NF_GSUM = 10;      // f64[P] sum over an epoch's mini-batch gradients
export const NF_GSQ = 11;       // f64[L] sum over mini-batches of ||dW_l||^2
export const NF_X = 12;         // f32 [nIn][Npad]: all inputs, [unit][sample]
export const NF_Y = 13;         // i32 [Npad]: all labels
export const NF_IDX = 14;       // i32 [N]: row order; the first nTrain rows are the training set
export const NF_XB = 15;        // f32 [nIn4][Bpad]: the gathered mini-batch
export const NF_YB = 16;        // i32 [Bpad]
export const NF_DELTA_A = 17;   // f32 [maxWidth][Bpad]
export const NF_DELTA_B = 18;   // f32 [maxWidth][Bpad]
export const NF_RNG_ORDER = 19; // xoshiro state for batch order
export const NF_STEP = 20;      // optimizer step count t
export const NF_NLL = 21;       // f64 [Npad]: per-row loss of the last net_eval
export const NF_INPUTS = 22;    // nIn
export const NF_RNG_INIT = 23;  // xoshiro state for weight init
export const NF_XR = 24;        // f32 [N][nIn4]: the inputs row-major (nIn4 = nIn rounded up to 4), for the batch gather
export const NF_XR_ROWS = 25;   // rows of XR filled from X so far: 0 until the first training epoch
const NF_LAYER0 = 32;
// Per-layer block (i32 fields) at NF_LAYER0 + 8 * l.
export const LF_IN = 0;         // fan in
export const LF_OUT = 1;        // width
export const LF_ACT = 2;        // activation code (the last layer: softmax, stored as linear)
export const LF_W = 3;          // W offset in the parameter vector (elements)
export const LF_B = 4;          // b offset in the parameter vector (elements)
export const LF_ACT_TRAIN = 5;  // f32 [width][Bpad] activations of the current mini-batch
export const LF_ACT_EVAL = 6;   // f32 [width][Npad] activations of all rows (net_eval)

// @ts-ignore: decorator
@inline function gf(net: usize, f: i32): i32 { return load<i32>(net + (<usize>f << 2)); }
// @ts-ignore: decorator
@inline function sf(net: usize, f: i32, v: i32): void { store<i32>(net + (<usize>f << 2), v); }
// @ts-ignore: decorator
@inline function lf(net: usize, l: i32, f: i32): i32 { return load<i32>(net + (<usize>(NF_LAYER0 + 8 * l + f) << 2)); }
// @ts-ignore: decorator
@inline function slf(net: usize, l: i32, f: i32, v: i32): void { store<i32>(net + (<usize>(NF_LAYER0 + 8 * l + f) << 2), v); }
// @ts-ignore: decorator
@inline function pad4(n: i32): i32 { return (n + 3) & ~3; }

export function net_field(net: usize, f: i32): i32 { return gf(net, f); }
export function net_layer_field(net: usize, l: i32, f: i32): i32 { return lf(net, l, f); }

/** widths i32[L+1] (inputs first, classes last), acts i32[L-1] for the hidden layers. */
export function net_create(widths: usize, acts: usize, L: i32, batch: i32, nRows: i32): usize {
  if (L < 1 || L > MAX_LAYERS) unreachable();
  const net = alloc(<u32>((NF_LAYER0 + 8 * MAX_LAYERS) * 4));
  const bp = pad4(batch), np = pad4(nRows);
  const nIn = load<i32>(widths);
  const K = load<i32>(widths + (<usize>L << 2));
  sf(net, NF_LAYERS, L); sf(net, NF_BATCH, batch); sf(net, NF_ROWS, nRows); sf(net, NF_ROWS_PAD, np);
  sf(net, NF_CLASSES, K); sf(net, NF_INPUTS, nIn);
  let P = 0, maxW = nIn;
  for (let l = 0; l < L; l++) {
    const fi = load<i32>(widths + (<usize>l << 2)), fo = load<i32>(widths + (<usize>(l + 1) << 2));
    slf(net, l, LF_IN, fi); slf(net, l, LF_OUT, fo);
    slf(net, l, LF_ACT, l < L - 1 ? load<i32>(acts + (<usize>l << 2)) : ACT_LINEAR);
    slf(net, l, LF_W, P); P += fi * fo;
    slf(net, l, LF_B, P); P += fo;
    P = pad4(P); // every layer's W starts 16-byte aligned
    maxW = max(maxW, fo);
  }
  sf(net, NF_PARAMS, P);
  sf(net, NF_PARAM, <i32>alloc(<u32>(P * 4)));
  sf(net, NF_GRAD, <i32>alloc(<u32>(P * 4)));
  sf(net, NF_OPT_M, <i32>alloc(<u32>(P * 4)));
  sf(net, NF_OPT_V, <i32>alloc(<u32>(P * 4)));
  sf(net, NF_GSUM, <i32>alloc(<u32>(P * 8)));
  sf(net, NF_GSQ, <i32>alloc(<u32>(L * 8)));
  sf(net, NF_X, <i32>alloc(<u32>(nIn * np * 4)));
  sf(net, NF_Y, <i32>alloc(<u32>(np * 4)));
  sf(net, NF_IDX, <i32>alloc(<u32>(np * 4)));
  const nIn4 = pad4(nIn);
  sf(net, NF_XR, <i32>alloc(<u32>(np * nIn4 * 4)));
  sf(net, NF_XB, <i32>alloc(<u32>(nIn4 * bp * 4))); // nIn4 rows: the gather writes whole 4 x 4 blocks
  sf(net, NF_YB, <i32>alloc(<u32>(bp * 4)));
  sf(net, NF_DELTA_A, <i32>alloc(<u32>(maxW * bp * 4)));
  sf(net, NF_DELTA_B, <i32>alloc(<u32>(maxW * bp * 4)));
  sf(net, NF_RNG_ORDER, <i32>alloc(16));
  sf(net, NF_RNG_INIT, <i32>alloc(16));
  sf(net, NF_NLL, <i32>alloc(<u32>(np * 8)));
  for (let l = 0; l < L; l++) {
    const fo = lf(net, l, LF_OUT);
    slf(net, l, LF_ACT_TRAIN, <i32>alloc(<u32>(fo * bp * 4)));
    slf(net, l, LF_ACT_EVAL, <i32>alloc(<u32>(fo * np * 4)));
  }
  for (let i = 0; i < nRows; i++) store<i32>(<usize>gf(net, NF_IDX) + (<usize>i << 2), i);
  return net;
}

/** Fresh weights (truncated normal, std = 1/sqrt(fan_in) or 1/sqrt(fan_out)), zero biases and
 *  optimizer state, and the batch-order stream, all from one seed. */
export function net_init(net: usize, seed: u32, fanOut: bool): void {
  const L = gf(net, NF_LAYERS), P = gf(net, NF_PARAMS);
  const param = <usize>gf(net, NF_PARAM);
  memory.fill(param, 0, <usize>P << 2);
  memory.fill(<usize>gf(net, NF_OPT_M), 0, <usize>P << 2);
  memory.fill(<usize>gf(net, NF_OPT_V), 0, <usize>P << 2);
  const rs = <usize>gf(net, NF_RNG_INIT);
  rng_seed(rs, seed, 2);
  for (let l = 0; l < L; l++) {
    const fi = lf(net, l, LF_IN), fo = lf(net, l, LF_OUT);
    const std = 1.0 / Math.sqrt(<f64>(fanOut ? fo : fi));
    init_truncated_normal(rs, param + (<usize>lf(net, l, LF_W) << 2), fi * fo, std);
  }
  rng_seed(<usize>gf(net, NF_RNG_ORDER), seed, 3);
  sf(net, NF_STEP, 0);
}

/** Forward a [nIn][B] input through all layers into the activation buffers of `which`
 *  (LF_ACT_TRAIN or LF_ACT_EVAL); the last layer holds softmax probabilities. */
function forward(net: usize, x: usize, B: i32, which: i32): void {
  const L = gf(net, NF_LAYERS), param = <usize>gf(net, NF_PARAM);
  let inp = x;
  for (let l = 0; l < L; l++) {
    const out = <usize>lf(net, l, which);
    dense_forward(out, inp, param + (<usize>lf(net, l, LF_W) << 2), param + (<usize>lf(net, l, LF_B) << 2),
      lf(net, l, LF_IN), lf(net, l, LF_OUT), B, lf(net, l, LF_ACT));
    inp = out;
  }
  const last = <usize>lf(net, L - 1, which);
  softmax_ce_forward(last, last, 0, gf(net, NF_CLASSES), B, 0);
}

/** XR, the row-major copy of X the gather reads, built on the first training epoch (the host
 *  writes X, [unit][row], for the eval; a host that rewrites X afterwards sets field 25 to 0). */
function ensure_rows(net: usize): void {
  const N = gf(net, NF_ROWS);
  if (gf(net, NF_XR_ROWS) == N) return;
  const nIn = gf(net, NF_INPUTS), nIn4 = pad4(nIn), np = gf(net, NF_ROWS_PAD);
  const X = <usize>gf(net, NF_X), XR = <usize>gf(net, NF_XR);
  for (let r = 0; r < N; r++) {
    for (let i = 0; i < nIn4; i++) store<f32>(XR + (<usize>(r * nIn4 + i) << 2), i < nIn ? load<f32>(X + (<usize>(i * np + r) << 2)) : 0);
  }
  sf(net, NF_XR_ROWS, N);
}

// gather_batch: rows order[0..n) of XR -> xb [nIn4][B] (columns n..B zero), labels -> yb [B].
// Four rows at a time: four 4-float loads per feature block, transposed with shuffles.
function gather_batch(net: usize, xb: usize, yb: usize, order: usize, n: i32, B: i32): void {
  const nIn4 = pad4(gf(net, NF_INPUTS));
  const XR = <usize>gf(net, NF_XR), Y = <usize>gf(net, NF_Y);
  const rowBytes = <usize>nIn4 << 2, colBytes = <usize>B << 2;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
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
  for (; s < B; s++) {
    const r = s < n ? load<i32>(order + (<usize>s << 2)) : -1;
    store<i32>(yb + (<usize>s << 2), r >= 0 ? load<i32>(Y + (<usize>r << 2)) : 0);
    for (let i = 0; i < nIn4; i++) {
      store<f32>(xb + (<usize>(i * B + s) << 2), r >= 0 ? load<f32>(XR + <usize>r * rowBytes + (<usize>i << 2)) : 0);
    }
  }
}

/** One epoch of mini-batch training over rows idx[0..nTrain), in one call. Batches are contiguous
 *  slices of idx (shuffled first when `shuffle`); the last batch may be smaller. With `gradStats`
 *  the mini-batch gradients of every weight matrix are accumulated for net_grad_stats. Returns
 *  the number of mini-batches. */
export function net_train_epoch(net: usize, nTrain: i32, opt: i32, lr: f32, mu: f32, shuffle: bool, gradStats: bool): i32 {
  const L = gf(net, NF_LAYERS), P = gf(net, NF_PARAMS), batch = gf(net, NF_BATCH), K = gf(net, NF_CLASSES);
  const param = <usize>gf(net, NF_PARAM), grad = <usize>gf(net, NF_GRAD), idx = <usize>gf(net, NF_IDX);
  const xb = <usize>gf(net, NF_XB), yb = <usize>gf(net, NF_YB);
  ensure_rows(net);
  if (shuffle) rng_shuffle(<usize>gf(net, NF_RNG_ORDER), idx, nTrain);
  let nb = 0;
  for (let start = 0; start < nTrain; start += batch) {
    const n = min(batch, nTrain - start), B = pad4(n);
    gather_batch(net, xb, yb, idx + (<usize>start << 2), n, B);
    forward(net, xb, B, LF_ACT_TRAIN);
    let dOut = <usize>gf(net, NF_DELTA_A), dIn = <usize>gf(net, NF_DELTA_B);
    softmax_ce_backward(dOut, <usize>lf(net, L - 1, LF_ACT_TRAIN), yb, K, B, n);
    for (let l = L - 1; l >= 0; l--) {
      const inp = l > 0 ? <usize>lf(net, l - 1, LF_ACT_TRAIN) : xb;
      dense_backward(l > 0 ? dIn : 0, grad + (<usize>lf(net, l, LF_W) << 2), grad + (<usize>lf(net, l, LF_B) << 2),
        dOut, inp, param + (<usize>lf(net, l, LF_W) << 2), lf(net, l, LF_IN), lf(net, l, LF_OUT), B,
        l > 0 ? lf(net, l - 1, LF_ACT) : ACT_LINEAR);
      const t = dOut; dOut = dIn; dIn = t;
    }
    if (gradStats) accumulate_grad_stats(net);
    const step = gf(net, NF_STEP) + 1;
    sf(net, NF_STEP, step);
    if (opt == OPT_ADAM) adam_step(param, grad, <usize>gf(net, NF_OPT_M), <usize>gf(net, NF_OPT_V), P, lr, 0.9, 0.999, 1e-8, step);
    else if (opt == OPT_MOMENTUM) momentum_step(param, grad, <usize>gf(net, NF_OPT_M), P, lr, mu);
    else sgd_step(param, grad, P, lr);
    nb++;
  }
  return nb;
}

function accumulate_grad_stats(net: usize): void {
  const L = gf(net, NF_LAYERS), grad = <usize>gf(net, NF_GRAD), gsum = <usize>gf(net, NF_GSUM), gsq = <usize>gf(net, NF_GSQ);
  for (let l = 0; l < L; l++) {
    const w0 = lf(net, l, LF_W), n = lf(net, l, LF_IN) * lf(net, l, LF_OUT);
    let sq: f64 = 0;
    for (let i = w0; i < w0 + n; i++) {
      const g = <f64>load<f32>(grad + (<usize>i << 2));
      const p = gsum + (<usize>i << 3);
      store<f64>(p, load<f64>(p) + g);
      sq += g * g;
    }
    const q = gsq + (<usize>l << 3);
    store<f64>(q, load<f64>(q) + sq);
  }
}

/** Per weight matrix over the nb accumulated mini-batch gradients g_b (docs/SCIENCE.md §3):
 *  out[2l] = ||mean_b g_b||, out[2l+1] = sqrt(mean_b ||g_b - mean||^2). Clears the accumulators. */
export function net_grad_stats(net: usize, nb: i32, out: usize): void {
  const L = gf(net, NF_LAYERS), gsum = <usize>gf(net, NF_GSUM), gsq = <usize>gf(net, NF_GSQ);
  const inv = 1.0 / <f64>nb;
  for (let l = 0; l < L; l++) {
    const w0 = lf(net, l, LF_W), n = lf(net, l, LF_IN) * lf(net, l, LF_OUT);
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
  const N = gf(net, NF_ROWS), np = gf(net, NF_ROWS_PAD), K = gf(net, NF_CLASSES), L = gf(net, NF_LAYERS);
  const Y = <usize>gf(net, NF_Y), idx = <usize>gf(net, NF_IDX), nll = <usize>gf(net, NF_NLL);
  forward(net, <usize>gf(net, NF_X), np, LF_ACT_EVAL);
  const p = <usize>lf(net, L - 1, LF_ACT_EVAL);
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
}

/** Binned MI of every layer's eval activations (after net_eval): out f64[3L] as mi_binned. */
export function net_mi_binned(net: usize, ctx: usize, mode: i32, p1: f64, p2: f64, nbins: i32, out: usize): void {
  const L = gf(net, NF_LAYERS), N = gf(net, NF_ROWS), np = gf(net, NF_ROWS_PAD), Y = <usize>gf(net, NF_Y);
  for (let l = 0; l < L; l++) {
    mi_binned(ctx, <usize>lf(net, l, LF_ACT_EVAL), lf(net, l, LF_OUT), N, np, Y, mode, p1, p2, nbins, out + (<usize>(3 * l) << 3));
  }
}

/** 1 when every parameter is finite, else 0: the divergence check between logged epochs, one
 *  pass over f32[P] (P is a multiple of 4). v - v is 0 for a finite v and NaN otherwise. */
export function net_params_finite(net: usize): i32 {
  const P = gf(net, NF_PARAMS), param = <usize>gf(net, NF_PARAM);
  let acc = f32x4.splat(0);
  for (let i = 0; i < P; i += 4) {
    const v = v128.load(param + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  return i32x4.all_true(f32x4.eq(acc, acc)) ? 1 : 0;
}
