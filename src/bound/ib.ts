// The information bottleneck bound (docs/SCIENCE.md, The IB bound): the iterative IB algorithm of Tishby, Pereira and
// Bialek (1999) on a known p(x,y), swept over beta by reverse annealing. No Node imports.
//
// Shortcut (exact, not an approximation). Let X' = the class of x under "same p(y|x)". X' is a
// function of X and a sufficient statistic for Y, so for every encoder p(t|x):
//   - p(t,y) is unchanged if T is fed X' instead (p(t|x') = mean of p(t|x) over the class), and
//     I(X';T) <= I(X;T);
//   - conversely an encoder of X' is an encoder of X with I(X;T) = I(X';T).
// Hence the curve F(r) = max {I(T;Y) : I(X;T) <= r} is the same for X and X' for r <= H(X').
// Above H(X') the curve is flat: I(T;Y) <= I(X;Y) = I(X';Y) for any T, and the merged identity
// T = X' already reaches I(X;Y) at I(X;T) = H(X'); it ends at T = X, (H(X), I(X;Y)).
// The plain algorithm does not see this either: its first update from p(t|x) = identity already
// spreads each x over the t's of its class in proportion to p(t), after which every iterate is the
// merged algorithm's iterate with each t split in fixed proportions (I(X;T), I(T;Y) unchanged).
// The same argument lets clusters t whose p(y|t) coincide be merged while annealing.
//
// Every point returned comes from an actual encoder p(t|x), so it is achievable; the bound we
// report is the upper concave hull of them with (0, 0) and (H(X), I(X;Y)). The true curve is
// concave (time-sharing: T = (Q, T_Q) with a coin Q independent of X), so the hull is achievable and
// lies on or below it; a beta that hits the iteration cap only makes the estimate a little loose.

/** A discrete joint distribution: p(x) and the rows p(y|x), [x][y]. */
export interface JointXY {
  nx: number;
  ny: number;
  px: Float64Array;
  pyGivenX: Float64Array;
}

/** One point of the IB curve in bits; beta null marks the analytic end T = X (beta -> infinity). */
export interface IBPoint { beta: number | null; ixt: number; ity: number }

export interface IBOptions {
  betaMax?: number;
  betaMin?: number;
  /** log2 step between successive betas. */
  betaStep?: number;
  /** Stop iterating a beta when no p(t|x) moves by more than this. */
  tol?: number;
  maxIter?: number;
  /** Merge x's with identical p(y|x) and clusters with identical p(y|t) (exact; see above). */
  merge?: boolean;
}

// tol 1e-8 / 5000 iterations: on ib12 with noisy labels (gamma 1, 5, 30) the curve is within 2e-7
// bits of the one from tol 1e-12 / 200000 iterations, 2-5x faster (slow convergence near the
// critical betas dominates the cost).
export const IB_DEFAULTS = { betaMax: 300, betaMin: 0.8, betaStep: 0.1, tol: 1e-8, maxIter: 5000 } as const;

/** Rows p(y|x) (or p(y|t)) whose entries agree to this relative precision count as identical:
 *  rounding, e.g. of the scores of symmetric ib12 patterns, differs in the last few bits only. */
const SAME_ROW = 1e-12;
function sameRow(p: Float64Array, a: number, b: number, ny: number): boolean {
  for (let y = 0; y < ny; y++) {
    const u = p[a * ny + y], v = p[b * ny + y];
    if (Math.abs(u - v) > SAME_ROW * Math.max(u, v)) return false;
  }
  return true;
}
/** Clusters lighter than this are dropped when merging (their share of any information is negligible). */
const DEAD_CLUSTER = 1e-15;

