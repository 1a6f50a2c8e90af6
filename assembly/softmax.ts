// Softmax output with mean cross-entropy over the first n samples of a [K][B] buffer.

// softmax_ce_forward: z [K][B] -> p [K][B] (in place allowed); returns mean CE over s < n if y != 0
export function softmax_ce_forward(p: usize, z: usize, y: usize, K: i32, B: i32, n: i32): f64 {
  const rowBytes = <usize>B << 2;
  let loss: f64 = 0;
  for (let s = 0; s < B; s++) {
    const col = <usize>s << 2;
    let m = load<f32>(z + col);
    for (let k = 1; k < K; k++) m = Mathf.max(m, load<f32>(z + <usize>k * rowBytes + col));
    // z_y is read before p may overwrite z (in-place use)
    const zy: f32 = y != 0 && s < n ? load<f32>(z + <usize>load<i32>(y + col) * rowBytes + col) : 0;
    let sum: f32 = 0;
    for (let k = 0; k < K; k++) {
      const e = Mathf.exp(load<f32>(z + <usize>k * rowBytes + col) - m);
      store<f32>(p + <usize>k * rowBytes + col, e);
      sum += e;
    }
    if (y != 0 && s < n) {
      // log-sum-exp - z_y = ln(sum) - (z_y - m): finite even when exp(z_y - m) underflows
      loss += Math.log(<f64>sum) - (<f64>zy - <f64>m);
    }
    const inv: f32 = <f32>1.0 / sum;
    for (let k = 0; k < K; k++) {
      const q = p + <usize>k * rowBytes + col;
      store<f32>(q, load<f32>(q) * inv);
    }
  }
  return n > 0 ? loss / <f64>n : 0;
}

// softmax_ce_backward: dz [K][B] = (p - onehot(y)) / n for s < n, 0 in padding columns
export function softmax_ce_backward(dz: usize, p: usize, y: usize, K: i32, B: i32, n: i32): void {
  const rowBytes = <usize>B << 2;
  const inv: f32 = <f32>1.0 / <f32>n;
  for (let k = 0; k < K; k++) {
    const pr = p + <usize>k * rowBytes, dr = dz + <usize>k * rowBytes;
    for (let s = 0; s < B; s++) {
      const col = <usize>s << 2;
      let g: f32 = 0;
      if (s < n) g = (load<f32>(pr + col) - (load<i32>(y + col) == k ? <f32>1 : <f32>0)) * inv;
      store<f32>(dr + col, g);
    }
  }
}
