/**
 * Reference Kolchinsky-Tracey KDE bounds (docs/SCIENCE.md, Saxe et al.; docs/ABI.md `kde_mi`), written straight from
 * the entropy formulas in float64 (the kernel's algebraic shortcuts are not used here). Inputs are
 * f32 activations, rounded with Math.fround. All results are in nats.
 *
 * API
 *   refKdeEntropyUpper(rows, s2) -> number   H_upper(s2) = d/2 - (1/N) sum_i [ln sum_j exp(-D_ij/(2 s2))
 *                                            - ln N - (d/2) ln(2 pi s2)], D_ij = ||h_i - h_j||^2
 *   refKdeEntropyLower(rows, s2) -> number   H_upper(4 s2) + (d/2) ln(1/4)
 *   refKdeMi(rows, y, s2, K?) -> RefKdeResult
 *       I(X;T) = H_bound - H(T|X), H(T|X) = (d/2)(ln(2 pi s2) + 1);
 *       I(T;Y) = H_bound(T) - sum_y p(y) H_bound(rows with label y)
 *   RefKdeResult = { upperXT, upperTY, lowerXT, lowerTY }
 *   refKdeMiLayout(act, nUnits, N, B, y, s2, rowsUsed?, K?) same on act [unit][B]; rowsUsed = the
 *       row indices to use (default 0..N-1)
 */

export interface RefKdeResult { upperXT: number; upperTY: number; lowerXT: number; lowerTY: number }

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

export function refKdeEntropyUpper(rows: ArrayLike<number>[], s2: number): number {
  const N = rows.length, d = rows[0].length;
  const h = rows.map((r) => Array.from(r, Math.fround));
  let mean = 0;
  for (let i = 0; i < N; i++) {
    const terms: number[] = [];
    for (let j = 0; j < N; j++) {
      let D = 0;
      for (let u = 0; u < d; u++) D += (h[i][u] - h[j][u]) ** 2;
      terms.push(-D / (2 * s2));
    }
    mean += (logSumExp(terms) - Math.log(N) - (d / 2) * Math.log(2 * Math.PI * s2)) / N;
  }
  return d / 2 - mean;
}

export function refKdeEntropyLower(rows: ArrayLike<number>[], s2: number): number {
  const d = rows[0].length;
  return refKdeEntropyUpper(rows, 4 * s2) + (d / 2) * Math.log(1 / 4);
}

export function refKdeMi(rows: ArrayLike<number>[], y: ArrayLike<number>, s2: number, K?: number): RefKdeResult {
  const N = rows.length, d = rows[0].length;
  let nClasses = K ?? 0;
  for (let i = 0; i < N; i++) nClasses = Math.max(nClasses, y[i] + 1);
  const hTX = (d / 2) * (Math.log(2 * Math.PI * s2) + 1);
  const byClass = Array.from({ length: nClasses }, (_, c) => rows.filter((_, i) => y[i] === c));
  const result = (H: (r: ArrayLike<number>[], s2: number) => number) => {
    const hT = H(rows, s2);
    let hTY = 0;
    for (const r of byClass) if (r.length) hTY += (r.length / N) * H(r, s2);
    return [hT - hTX, hT - hTY];
  };
  const [upperXT, upperTY] = result(refKdeEntropyUpper);
  const [lowerXT, lowerTY] = result(refKdeEntropyLower);
  return { upperXT, upperTY, lowerXT, lowerTY };
}

export function refKdeMiLayout(act: ArrayLike<number>, nUnits: number, N: number, B: number, y: ArrayLike<number>,
  s2: number, rowsUsed?: ArrayLike<number>, K?: number): RefKdeResult {
  const idx = rowsUsed ? Array.from(rowsUsed) : Array.from({ length: N }, (_, i) => i);
  const rows = idx.map((s) => Array.from({ length: nUnits }, (_, u) => act[u * B + s]));
  return refKdeMi(rows, idx.map((s) => y[s]), s2, K);
}