/** betaMax, betaMax * 2^-step, ... down to betaMin (included). */
export function betaSchedule(betaMax: number, betaMin: number, step: number): number[] {
  if (!(betaMax > 0 && betaMin > 0 && step > 0 && betaMax >= betaMin)) {
    throw new RangeError(`bad beta schedule: max ${betaMax}, min ${betaMin}, step ${step}`);
  }
  const out: number[] = [];
  const n = Math.floor(Math.log2(betaMax / betaMin) / step + 1e-9);
  for (let k = 0; k <= n; k++) out.push(betaMax * 2 ** (-step * k));
  if (out[out.length - 1] > betaMin * (1 + 1e-12)) out.push(betaMin);
  return out;
}

export function checkJoint(j: JointXY): void {
  if (j.px.length !== j.nx || j.pyGivenX.length !== j.nx * j.ny || j.nx < 1 || j.ny < 1) throw new RangeError('joint: sizes do not match');
  let s = 0;
  for (let x = 0; x < j.nx; x++) {
    if (!(j.px[x] >= 0)) throw new RangeError(`joint: p(x) of x=${x} is ${j.px[x]}`);
    s += j.px[x];
    let r = 0;
    for (let y = 0; y < j.ny; y++) {
      const v = j.pyGivenX[x * j.ny + y];
      if (!(v >= 0 && v <= 1)) throw new RangeError(`joint: p(y=${y}|x=${x}) is ${v}`);
      r += v;
    }
    if (Math.abs(r - 1) > 1e-9) throw new RangeError(`joint: p(y|x=${x}) sums to ${r}`);
  }
  if (Math.abs(s - 1) > 1e-9) throw new RangeError(`joint: p(x) sums to ${s}`);
}

function entropyBits(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) h -= p[i] * Math.log2(p[i]);
  return h;
}

export function marginalY(j: JointXY): Float64Array {
  const py = new Float64Array(j.ny);
  for (let x = 0; x < j.nx; x++) for (let y = 0; y < j.ny; y++) py[y] += j.px[x] * j.pyGivenX[x * j.ny + y];
  return py;
}

/** H(X), H(Y), I(X;Y) in bits. */
export function jointInfo(j: JointXY): { hX: number; hY: number; iXY: number } {
  const py = marginalY(j);
  let hYgivenX = 0;
  for (let x = 0; x < j.nx; x++) {
    let h = 0;
    for (let y = 0; y < j.ny; y++) { const v = j.pyGivenX[x * j.ny + y]; if (v > 0) h -= v * Math.log2(v); }
    hYgivenX += j.px[x] * h;
  }
  const hY = entropyBits(py);
  return { hX: entropyBits(j.px), hY, iXY: Math.max(0, hY - hYgivenX) };
}

/** Merge x's whose p(y|x) rows agree (to 1e-12 relative), dropping x's with p(x) = 0. groupOf[x] is x's merged index (-1 if dropped). */
export function mergeSufficientX(j: JointXY): { joint: JointXY; groupOf: Int32Array } {
  const { nx, ny } = j;
  const order = Array.from({ length: nx }, (_, x) => x).filter((x) => j.px[x] > 0);
  order.sort((a, b) => {
    for (let y = 0; y < ny; y++) {
      const d = j.pyGivenX[a * ny + y] - j.pyGivenX[b * ny + y];
      if (d !== 0) return d;
    }
    return a - b;
  });
  const groupOf = new Int32Array(nx).fill(-1);
  const px: number[] = [], rows: number[] = [];
  let lead = -1; // the first x of the current group: members are compared with it, so groups cannot chain
  for (const x of order) {
    if (lead < 0 || !sameRow(j.pyGivenX, x, lead, ny)) {
      lead = x;
      px.push(0);
      for (let y = 0; y < ny; y++) rows.push(0);
    }
    const g = px.length - 1;
    groupOf[x] = g;
    px[g] += j.px[x];
    // p(y|x') is the p(x)-weighted mean of the (near-)identical rows
    for (let y = 0; y < ny; y++) rows[g * ny + y] += j.px[x] * j.pyGivenX[x * ny + y];
  }
  for (let g = 0; g < px.length; g++) for (let y = 0; y < ny; y++) rows[g * ny + y] /= px[g];
  return { joint: { nx: px.length, ny, px: Float64Array.from(px), pyGivenX: Float64Array.from(rows) }, groupOf };
}

