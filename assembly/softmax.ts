// Plain TypeScript twin: src/reference/softmax.ts (refSoftmaxCeForward, refSoftmaxCeBackward).
// Softmax output with mean cross-entropy over the first n samples of a [K][B] buffer, four samples
// per f32x4 (any K).

// e^x for four lanes: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-7 polynomial (Cephes expf
// coefficients), scaled by 2^n through the exponent bits. Relative error ~2 ulp; underflows to ~0.
const EXP_HI: f32 = 88.3762626647949, EXP_LO: f32 = -87.3365478515625, LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375, LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4, P1: f32 = 1.3981999507e-3, P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2, P4: f32 = 1.6666665459e-1, P5: f32 = 5.0000001201e-1;
// pre-splatted in memory: one load each instead of a rebuilt v128.const (see activation.ts)
const EXP_K = memory.data<f32>([
  EXP_HI, EXP_HI, EXP_HI, EXP_HI, EXP_LO, EXP_LO, EXP_LO, EXP_LO, LOG2E, LOG2E, LOG2E, LOG2E,
  LN2_HI, LN2_HI, LN2_HI, LN2_HI, LN2_LO, LN2_LO, LN2_LO, LN2_LO,
  P0, P0, P0, P0, P1, P1, P1, P1, P2, P2, P2, P2, P3, P3, P3, P3, P4, P4, P4, P4, P5, P5, P5, P5,
  1, 1, 1, 1], 16);
// @ts-ignore: decorator
@inline function ek(i: i32): v128 { return v128.load(EXP_K + (<usize>i << 4)); }

// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, ek(0)), ek(1)); // NaN stays NaN, as with min/max
  const n = f32x4.nearest(f32x4.mul(x, ek(2)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, ek(3))), f32x4.mul(n, ek(4)));
  let p = f32x4.add(f32x4.mul(ek(5), r), ek(6));
  p = f32x4.add(f32x4.mul(p, r), ek(7));
  p = f32x4.add(f32x4.mul(p, r), ek(8));
  p = f32x4.add(f32x4.mul(p, r), ek(9));
  p = f32x4.add(f32x4.mul(p, r), ek(10));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), ek(11));
  // 2^n: n in [-126, 127] after the clamp, so n + 127 is a valid biased exponent
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

// softmax_ce_forward: z [K][B] -> p [K][B] (in place allowed); returns mean CE over s < n if y != 0
export function softmax_ce_forward(p: usize, z: usize, y: usize, K: i32, B: i32, n: i32): f64 {
  const rowBytes = <usize>B << 2;
  let loss: f64 = 0;
  for (let s = 0; s < B; s += 4) {
    const col = <usize>s << 2;
    let m = v128.load(z + col);
    for (let k = 1; k < K; k++) m = f32x4.pmax(m, v128.load(z + <usize>k * rowBytes + col));
    if (y != 0) {
      // ln(sum_k e^(z_k - m)) - (z_y - m), before p overwrites z: finite even if e^(z_y - m) underflows
      for (let j = 0; j < 4 && s + j < n; j++) {
        const c = col + (<usize>j << 2);
        const mj = <f64>load<f32>(z + c);
        let mx = mj;
        for (let k = 1; k < K; k++) mx = Math.max(mx, <f64>load<f32>(z + <usize>k * rowBytes + c));
        let sum: f64 = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(<f64>load<f32>(z + <usize>k * rowBytes + c) - mx);
        loss += Math.log(sum) - (<f64>load<f32>(z + <usize>load<i32>(y + c) * rowBytes + c) - mx);
      }
    }
    if (K == 2) {
      // two classes: one exp4. The larger logit's e^(m - m) is exactly 1 for a finite m, and NaN
      // when m is infinite or NaN, as exp4 gives; 1 + (m - m) is both. Same bits as the general
      // loop: 0 + e_a + e_b = e_b + e_a, and p = e * (1 / sum).
      const z0 = v128.load(z + col), z1 = v128.load(z + rowBytes + col);
      const second = f32x4.lt(z0, z1); // m = z1 there; elsewhere m = z0 and the other logit is z1 (NaN too)
      const e = exp4(f32x4.sub(v128.bitselect(z0, z1, second), m));
      const em = f32x4.add(ek(11), f32x4.sub(m, m));
      const inv = f32x4.div(ek(11), f32x4.add(em, e));
      const pm = f32x4.mul(em, inv), pe = f32x4.mul(e, inv);
      v128.store(p + col, v128.bitselect(pe, pm, second));
      v128.store(p + rowBytes + col, v128.bitselect(pm, pe, second));
      continue;
    }
    let sum = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      const q = p + <usize>k * rowBytes + col;
      const e = exp4(f32x4.sub(v128.load(z + <usize>k * rowBytes + col), m));
      v128.store(q, e);
      sum = f32x4.add(sum, e);
    }
    const inv = f32x4.div(f32x4.splat(1), sum);
    for (let k = 0; k < K; k++) {
      const q = p + <usize>k * rowBytes + col;
      v128.store(q, f32x4.mul(v128.load(q), inv));
    }
  }
  return n > 0 ? loss / <f64>n : 0;
}

// softmax_ce_backward: dz [K][B] = (p - onehot(y)) / n for s < n, 0 in padding columns
export function softmax_ce_backward(dz: usize, p: usize, y: usize, K: i32, B: i32, n: i32): void {
  const rowBytes = <usize>B << 2;
  const inv = f32x4.splat(<f32>1.0 / <f32>n), one = f32x4.splat(1);
  const lane = i32x4(0, 1, 2, 3), vn = i32x4.splat(n);
  for (let s = 0; s < B; s += 4) {
    const col = <usize>s << 2;
    const live = i32x4.lt_s(i32x4.add(lane, i32x4.splat(s)), vn);
    const yv = v128.load(y + col);
    for (let k = 0; k < K; k++) {
      const target = v128.and(i32x4.eq(yv, i32x4.splat(k)), one);
      const g = f32x4.mul(f32x4.sub(v128.load(p + <usize>k * rowBytes + col), target), inv);
      v128.store(dz + <usize>k * rowBytes + col, v128.and(g, live));
    }
  }
}
