// Dense layer over [unit][sample] buffers: f32x4 lanes run across samples, because layer widths of
// 2-12 would leave vector lanes idle. B (the padded sample count) must be a multiple of 4.
import { act4, dact4 } from './activation';

// dense_forward: out [nOut][B] = act(W [nOut][nIn] . inp [nIn][B] + b [nOut])
export function dense_forward(out: usize, inp: usize, W: usize, b: usize, nIn: i32, nOut: i32, B: i32, act: i32): void {
  const rowBytes = <usize>B << 2;
  let s = 0;
  // 16 samples per pass: four accumulators share each broadcast weight.
  for (; s + 16 <= B; s += 16) {
    const so = <usize>s << 2;
    for (let o = 0; o < nOut; o++) {
      const bias = f32x4.splat(load<f32>(b + (<usize>o << 2)));
      let a0 = bias, a1 = bias, a2 = bias, a3 = bias;
      const wRow = W + (<usize>(o * nIn) << 2);
      let p = inp + so;
      for (let i = 0; i < nIn; i++) {
        const w = f32x4.splat(load<f32>(wRow + (<usize>i << 2)));
        a0 = f32x4.add(a0, f32x4.mul(w, v128.load(p)));
        a1 = f32x4.add(a1, f32x4.mul(w, v128.load(p, 16)));
        a2 = f32x4.add(a2, f32x4.mul(w, v128.load(p, 32)));
        a3 = f32x4.add(a3, f32x4.mul(w, v128.load(p, 48)));
        p += rowBytes;
      }
      const q = out + <usize>o * rowBytes + so;
      v128.store(q, act4(act, a0));
      v128.store(q, act4(act, a1), 16);
      v128.store(q, act4(act, a2), 32);
      v128.store(q, act4(act, a3), 48);
    }
  }
  for (; s < B; s += 4) {
    const so = <usize>s << 2;
    for (let o = 0; o < nOut; o++) {
      let a0 = f32x4.splat(load<f32>(b + (<usize>o << 2)));
      const wRow = W + (<usize>(o * nIn) << 2);
      let p = inp + so;
      for (let i = 0; i < nIn; i++) {
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(wRow + (<usize>i << 2))), v128.load(p)));
        p += rowBytes;
      }
      v128.store(out + <usize>o * rowBytes + so, act4(act, a0));
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// dense_backward: dOut [nOut][B] -> dW [nOut][nIn], db [nOut], and (if dInp != 0) dInp [nIn][B]
// = (W^T dOut) * f'(inp), the gradient at the previous layer's pre-activation.
export function dense_backward(dInp: usize, dW: usize, db: usize, dOut: usize, inp: usize, W: usize, nIn: i32, nOut: i32, B: i32, actIn: i32): void {
  const rowBytes = <usize>B << 2;
  for (let o = 0; o < nOut; o++) {
    const d = dOut + <usize>o * rowBytes;
    let sb = f32x4.splat(0);
    for (let s = 0; s < B; s += 4) sb = f32x4.add(sb, v128.load(d + (<usize>s << 2)));
    store<f32>(db + (<usize>o << 2), hsum(sb));
    const wRow = dW + (<usize>(o * nIn) << 2);
    for (let i = 0; i < nIn; i++) {
      const x = inp + <usize>i * rowBytes;
      let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
      let s = 0;
      for (; s + 8 <= B; s += 8) {
        const so = <usize>s << 2;
        acc0 = f32x4.add(acc0, f32x4.mul(v128.load(d + so), v128.load(x + so)));
        acc1 = f32x4.add(acc1, f32x4.mul(v128.load(d + so, 16), v128.load(x + so, 16)));
      }
      for (; s < B; s += 4) {
        const so = <usize>s << 2;
        acc0 = f32x4.add(acc0, f32x4.mul(v128.load(d + so), v128.load(x + so)));
      }
      store<f32>(wRow + (<usize>i << 2), hsum(f32x4.add(acc0, acc1)));
    }
  }
  if (dInp == 0) return;
  for (let s = 0; s < B; s += 4) {
    const so = <usize>s << 2;
    for (let i = 0; i < nIn; i++) {
      let acc = f32x4.splat(0);
      let d = dOut + so;
      for (let o = 0; o < nOut; o++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(W + (<usize>(o * nIn + i) << 2))), v128.load(d)));
        d += rowBytes;
      }
      const q = <usize>i * rowBytes + so;
      v128.store(dInp + q, f32x4.mul(acc, dact4(actIn, v128.load(inp + q))));
    }
  }
}