/**
 * The annealing state: m x's, nt clusters, q = p(t|x) as [x][t] with row stride m (nt <= m: clusters
 * only merge). Buffers are allocated once per curve.
 */
class IBState {
  readonly m: number; readonly ny: number;
  readonly px: Float64Array; readonly pyx: Float64Array;
  /** sum_y p(y|x) ln p(y|x), nats: KL[x][t] = negH[x] - sum_y p(y|x) ln p(y|t). */
  readonly negH: Float64Array;
  nt: number;
  q: Float64Array; qNew: Float64Array;
  readonly pt: Float64Array; readonly lnpt: Float64Array; readonly pyt: Float64Array; readonly lnpyt: Float64Array;
  readonly logit: Float64Array;

  constructor(j: JointXY) {
    const m = j.nx, ny = j.ny;
    this.m = m; this.ny = ny; this.px = j.px; this.pyx = j.pyGivenX;
    this.negH = new Float64Array(m);
    for (let x = 0; x < m; x++) {
      let s = 0;
      for (let y = 0; y < ny; y++) { const v = j.pyGivenX[x * ny + y]; if (v > 0) s += v * Math.log(v); }
      this.negH[x] = s;
    }
    this.nt = m;
    this.q = new Float64Array(m * m); this.qNew = new Float64Array(m * m);
    for (let x = 0; x < m; x++) this.q[x * m + x] = 1; // p(t|x) = identity
    this.pt = new Float64Array(m); this.lnpt = new Float64Array(m); this.pyt = new Float64Array(m * ny); this.lnpyt = new Float64Array(m * ny);
    this.logit = new Float64Array(m);
  }

  /** p(t) and p(y|t) from q. */
  marginals(): void {
    const { m, ny, nt, q, px, pyx, pt, pyt } = this;
    pt.fill(0, 0, nt); pyt.fill(0, 0, nt * ny);
    for (let x = 0; x < m; x++) {
      const w = px[x], row = x * m;
      for (let t = 0; t < nt; t++) {
        const a = w * q[row + t];
        if (a === 0) continue;
        pt[t] += a;
        for (let y = 0; y < ny; y++) pyt[t * ny + y] += a * pyx[x * ny + y];
      }
    }
    for (let t = 0; t < nt; t++) {
      this.lnpt[t] = Math.log(pt[t]); // -Infinity for a dead cluster: it gets no mass
      for (let y = 0; y < ny; y++) {
        const v = pt[t] > 0 ? pyt[t * ny + y] / pt[t] : 0;
        pyt[t * ny + y] = v;
        this.lnpyt[t * ny + y] = Math.log(v); // -Infinity for 0; only used where p(y|x) > 0
      }
    }
  }

  /** One IB update at beta from the current marginals into qNew; returns max |qNew - q|. */
  update(beta: number): number {
    const { m, ny, nt, q, qNew, lnpt, pyx, lnpyt, negH, logit } = this;
    let change = 0;
    for (let x = 0; x < m; x++) {
      const row = x * m, bh = beta * negH[x];
      let top = -Infinity;
      for (let t = 0; t < nt; t++) {
        let cross = 0;
        for (let y = 0; y < ny; y++) {
          const v = pyx[x * ny + y];
          if (v > 0) cross += v * lnpyt[t * ny + y]; // skip 0 * ln 0
        }
        // ln p(t) - beta KL[p(y|x) || p(y|t)], KL in nats
        const z = lnpt[t] - bh + beta * cross;
        logit[t] = z;
        if (z > top) top = z;
      }
      let s = 0;
      for (let t = 0; t < nt; t++) { const e = Math.exp(logit[t] - top); logit[t] = e; s += e; }
      const inv = 1 / s;
      for (let t = 0; t < nt; t++) {
        const v = logit[t] * inv;
        const d = Math.abs(v - q[row + t]);
        if (d > change) change = d;
        qNew[row + t] = v;
      }
    }
    const tmp = this.q; this.q = this.qNew; this.qNew = tmp;
    return change;
  }

