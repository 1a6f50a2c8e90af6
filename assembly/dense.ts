// Dense layer over [unit][sample] buffers. Plain TypeScript twin: src/reference/dense.ts
// (refDenseForward, refDenseBackward). f32x4 lanes run across samples, because layer widths of
// 2-12 would leave vector lanes idle. B (the padded sample count) must be a multiple of 4.
// Loops are register-blocked (several outputs x 16 samples) so each load feeds several multiply-adds.
import { act4, act4x2_store, dact4, ACT_TANH, ACT_RELU } from './activation';
import { levels_of, level_step, q4, store_min_max } from './levels';
import { madd, hsum } from './util';

// dst[0 .. 4m) = init + sum_k w[k] src_k[0 .. 4m) for m = 8 or 4 vectors of one row, where src_k is
// `src + k rowBytes` and w[k] is at `w + k wStep`, k < n: one row against a column of weights, with
// eight (or four) accumulators; the caller then applies the activation or its derivative in place
// @ts-ignore: decorator
@inline function dot_row32(dst: usize, src: usize, rowBytes: usize, n: i32, w: usize, wStep: usize, init: v128): void {
  let a0 = init, a1 = init, a2 = init, a3 = init, a4 = init, a5 = init, a6 = init, a7 = init;
  for (let k = 0; k < n; k++) {
    const u = v128.load32_splat(w);
    a0 = madd(a0, u, v128.load(src)); a1 = madd(a1, u, v128.load(src, 16));
    a2 = madd(a2, u, v128.load(src, 32)); a3 = madd(a3, u, v128.load(src, 48));
    a4 = madd(a4, u, v128.load(src, 64)); a5 = madd(a5, u, v128.load(src, 80));
    a6 = madd(a6, u, v128.load(src, 96)); a7 = madd(a7, u, v128.load(src, 112));
    src += rowBytes;
    w += wStep;
  }
  v128.store(dst, a0); v128.store(dst, a1, 16); v128.store(dst, a2, 32); v128.store(dst, a3, 48);
  v128.store(dst, a4, 64); v128.store(dst, a5, 80); v128.store(dst, a6, 96); v128.store(dst, a7, 112);
}

// @ts-ignore: decorator
@inline function dot_row16(dst: usize, src: usize, rowBytes: usize, n: i32, w: usize, wStep: usize, init: v128): void {
  let a0 = init, a1 = init, a2 = init, a3 = init;
  for (let k = 0; k < n; k++) {
    const u = v128.load32_splat(w);
    a0 = madd(a0, u, v128.load(src)); a1 = madd(a1, u, v128.load(src, 16));
    a2 = madd(a2, u, v128.load(src, 32)); a3 = madd(a3, u, v128.load(src, 48));
    src += rowBytes;
    w += wStep;
  }
  v128.store(dst, a0); v128.store(dst, a1, 16); v128.store(dst, a2, 32); v128.store(dst, a3, 48);
}

// in place: four vectors of z -> act(z)
// @ts-ignore: decorator
@inline function act_inplace16(act: i32, q: usize): void {
  act4x2_store(act, q, v128.load(q), v128.load(q, 16)); act4x2_store(act, q + 32, v128.load(q, 32), v128.load(q, 48));
}

// g * f'(a), and with `mask` (a constant at the call site) 0 where a lies outside [lo, hi]: the
// straight-through rule of a quantized layer (quantize.ts), `upper` alone when a >= lo is known
// @ts-ignore: decorator
@inline function dgate(actIn: i32, g: v128, a: v128, mask: bool, upper: bool, vlo: v128, vhi: v128): v128 {
  const r = f32x4.mul(g, dact4(actIn, a));
  if (!mask) return r;
  if (upper) return v128.and(r, f32x4.le(a, vhi));
  return v128.and(r, v128.and(f32x4.ge(a, vlo), f32x4.le(a, vhi)));
}

// dInp[q .. q + 64) = acc0..acc3 * f'(inp[q .. q + 64)), four vectors of one input row (dgate)
// @ts-ignore: decorator
@inline function dinp_store4(dInp: usize, inp: usize, actIn: i32, a0: v128, a1: v128, a2: v128, a3: v128, mask: bool, upper: bool, vlo: v128, vhi: v128): void {
  v128.store(dInp, dgate(actIn, a0, v128.load(inp), mask, upper, vlo, vhi));
  v128.store(dInp, dgate(actIn, a1, v128.load(inp, 16), mask, upper, vlo, vhi), 16);
  v128.store(dInp, dgate(actIn, a2, v128.load(inp, 32), mask, upper, vlo, vhi), 32);
  v128.store(dInp, dgate(actIn, a3, v128.load(inp, 48), mask, upper, vlo, vhi), 48);
}

