/**
 * Reference IB self-consistency loss (plain float64, every row against every cell, written for
 * clarity, not speed). Twin of src/record/model-info.ts selfConsistencyLoss, which sums the same
 * loss over distinct decoders instead of cells.
 *
 * API
 *   refSelfConsistencyLoss(cells, count, p1) -> (beta) => number
 *       mean over rows x of -log2 q_beta(t(x)|x), q_beta(t|x) = p(t) 2^(-beta KL[p(y|x) || p(y|t)]) / Z_x,
 *       p(t) = share of rows in cell t, p(y=1|t) = mean of p1 over its rows, KL in bits,
 *       probabilities clamped to [1e-12, 1 - 1e-12].
 */
export function refSelfConsistencyLoss(cells: Int32Array, count: number, p1: Float64Array): (beta: number) => number {
  const n = cells.length, size = new Float64Array(count), ones = new Float64Array(count);
  for (let i = 0; i < n; i++) { size[cells[i]]++; ones[cells[i]] += p1[i]; }
  const clamp = (p: number) => Math.min(1 - 1e-12, Math.max(1e-12, p));
  const logPt = new Float64Array(count), q1 = new Float64Array(count);
  for (let t = 0; t < count; t++) { logPt[t] = Math.log2(size[t] / n); q1[t] = clamp(ones[t] / size[t]); }
  const kl = (a: number, q: number) => a * Math.log2(a / q) + (1 - a) * Math.log2((1 - a) / (1 - q));
  // rows with equal p(y|x) have the same encoder row: score it once per distinct value
  const rowsOf = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const r = rowsOf.get(p1[i]); if (r) r.push(i); else rowsOf.set(p1[i], [i]); }
  return (beta: number) => {
    let total = 0;
    const score = new Float64Array(count);
    for (const [p, rows] of rowsOf) {
      const a = clamp(p);
      let mx = -Infinity;
      for (let t = 0; t < count; t++) { score[t] = logPt[t] - beta * kl(a, q1[t]); mx = Math.max(mx, score[t]); }
      let z = 0;
      for (let t = 0; t < count; t++) z += 2 ** (score[t] - mx);
      for (const i of rows) total -= score[cells[i]] - (mx + Math.log2(z));
    }
    return total / n;
  };
}
