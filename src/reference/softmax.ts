/**
 * Reference softmax + cross-entropy in the ABI's [unit][sample] layout (float64).
 *
 * API
 *   refSoftmaxCeForward(z, y, K, B, n) -> { p: Float64Array [K][B], loss: number }
 *       p[:, s] = softmax(z[:, s]) for every column s < B (max subtracted first);
 *       loss = (1/n) sum_{s<n} (logsumexp(z[:, s]) - z[y_s][s])   (natural log)
 *   refSoftmaxCeBackward(p, y, K, B, n) -> Float64Array [K][B]
 *       dz[k][s] = (p[k][s] - [y_s == k]) / n for s < n, and 0 for s >= n
 */

export function refLogSumExp(z: ArrayLike<number>, K: number, B: number, s: number): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, z[k * B + s]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(z[k * B + s] - m);
  return m + Math.log(sum);
}

export function refSoftmaxCeForward(
  z: ArrayLike<number>, y: ArrayLike<number>, K: number, B: number, n: number,
): { p: Float64Array; loss: number } {
  if (z.length < K * B) throw new Error('refSoftmaxCeForward: z too short');
  if (n > B) throw new Error('refSoftmaxCeForward: n > B');
  const p = new Float64Array(K * B);
  for (let s = 0; s < B; s++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, z[k * B + s]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k * B + s] - m);
    for (let k = 0; k < K; k++) p[k * B + s] = Math.exp(z[k * B + s] - m) / sum;
  }
  let loss = 0;
  for (let s = 0; s < n; s++) loss += refLogSumExp(z, K, B, s) - z[y[s] * B + s];
  return { p, loss: n > 0 ? loss / n : 0 };
}

export function refSoftmaxCeBackward(
  p: ArrayLike<number>, y: ArrayLike<number>, K: number, B: number, n: number,
): Float64Array {
  const dz = new Float64Array(K * B);
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < K; k++) dz[k * B + s] = (p[k * B + s] - (y[s] === k ? 1 : 0)) / n;
  }
  return dz;
}