// in place: four vectors of W^T dOut -> times f'(inp)
// @ts-ignore: decorator
@inline function dact_inplace16(dInp: usize, inp: usize, actIn: i32, mask: bool, upper: bool, vlo: v128, vhi: v128): void {
  dinp_store4(dInp, inp, actIn, v128.load(dInp), v128.load(dInp, 16), v128.load(dInp, 32), v128.load(dInp, 48), mask, upper, vlo, vhi);
}

// dense_forward: out [nOut][B] = act(W [nOut][nIn] . inp [nIn][B] + b [nOut])
export function dense_forward(out: usize, inp: usize, W: usize, b: usize, nIn: i32, nOut: i32, B: i32, act: i32): void {
  // copies of the loops for tanh and relu, the paper's activations, with the activation a constant
  const z = f32x4.splat(0);
  if (act == ACT_TANH) forward_loops(out, inp, W, b, nIn, nOut, B, ACT_TANH, false, 0, z, z, z, z, false, false, 0);
  else if (act == ACT_RELU) forward_loops(out, inp, W, b, nIn, nOut, B, ACT_RELU, false, 0, z, z, z, z, false, false, 0);
  else forward_loops(out, inp, W, b, nIn, nOut, B, act, false, 0, z, z, z, z, false, false, 0);
}

// dense_forward_q: dense_forward into save [nOut][B] (the unquantized activations), and in the same
// pass out [nOut][B] = their levels on [lo, hi] (levels.ts, 2^bits levels; save == out allowed:
// then only the levels stay); mm f32[2] = min and max of save over all B columns (NaN left out).
export function dense_forward_q(out: usize, save: usize, inp: usize, W: usize, b: usize, nIn: i32, nOut: i32, B: i32, act: i32,
  lo: f32, hi: f32, bits: i32, mm: usize): void {
  const top = levels_of(bits), step = level_step(lo, hi, bits), inv = <f32>1.0 / step;
  const vlo = f32x4.splat(lo), vinv = f32x4.splat(inv), vstep = f32x4.splat(step), vtop = f32x4.splat(top);
  const qd = out - save;
  // the clamps go where no value can pass them: tanh lies in [-1, 1] and its top level's k is
  // floor((hi - lo) inv + 1/2) <= top; relu's values are >= 0 >= lo
  const fitTop = Mathf.floor((hi - lo) * inv + <f32>0.5) <= top;
  if (act == ACT_TANH && lo == -1 && hi == 1 && fitTop) forward_loops(save, inp, W, b, nIn, nOut, B, ACT_TANH, true, qd, vlo, vinv, vstep, vtop, false, false, mm);
  else if (act == ACT_TANH) forward_loops(save, inp, W, b, nIn, nOut, B, ACT_TANH, true, qd, vlo, vinv, vstep, vtop, true, true, mm);
  else if (act == ACT_RELU && lo <= 0) forward_loops(save, inp, W, b, nIn, nOut, B, ACT_RELU, true, qd, vlo, vinv, vstep, vtop, false, true, mm);
  else forward_loops(save, inp, W, b, nIn, nOut, B, act, true, qd, vlo, vinv, vstep, vtop, true, true, mm);
}

// the vector of activations v: to p, its levels to p + qd; returns v (for the running min/max)
// @ts-ignore: decorator
@inline function quant_put(p: usize, v: v128, qd: usize, vlo: v128, vinv: v128, vstep: v128, vtop: v128, clampLo: bool, clampHi: bool): v128 {
  v128.store(p, v);
  v128.store(p + qd, q4(v, vlo, vinv, vstep, vtop, clampLo, clampHi));
  return v;
}

// the vector of activations at p: its levels to p + qd; returns it
// @ts-ignore: decorator
@inline function quant_vec(p: usize, qd: usize, vlo: v128, vinv: v128, vstep: v128, vtop: v128, clampLo: bool, clampHi: bool): v128 {
  const v = v128.load(p);
  v128.store(p + qd, q4(v, vlo, vinv, vstep, vtop, clampLo, clampHi));
  return v;
}