  /** I(X;T) and I(T;Y) in bits from q (marginals must be current). */
  info(py: Float64Array): { ixt: number; ity: number } {
    const { m, ny, nt, q, px, pt, pyt } = this;
    let ixt = 0, ity = 0;
    for (let x = 0; x < m; x++) {
      for (let t = 0; t < nt; t++) {
        const v = q[x * m + t];
        if (v > 0) ixt += px[x] * v * Math.log2(v / pt[t]);
      }
    }
    for (let t = 0; t < nt; t++) {
      if (!(pt[t] > 0)) continue;
      for (let y = 0; y < ny; y++) {
        const v = pyt[t * ny + y];
        if (v > 0) ity += pt[t] * v * Math.log2(v / py[y]);
      }
    }
    return { ixt: Math.max(0, ixt), ity: Math.max(0, ity) };
  }

  /** Merge clusters with identical p(y|t) (to 1e-12 relative) and drop dead ones; marginals must be current. */
  mergeClusters(): void {
    const { m, ny, pt, pyt } = this;
    const alive: number[] = [];
    for (let t = 0; t < this.nt; t++) if (pt[t] > DEAD_CLUSTER) alive.push(t);
    alive.sort((a, b) => {
      for (let y = 0; y < ny; y++) { const d = pyt[a * ny + y] - pyt[b * ny + y]; if (d !== 0) return d; }
      return a - b;
    });
    const target = new Int32Array(this.nt).fill(-1);
    let n = 0, lead = -1;
    for (const t of alive) {
      if (lead < 0 || !sameRow(pyt, t, lead, ny)) { lead = t; n++; }
      target[t] = n - 1;
    }
    if (n === this.nt) return; // nothing merged or dropped
    const q = this.q, out = this.qNew;
    for (let x = 0; x < m; x++) {
      const row = x * m;
      out.fill(0, row, row + n);
      let s = 0;
      for (let t = 0; t < this.nt; t++) if (target[t] >= 0) { out[row + target[t]] += q[row + t]; s += q[row + t]; }
      if (s > 0) for (let t = 0; t < n; t++) out[row + t] /= s; // renormalise after dropping dead clusters
    }
    this.q = out; this.qNew = q;
    this.nt = n;
    this.marginals();
  }
}

export interface AnnealResult {
  /** One point per beta, in schedule order. */
  points: IBPoint[];
  /** Iterations used per beta; equal to maxIter where the tolerance was not reached. */
  iterations: number[];
}

/**
 * The iterative IB at each beta of `betas` (in the given order), starting from p(t|x) = identity
 * and warm-starting each beta from the previous fixed point. With merge = false this is the plain
 * algorithm on all x's with |T| = |X| (used by the tests as the reference).
 */
export function annealIB(j: JointXY, betas: readonly number[], opts: { tol?: number; maxIter?: number; merge?: boolean } = {}): AnnealResult {
  checkJoint(j);
  const tol = opts.tol ?? IB_DEFAULTS.tol, maxIter = opts.maxIter ?? IB_DEFAULTS.maxIter, merge = opts.merge ?? true;
  const work = merge ? mergeSufficientX(j).joint : j;
  const py = marginalY(work);
  const st = new IBState(work);
  const points: IBPoint[] = [], iterations: number[] = [];
  st.marginals();
  for (const beta of betas) {
    let it = 0;
    while (it < maxIter) {
      const change = st.update(beta);
      st.marginals();
      it++;
      if (change <= tol) break;
    }
    const { ixt, ity } = st.info(py);
    points.push({ beta, ixt, ity });
    iterations.push(it);
    if (merge) st.mergeClusters();
  }
  return { points, iterations };
}

