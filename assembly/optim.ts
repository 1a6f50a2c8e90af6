// Plain TypeScript twin: src/reference/optim.ts (refSgdStep, refMomentumStep, refAdamStep).
// Optimizer steps over one flat parameter vector (all layers' W and b are contiguous).

// sgd_step: p[n] -= lr * g[n]
export function sgd_step(p: usize, g: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(g + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(p + o, load<f32>(p + o) - lr * load<f32>(g + o));
  }
}

// momentum_step: v[n] = mu v + g; p[n] -= lr v
export function momentum_step(p: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32): void {
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const vv = f32x4.add(f32x4.mul(vmu, v128.load(v + o)), v128.load(g + o));
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, vv)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const vv = mu * load<f32>(v + o) + load<f32>(g + o);
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) - lr * vv);
  }
}

// adam_step: m, v [n] moments; p[n] -= lr * mhat / (sqrt(vhat) + eps), bias-corrected at step t >= 1
export function adam_step(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, t: i32): void {
  const c1 = <f32>(1.0 / (1.0 - Math.pow(<f64>b1, <f64>t)));
  const c2 = <f32>(1.0 / (1.0 - Math.pow(<f64>b2, <f64>t)));
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vb1c = f32x4.splat(<f32>1 - b1), vb2c = f32x4.splat(<f32>1 - b2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), vlr = f32x4.splat(lr), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gg = v128.load(g + o);
    const mm = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, gg));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(gg, gg)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vv, vc2)), veps);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vlr, f32x4.mul(mm, vc1)), den)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gg = load<f32>(g + o);
    const mm = b1 * load<f32>(m + o) + (<f32>1 - b1) * gg;
    const vv = b2 * load<f32>(v + o) + (<f32>1 - b2) * (gg * gg);
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) - lr * (mm * c1) / (Mathf.sqrt(vv * c2) + eps));
  }
}
