/**
 * Reference optimizer steps. They update the arrays passed in place; arithmetic is float64, and
 * the stored values take the precision of the arrays (pass Float32Array state to mirror the ABI,
 * whose p, g, m, v are all f32 arrays; pass Float64Array or number[] for pure float64).
 *
 * API
 *   refSgdStep(p, g, lr)                             p -= lr g
 *   refMomentumStep(p, g, v, lr, mu)                 v = mu v + g; p -= lr v
 *   refAdamStep(p, g, m, v, lr, b1, b2, eps, t)      m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 *                                                    p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 *                                                    (t >= 1 is the step count)
 */

type Vec = { length: number; [i: number]: number };

export function refSgdStep(p: Vec, g: ArrayLike<number>, lr: number): void {
  for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * g[i];
}

export function refMomentumStep(p: Vec, g: ArrayLike<number>, v: Vec, lr: number, mu: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = mu * v[i] + g[i];
    p[i] = p[i] - lr * v[i];
  }
}

export function refAdamStep(
  p: Vec, g: ArrayLike<number>, m: Vec, v: Vec,
  lr: number, b1: number, b2: number, eps: number, t: number,
): void {
  if (!(t >= 1)) throw new Error('refAdamStep: t must be >= 1');
  const c1 = 1 - Math.pow(b1, t);
  const c2 = 1 - Math.pow(b2, t);
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const mHat = m[i] / c1;
    const vHat = v[i] / c2;
    p[i] = p[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}