/**
 * Upper concave hull of the points together with (0, 0) and `end`, sorted by I(X;T). With `end`
 * the point of maximal I(T;Y) and largest I(X;T), the result is concave and non-decreasing.
 */
export function upperConcaveHull(points: readonly IBPoint[], end: IBPoint): IBPoint[] {
  const all = [{ beta: 0, ixt: 0, ity: 0 }, ...points, end]
    .filter((p) => Number.isFinite(p.ixt) && Number.isFinite(p.ity))
    .sort((a, b) => a.ixt - b.ixt || a.ity - b.ity);
  const hull: IBPoint[] = [];
  for (const p of all) {
    // pop while the last turn is not strictly clockwise (drops collinear and dominated points)
    while (hull.length >= 2) {
      const a = hull[hull.length - 2], b = hull[hull.length - 1];
      const cross = (b.ixt - a.ixt) * (p.ity - a.ity) - (b.ity - a.ity) * (p.ixt - a.ixt);
      if (cross >= -1e-15) hull.pop(); else break;
    }
    if (hull.length === 1 && p.ixt === hull[0].ixt) hull.pop(); // same I(X;T): keep the higher one
    hull.push(p);
  }
  return hull;
}

/** The bound at I(X;T) = ixt: linear interpolation along the curve, flat beyond its ends. */
export function boundAt(points: readonly IBPoint[], ixt: number): number {
  if (!Number.isFinite(ixt) || points.length === 0) return NaN;
  if (ixt <= points[0].ixt) return points[0].ity;
  const last = points[points.length - 1];
  if (ixt >= last.ixt) return last.ity;
  let lo = 0, hi = points.length - 1; // points[lo].ixt < ixt < points[hi].ixt
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (points[mid].ixt <= ixt) lo = mid; else hi = mid; }
  const a = points[lo], b = points[hi];
  return b.ixt === a.ixt ? Math.max(a.ity, b.ity) : a.ity + ((b.ity - a.ity) * (ixt - a.ixt)) / (b.ixt - a.ixt);
}

export interface IBCurve {
  /** The bound: concave, non-decreasing in I(X;T), from (0, 0) to (H(X), I(X;Y)). */
  points: IBPoint[];
  /** What the annealing found, one point per beta (before taking the hull). */
  raw: IBPoint[];
  iterations: number[];
  hX: number; hY: number; iXY: number;
  /** |X| after merging x's with identical p(y|x). */
  distinctX: number;
}

/** The IB curve of a joint distribution by reverse annealing (defaults: docs/SCIENCE.md, The IB bound). */
export function ibCurve(j: JointXY, opts: IBOptions = {}): IBCurve {
  checkJoint(j);
  const betas = betaSchedule(opts.betaMax ?? IB_DEFAULTS.betaMax, opts.betaMin ?? IB_DEFAULTS.betaMin, opts.betaStep ?? IB_DEFAULTS.betaStep);
  const { hX, hY, iXY } = jointInfo(j);
  const merged = mergeSufficientX(j).joint;
  const { points: raw, iterations } = annealIB(j, betas, { tol: opts.tol, maxIter: opts.maxIter, merge: opts.merge ?? true });
  // Clamp rounding excess so the end point stays the maximum. T = X' (the merged identity) starts
  // the flat part at (H(X'), I(X;Y)); T = X ends it.
  // Points within 1e-9 bits of the origin are the trivial solution and add nothing but clutter.
  const clamped = raw.filter((p) => p.ixt > 1e-9)
    .map((p) => ({ beta: p.beta, ixt: Math.min(p.ixt, hX), ity: Math.min(p.ity, iXY) }));
  clamped.push({ beta: null, ixt: jointInfo(merged).hX, ity: iXY });
  const points = upperConcaveHull(clamped, { beta: null, ixt: hX, ity: iXY });
  return { points, raw, iterations, hX, hY, iXY, distinctX: merged.nx };
}