// The loops of dense_forward (quant false) and dense_forward_q (quant true; qd = out - save, the
// grid splatted; everything quantization adds is under `if (quant)`, a constant at each call site).
// @ts-ignore: decorator
@inline function forward_loops(out: usize, inp: usize, W: usize, b: usize, nIn: i32, nOut: i32, B: i32, act: i32,
  quant: bool, qd: usize, vlo: v128, vinv: v128, vstep: v128, vtop: v128, clampLo: bool, clampHi: bool, mm: usize): void {
  const rowBytes = <usize>B << 2;
  // running min/max: pmin(acc, v) = v < acc ? v : acc keeps acc for a NaN v; two pairs, one per row of a block
  let mn0 = f32x4.splat(Infinity), mx0 = f32x4.splat(-Infinity), mn1 = mn0, mx1 = mx0;
  let s = 0;
  for (; s + 16 <= B; s += 16) {
    const so = <usize>s << 2;
    let o = 0;
    // two outputs x 16 samples: eight accumulators share four input loads
    for (; o + 2 <= nOut; o += 2) {
      const b0 = v128.load32_splat(b + (<usize>o << 2)), b1 = v128.load32_splat(b + (<usize>o << 2), 4);
      let a0 = b0, a1 = b0, a2 = b0, a3 = b0, c0 = b1, c1 = b1, c2 = b1, c3 = b1;
      const w0 = W + (<usize>(o * nIn) << 2), w1 = w0 + (<usize>nIn << 2);
      let p = inp + so;
      for (let i = 0; i < nIn; i++) {
        const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
        const u = v128.load32_splat(w0 + (<usize>i << 2)), v = v128.load32_splat(w1 + (<usize>i << 2));
        a0 = madd(a0, u, x0); a1 = madd(a1, u, x1); a2 = madd(a2, u, x2); a3 = madd(a3, u, x3);
        c0 = madd(c0, v, x0); c1 = madd(c1, v, x1); c2 = madd(c2, v, x2); c3 = madd(c3, v, x3);
        p += rowBytes;
      }
      const q = out + <usize>o * rowBytes + so, r = q + rowBytes;
      if (quant && act != ACT_TANH) {
        // the activations straight from the accumulators (tanh's pair code stores them itself)
        let v = quant_put(q, act4(act, a0), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        let u = quant_put(r, act4(act, c0), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v); mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        v = quant_put(q + 16, act4(act, a1), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        u = quant_put(r + 16, act4(act, c1), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v); mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        v = quant_put(q + 32, act4(act, a2), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        u = quant_put(r + 32, act4(act, c2), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v); mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        v = quant_put(q + 48, act4(act, a3), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        u = quant_put(r + 48, act4(act, c3), qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v); mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        continue;
      }
      act4x2_store(act, q, a0, a1); act4x2_store(act, q + 32, a2, a3);
      act4x2_store(act, r, c0, c1); act4x2_store(act, r + 32, c2, c3);
      if (quant) {
        for (let j: usize = 0; j < 64; j += 16) {
          const v = quant_vec(q + j, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
          const u = quant_vec(r + j, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
          mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v);
          mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        }
      }
    }
  }
  // an odd last output: 32 samples per pass (eight accumulators; with four, each add would wait
  // for the last one on the same accumulator)
  if (nOut & 1) {
    const o = nOut - 1;
    const bias = v128.load32_splat(b + (<usize>o << 2));
    const w0 = W + (<usize>(o * nIn) << 2);
    const q0 = out + <usize>o * rowBytes;
    let t = 0;
    for (; t + 32 <= s; t += 32) {
      const q = q0 + (<usize>t << 2);
      dot_row32(q, inp + (<usize>t << 2), rowBytes, nIn, w0, 4, bias);
      act_inplace16(act, q); act_inplace16(act, q + 64);
      if (quant) {
        for (let j: usize = 0; j < 64; j += 16) {
          const v = quant_vec(q + j, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
          const u = quant_vec(q + 64 + j, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
          mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v);
          mn1 = f32x4.pmin(mn1, u); mx1 = f32x4.pmax(mx1, u);
        }
      }
    }
    for (; t < s; t += 16) {
      const q = q0 + (<usize>t << 2);
      dot_row16(q, inp + (<usize>t << 2), rowBytes, nIn, w0, 4, bias);
      act_inplace16(act, q);
      if (quant) {
        for (let j: usize = 0; j < 64; j += 16) {
          const v = quant_vec(q + j, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
          mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v);
        }
      }
    }
  }
  for (; s < B; s += 4) {
    const so = <usize>s << 2;
    for (let o = 0; o < nOut; o++) {
      let a0 = v128.load32_splat(b + (<usize>o << 2));
      const w0 = W + (<usize>(o * nIn) << 2);
      let p = inp + so;
      for (let i = 0; i < nIn; i++) {
        a0 = madd(a0, v128.load32_splat(w0 + (<usize>i << 2)), v128.load(p));
        p += rowBytes;
      }
      const q = out + <usize>o * rowBytes + so;
      v128.store(q, act4(act, a0));
      if (quant) {
        const v = quant_vec(q, qd, vlo, vinv, vstep, vtop, clampLo, clampHi);
        mn0 = f32x4.pmin(mn0, v); mx0 = f32x4.pmax(mx0, v);
      }
    }
  }
  if (quant) {
    // the accumulators hold no NaN, so the pairs combine in any order
    store_min_max(mm, f32x4.pmin(mn0, mn1), f32x4.pmax(mx0, mx1), Infinity, -Infinity);
  }
}

// dense_backward: dOut [nOut][B] -> dW [nOut][nIn], db [nOut], and (if dInp != 0) dInp [nIn][B]
// = (W^T dOut) * f'(inp), the gradient at the previous layer's pre-activation.
export function dense_backward(dInp: usize, dW: usize, db: usize, dOut: usize, inp: usize, W: usize, nIn: i32, nOut: i32, B: i32, actIn: i32): void {
  dense_param_grad(dW, db, dOut, inp, nIn, nOut, B);
  if (dInp != 0) dense_input_grad(dInp, dOut, inp, W, nIn, nIn, nOut, B, actIn);
}

// The two halves of dense_backward, which threads share out separately: dW and db by output units,
// dInp by input units (a slice of inputs [lo, hi) is dInp + lo B, inp + lo B, W + lo, hi - lo
// inputs, with wStride = the full fan in).
export function dense_param_grad(dW: usize, db: usize, dOut: usize, inp: usize, nIn: i32, nOut: i32, B: i32): void {
  bias_grad(db, dOut, nOut, B);
  weight_grad(dW, dOut, inp, nIn, nOut, B);
}

export function dense_input_grad(dInp: usize, dOut: usize, inp: usize, W: usize, nIn: i32, wStride: i32, nOut: i32, B: i32, actIn: i32): void {
  const z = f32x4.splat(0);
  if (actIn == ACT_TANH) input_grad(dInp, dOut, inp, W, nIn, wStride, nOut, B, ACT_TANH, false, false, z, z);
  else if (actIn == ACT_RELU) input_grad(dInp, dOut, inp, W, nIn, wStride, nOut, B, ACT_RELU, false, false, z, z);
  else input_grad(dInp, dOut, inp, W, nIn, wStride, nOut, B, actIn, false, false, z, z);
}

// dense_input_grad_q: dense_input_grad into a quantized layer, straight through its levels:
// dInp = (W^T dOut) * f'(save) where lo <= save <= hi, else 0, save [nIn][B] its unquantized
// activations (quantize_backward's rule in the same pass).
export function dense_input_grad_q(dInp: usize, dOut: usize, save: usize, W: usize, nIn: i32, wStride: i32, nOut: i32, B: i32, actIn: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  // tanh on [-1, 1] passes everything (a NaN has diverged the net anyway); relu's values are >= lo <= 0
  if (actIn == ACT_TANH && lo <= -1 && hi >= 1) input_grad(dInp, dOut, save, W, nIn, wStride, nOut, B, ACT_TANH, false, false, vlo, vhi);
  else if (actIn == ACT_TANH) input_grad(dInp, dOut, save, W, nIn, wStride, nOut, B, ACT_TANH, true, false, vlo, vhi);
  else if (actIn == ACT_RELU && lo <= 0) input_grad(dInp, dOut, save, W, nIn, wStride, nOut, B, ACT_RELU, true, true, vlo, vhi);
  else input_grad(dInp, dOut, save, W, nIn, wStride, nOut, B, actIn, true, false, vlo, vhi);
}

// db [nOut] = sum over the B columns of dOut [nOut][B]
// @ts-ignore: decorator
@inline function bias_grad(db: usize, dOut: usize, nOut: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  let o = 0;
  // four outputs per pass, so four independent add chains are in flight (one chain waits
  // for each add's latency)
  for (; o + 4 <= nOut; o += 4) {
    const d = dOut + <usize>o * rowBytes;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let s: usize = 0; s < rowBytes; s += 16) {
      s0 = f32x4.add(s0, v128.load(d + s)); s1 = f32x4.add(s1, v128.load(d + rowBytes + s));
      s2 = f32x4.add(s2, v128.load(d + 2 * rowBytes + s)); s3 = f32x4.add(s3, v128.load(d + 3 * rowBytes + s));
    }
    const q = db + (<usize>o << 2);
    store<f32>(q, hsum(s0)); store<f32>(q, hsum(s1), 4); store<f32>(q, hsum(s2), 8); store<f32>(q, hsum(s3), 12);
  }
  for (; o + 2 <= nOut; o += 2) {
    const d = dOut + <usize>o * rowBytes;
    let s0 = f32x4.splat(0), s1 = s0;
    for (let s: usize = 0; s < rowBytes; s += 16) { s0 = f32x4.add(s0, v128.load(d + s)); s1 = f32x4.add(s1, v128.load(d + rowBytes + s)); }
    store<f32>(db + (<usize>o << 2), hsum(s0)); store<f32>(db + (<usize>o << 2), hsum(s1), 4);
  }
  for (; o < nOut; o++) {
    const d = dOut + <usize>o * rowBytes;
    let sb = f32x4.splat(0);
    for (let s: usize = 0; s < rowBytes; s += 16) sb = f32x4.add(sb, v128.load(d + s));
    store<f32>(db + (<usize>o << 2), hsum(sb));
  }
}

// dW [nOut][nIn] = dOut [nOut][B] . inp [nIn][B]^T
// @ts-ignore: decorator
@inline function weight_grad(dW: usize, dOut: usize, inp: usize, nIn: i32, nOut: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  let o = 0;
  // two outputs x four inputs per pass over the samples: six loads feed eight dot products
  for (; o + 2 <= nOut; o += 2) {
    const d0 = dOut + <usize>o * rowBytes, d1 = d0 + rowBytes;
    const w0 = dW + (<usize>(o * nIn) << 2), w1 = w0 + (<usize>nIn << 2);
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      const x0 = inp + <usize>i * rowBytes, x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      for (let s: usize = 0; s < rowBytes; s += 16) {
        const g = v128.load(d0 + s), h = v128.load(d1 + s);
        const u0 = v128.load(x0 + s), u1 = v128.load(x1 + s), u2 = v128.load(x2 + s), u3 = v128.load(x3 + s);
        a0 = madd(a0, g, u0); a1 = madd(a1, g, u1); a2 = madd(a2, g, u2); a3 = madd(a3, g, u3);
        c0 = madd(c0, h, u0); c1 = madd(c1, h, u1); c2 = madd(c2, h, u2); c3 = madd(c3, h, u3);
      }
      const q = w0 + (<usize>i << 2), r = w1 + (<usize>i << 2);
      store<f32>(q, hsum(a0)); store<f32>(q, hsum(a1), 4); store<f32>(q, hsum(a2), 8); store<f32>(q, hsum(a3), 12);
      store<f32>(r, hsum(c0)); store<f32>(r, hsum(c1), 4); store<f32>(r, hsum(c2), 8); store<f32>(r, hsum(c3), 12);
    }
    for (; i + 2 <= nIn; i += 2) {
      const x0 = inp + <usize>i * rowBytes, x1 = x0 + rowBytes;
      let a0 = f32x4.splat(0), a1 = a0, c0 = a0, c1 = a0;
      for (let s: usize = 0; s < rowBytes; s += 16) {
        const g = v128.load(d0 + s), h = v128.load(d1 + s), u0 = v128.load(x0 + s), u1 = v128.load(x1 + s);
        a0 = madd(a0, g, u0); a1 = madd(a1, g, u1); c0 = madd(c0, h, u0); c1 = madd(c1, h, u1);
      }
      const q = w0 + (<usize>i << 2), r = w1 + (<usize>i << 2);
      store<f32>(q, hsum(a0)); store<f32>(q, hsum(a1), 4); store<f32>(r, hsum(c0)); store<f32>(r, hsum(c1), 4);
    }
    if (i < nIn) {
      const x0 = inp + <usize>i * rowBytes;
      let a0 = f32x4.splat(0), c0 = a0;
      for (let s: usize = 0; s < rowBytes; s += 16) {
        const u0 = v128.load(x0 + s);
        a0 = madd(a0, v128.load(d0 + s), u0); c0 = madd(c0, v128.load(d1 + s), u0);
      }
      store<f32>(w0 + (<usize>i << 2), hsum(a0)); store<f32>(w1 + (<usize>i << 2), hsum(c0));
    }
  }
  if (o < nOut) {
    // the last output of an odd width: four inputs at a time
    const d = dOut + <usize>o * rowBytes;
    const wRow = dW + (<usize>(o * nIn) << 2);
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      const x0 = inp + <usize>i * rowBytes, x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let s: usize = 0; s < rowBytes; s += 16) {
        const g = v128.load(d + s);
        a0 = madd(a0, g, v128.load(x0 + s)); a1 = madd(a1, g, v128.load(x1 + s));
        a2 = madd(a2, g, v128.load(x2 + s)); a3 = madd(a3, g, v128.load(x3 + s));
      }
      const q = wRow + (<usize>i << 2);
      store<f32>(q, hsum(a0)); store<f32>(q, hsum(a1), 4); store<f32>(q, hsum(a2), 8); store<f32>(q, hsum(a3), 12);
    }
    for (; i < nIn; i++) {
      const x0 = inp + <usize>i * rowBytes;
      let a0 = f32x4.splat(0);
      for (let s: usize = 0; s < rowBytes; s += 16) a0 = madd(a0, v128.load(d + s), v128.load(x0 + s));
      store<f32>(wRow + (<usize>i << 2), hsum(a0));
    }
  }
}

// dInp [nIn][B] = (W [nOut][nIn]^T . dOut [nOut][B]) * f'(inp [nIn][B]), f the activation actIn
// @ts-ignore: decorator
@inline function input_grad(dInp: usize, dOut: usize, inp: usize, W: usize, nIn: i32, wStride: i32, nOut: i32, B: i32, actIn: i32,
  mask: bool, upper: bool, vlo: v128, vhi: v128): void {
  const rowBytes = <usize>B << 2, wStep = <usize>wStride << 2;
  let s = 0;
  for (; s + 16 <= B; s += 16) {
    const so = <usize>s << 2;
    let i = 0;
    // two inputs x 16 samples: eight accumulators share four loads of dOut
    for (; i + 2 <= nIn; i += 2) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      let d = dOut + so;
      let w = W + (<usize>i << 2);
      for (let o = 0; o < nOut; o++) {
        const u = v128.load32_splat(w), v = v128.load32_splat(w, 4);
        const g0 = v128.load(d), g1 = v128.load(d, 16), g2 = v128.load(d, 32), g3 = v128.load(d, 48);
        a0 = madd(a0, u, g0); a1 = madd(a1, u, g1); a2 = madd(a2, u, g2); a3 = madd(a3, u, g3);
        c0 = madd(c0, v, g0); c1 = madd(c1, v, g1); c2 = madd(c2, v, g2); c3 = madd(c3, v, g3);
        d += rowBytes;
        w += wStep;
      }
      const q = <usize>i * rowBytes + so, r = q + rowBytes;
      dinp_store4(dInp + q, inp + q, actIn, a0, a1, a2, a3, mask, upper, vlo, vhi);
      dinp_store4(dInp + r, inp + r, actIn, c0, c1, c2, c3, mask, upper, vlo, vhi);
    }
  }
  // an odd last input: 32 samples per pass, as in forward_loops
  if (nIn & 1) {
    const i = nIn - 1;
    const q0 = <usize>i * rowBytes, wi = W + (<usize>i << 2);
    let t = 0;
    for (; t + 32 <= s; t += 32) {
      const q = q0 + (<usize>t << 2);
      dot_row32(dInp + q, dOut + (<usize>t << 2), rowBytes, nOut, wi, wStep, f32x4.splat(0));
      dact_inplace16(dInp + q, inp + q, actIn, mask, upper, vlo, vhi); dact_inplace16(dInp + q + 64, inp + q + 64, actIn, mask, upper, vlo, vhi);
    }
    for (; t < s; t += 16) {
      const q = q0 + (<usize>t << 2);
      dot_row16(dInp + q, dOut + (<usize>t << 2), rowBytes, nOut, wi, wStep, f32x4.splat(0));
      dact_inplace16(dInp + q, inp + q, actIn, mask, upper, vlo, vhi);
    }
  }
  for (; s < B; s += 4) {
    const so = <usize>s << 2;
    for (let i = 0; i < nIn; i++) {
      let acc = f32x4.splat(0);
      let d = dOut + so;
      for (let o = 0; o < nOut; o++) {
        acc = madd(acc, v128.load32_splat(W + (<usize>(o * wStride + i) << 2)), v128.load(d));
        d += rowBytes;
      }
      const q = <usize>i * rowBytes + so;
      v128.store(dInp + q, dgate(actIn, acc, v128.load(inp + q), mask, upper, vlo, vhi));
    }
  }
}
