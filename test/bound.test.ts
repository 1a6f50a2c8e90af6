import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annealIB, betaSchedule, boundAt, ibCurve, mergeSufficientX, upperConcaveHull, type IBPoint, type JointXY } from '../src/bound/ib.js';
import { jointFromDataset } from '../src/bound/labels.js';
import { ib12, ib12Score, IB12_THRESHOLD } from '../src/data/ib12.js';
import { cli } from './helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'infoplane-bound-'));
const log2 = Math.log2;
const h2 = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * log2(p) - (1 - p) * log2(1 - p));

function joint(px: number[], rows: number[][]): JointXY {
  return { nx: px.length, ny: rows[0].length, px: Float64Array.from(px), pyGivenX: Float64Array.from(rows.flat()) };
}

/** The textbook iteration, written out plainly: |T| = |X|, p(t|x) = identity at the start. */
function naiveIB(px: number[], pyx: number[][], betas: number[], tol: number, maxIter: number): { ixt: number; ity: number }[] {
  const n = px.length, ny = pyx[0].length;
  let q: number[][] = px.map((_, x) => px.map((_, t) => (t === x ? 1 : 0)));
  const py = Array.from({ length: ny }, (_, y) => px.reduce((s, p, x) => s + p * pyx[x][y], 0));
  const marg = () => {
    const pt = px.map((_, t) => px.reduce((s, p, x) => s + p * q[x][t], 0));
    const pyt = pt.map((ptt, t) => Array.from({ length: ny }, (_, y) => (ptt > 0 ? px.reduce((s, p, x) => s + p * q[x][t] * pyx[x][y], 0) / ptt : 0)));
    return { pt, pyt };
  };
  const kl = (a: number[], b: number[]) => a.reduce((s, v, y) => (v > 0 ? s + v * Math.log(v / b[y]) : s), 0);
  const out: { ixt: number; ity: number }[] = [];
  for (const beta of betas) {
    for (let it = 0; it < maxIter; it++) {
      const { pt, pyt } = marg();
      const next = px.map((_, x) => {
        const w = pt.map((ptt, t) => (ptt > 0 ? ptt * Math.exp(-beta * kl(pyx[x], pyt[t])) : 0));
        const z = w.reduce((a, b) => a + b, 0);
        return w.map((v) => v / z);
      });
      let change = 0;
      for (let x = 0; x < n; x++) for (let t = 0; t < n; t++) change = Math.max(change, Math.abs(next[x][t] - q[x][t]));
      q = next;
      if (change <= tol) break;
    }
    const { pt, pyt } = marg();
    let ixt = 0, ity = 0;
    for (let x = 0; x < n; x++) for (let t = 0; t < n; t++) if (q[x][t] > 0) ixt += px[x] * q[x][t] * log2(q[x][t] / pt[t]);
    for (let t = 0; t < n; t++) for (let y = 0; y < ny; y++) if (pt[t] > 0 && pyt[t][y] > 0) ity += pt[t] * pyt[t][y] * log2(pyt[t][y] / py[y]);
    out.push({ ixt, ity });
  }
  return out;
}

/** Slopes between successive points: non-increasing (concave) and >= 0 (non-decreasing). */
function expectConcaveNonDecreasing(points: IBPoint[]): void {
  for (let i = 1; i < points.length; i++) expect(points[i].ixt).toBeGreaterThan(points[i - 1].ixt);
  const slopes = points.slice(1).map((p, i) => (p.ity - points[i].ity) / (p.ixt - points[i].ixt));
  for (const s of slopes) expect(s).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < slopes.length; i++) expect(slopes[i]).toBeLessThanOrEqual(slopes[i - 1] + 1e-9);
}

describe('IB bound with deterministic labels', () => {
  // Non-uniform p(x) over 6 x's and 3 classes: the bound is the corner line min(I(X;T), H(Y)).
  const px = [0.3, 0.1, 0.2, 0.05, 0.15, 0.2];
  const labels = [0, 1, 1, 2, 0, 2];
  const j = joint(px, labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
  const hY = -[0.45, 0.3, 0.25].reduce((s, p) => s + p * log2(p), 0);
  const hX = -px.reduce((s, p) => s + p * log2(p), 0);

  it('puts every computed point on the corner line (tolerance 1e-9 bits)', () => {
    const c = ibCurve(j);
    expect(c.hY).toBeCloseTo(hY, 12);
    expect(c.iXY).toBeCloseTo(hY, 12);
    expect(c.distinctX).toBe(3);
    for (const p of [...c.raw, ...c.points]) expect(Math.abs(p.ity - Math.min(p.ixt, hY))).toBeLessThan(1e-9);
    for (let r = 0; r <= hX + 0.5; r += 0.01) expect(Math.abs(boundAt(c.points, r) - Math.min(r, hY))).toBeLessThan(1e-9);
    expect(c.points[0]).toMatchObject({ ixt: 0, ity: 0 });
    expect(c.points[c.points.length - 1].ixt).toBeCloseTo(hX, 12);
  });
});

describe('IB bound with noisy labels', () => {
  it('matches the closed form of the doubly symmetric binary source', () => {
    // X uniform binary, Y = X flipped with probability e: the curve is I(T;Y) = 1 - h(e * h^-1(1 - I(X;T)))
    // (Mrs. Gerber's lemma), with a * b = a(1 - b) + (1 - a)b.
    const e = 0.1;
    const c = ibCurve(joint([0.5, 0.5], [[1 - e, e], [e, 1 - e]]), { tol: 1e-13, maxIter: 100000 });
    const hInv = (v: number) => { let lo = 0, hi = 0.5; for (let i = 0; i < 200; i++) { const m = (lo + hi) / 2; if (h2(m) < v) lo = m; else hi = m; } return lo; };
    const curve = (r: number) => { const d = hInv(1 - r); return 1 - h2(d * (1 - e) + (1 - d) * e); };
    const inner = c.raw.filter((p) => p.ixt > 1e-3 && p.ixt < 1 - 1e-3);
    expect(inner.length).toBeGreaterThan(10);
    for (const p of inner) expect(Math.abs(p.ity - curve(p.ixt))).toBeLessThan(1e-6);
    expectConcaveNonDecreasing(c.points);
  });

  // 32 x's (5 bits), p(y=1|x) = sigmoid(1.5 (popcount - 2.5)): 6 distinct p(y|x), non-uniform classes.
  const nBits = 5;
  const px = Array.from({ length: 1 << nBits }, () => 1 / (1 << nBits));
  const pyx = px.map((_, x) => {
    let n = 0;
    for (let b = 0; b < nBits; b++) n += (x >> b) & 1;
    const p1 = 1 / (1 + Math.exp(-1.5 * (n - 2.5)));
    return [1 - p1, p1];
  });
  const j = joint(px, pyx);
  const betas = betaSchedule(60, 0.8, 0.25);

  it('merges x with identical p(y|x) into the 6 popcount classes', () => {
    const m = mergeSufficientX(j);
    expect(m.joint.nx).toBe(6);
    const counts = [1, 5, 10, 10, 5, 1].map((k) => k / 32).sort();
    expect(Array.from(m.joint.px).sort()).toEqual(counts);
  });

  it('gives the same points with the merged-x shortcut as the plain algorithm', () => {
    const opts = { tol: 1e-12, maxIter: 20000 };
    const merged = annealIB(j, betas, { ...opts, merge: true }).points;
    const plain = annealIB(j, betas, { ...opts, merge: false }).points;
    const naive = naiveIB(px, pyx, betas, opts.tol, opts.maxIter);
    // the curve is not trivial: points spread over I(X;T) between 0 and H(X') < 5
    expect(Math.max(...merged.map((p) => p.ixt))).toBeGreaterThan(1.5);
    expect(new Set(merged.map((p) => p.ixt.toFixed(3))).size).toBeGreaterThan(8);
    for (let i = 0; i < betas.length; i++) {
      expect(Math.abs(merged[i].ixt - plain[i].ixt)).toBeLessThan(1e-6);
      expect(Math.abs(merged[i].ity - plain[i].ity)).toBeLessThan(1e-6);
      expect(Math.abs(merged[i].ixt - naive[i].ixt)).toBeLessThan(1e-6);
      expect(Math.abs(merged[i].ity - naive[i].ity)).toBeLessThan(1e-6);
    }
  }, 60_000);

  it('is concave, non-decreasing and ends with the flat part at I(X;Y)', () => {
    const c = ibCurve(j);
    expectConcaveNonDecreasing(c.points);
    for (const p of c.raw) expect(p.ity).toBeLessThanOrEqual(boundAt(c.points, p.ixt) + 1e-12);
    const last = c.points[c.points.length - 1], flat = c.points[c.points.length - 2];
    expect(last.ixt).toBeCloseTo(5, 12);
    expect(last.ity).toBeCloseTo(c.iXY, 12);
    // T = X' (6 classes) already reaches I(X;Y)
    const hXmerged = -[1, 5, 10, 10, 5, 1].reduce((s, k) => s + (k / 32) * log2(k / 32), 0);
    expect(flat.ixt).toBeCloseTo(hXmerged, 12);
    expect(flat.ity).toBeCloseTo(c.iXY, 12);
    // below any point the IB needs I(T;Y) <= I(X;T) and <= I(X;Y)
    for (let r = 0; r < 5; r += 0.05) expect(boundAt(c.points, r)).toBeLessThanOrEqual(Math.min(r, c.iXY) + 1e-12);
  });

  it('on ib12: the merged X has one value per distinct score n + |S|, and the curve is concave', () => {
    const data = ib12();
    const scores = new Set<string>();
    const bits = new Float64Array(12);
    for (let i = 0; i < 4096; i++) {
      for (let b = 0; b < 12; b++) bits[b] = data.X[i * 12 + b];
      scores.add(ib12Score(bits).toFixed(9));
    }
    const c = ibCurve(jointFromDataset(data, { kind: 'noisy', gamma: 5, theta: IB12_THRESHOLD }));
    expect(c.distinctX).toBe(scores.size);
    expectConcaveNonDecreasing(c.points);
    expect(c.points[c.points.length - 1].ixt).toBeCloseTo(12, 12);
    expect(c.iXY).toBeLessThan(c.hY);
    expect(c.iXY).toBeGreaterThan(0.5);
  }, 30_000);
});

describe('upperConcaveHull and boundAt', () => {
  it('drop points under the hull and interpolate linearly, flat past the end', () => {
    const pts: IBPoint[] = [{ beta: 5, ixt: 1, ity: 0.5 }, { beta: 4, ixt: 2, ity: 0.6 }, { beta: 3, ixt: 1.5, ity: 0.4 }];
    const hull = upperConcaveHull(pts, { beta: null, ixt: 4, ity: 0.7 });
    expect(hull.map((p) => [p.ixt, p.ity])).toEqual([[0, 0], [1, 0.5], [2, 0.6], [4, 0.7]]);
    expect(boundAt(hull, 0.5)).toBeCloseTo(0.25, 15);
    expect(boundAt(hull, 3)).toBeCloseTo(0.65, 15);
    expect(boundAt(hull, 10)).toBe(0.7);
    expect(boundAt(hull, NaN)).toBeNaN();
  });
});

describe('infoplane bound', () => {
  it('writes points, dataset, labelModel and hY for the data labels and for noisy labels', () => {
    const d = tmp();
    const r = cli(['bound', '--dataset', 'ib12', '--out', join(d, 'b.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/b\.json/);
    const b = JSON.parse(readFileSync(join(d, 'b.json'), 'utf8'));
    expect(b.dataset).toBe('ib12');
    expect(b.labelModel).toEqual({ kind: 'data' });
    expect(b.hY).toBeCloseTo(0.99916, 5);
    expect(b.points.map((p: IBPoint) => [p.ixt, p.ity].map((v) => Number(v.toFixed(5))))).toEqual([[0, 0], [0.99916, 0.99916], [12, 0.99916]]);

    const r2 = cli(['bound', '--dataset', 'ib12', '--label-noise-gamma', '8', '--label-noise-theta', '7', '--beta-max', '100', '--beta-step', '0.2', '--out', join(d, 'n.json')]);
    expect(r2.code, r2.stderr).toBe(0);
    const n = JSON.parse(readFileSync(join(d, 'n.json'), 'utf8'));
    expect(n.labelModel).toEqual({ kind: 'noisy', gamma: 8, theta: 7 });
    expect(n.beta).toEqual({ max: 100, min: 0.8, step: 0.2 });
    expect(n.points.length).toBeGreaterThan(10);
    for (const p of n.points) expect(Object.keys(p).sort()).toEqual(['beta', 'ity', 'ixt']);
    expectConcaveNonDecreasing(n.points);
    expect(n.points[n.points.length - 1].ity).toBeCloseTo(n.iXY, 12);
  }, 60_000);

  it('takes the empirical p(x,y) of a file: duplicate rows merged, their labels mixed', () => {
    const d = tmp(), file = join(d, 'dup.csv');
    // x=(0,0) twice with labels 0 and 1, x=(0,1) -> 1, x=(1,1) -> 0
    writeFileSync(file, 'a,b,y\n0,0,0\n0,0,1\n0,1,1\n1,1,0\n');
    const r = cli(['bound', '--dataset', file, '--out', join(d, 'b.json')]);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(readFileSync(join(d, 'b.json'), 'utf8'));
    expect(b.dataset).toBe('dup');
    expect(b.hY).toBeCloseTo(1, 12);
    expect(b.hX).toBeCloseTo(1.5, 12); // p(x) = 1/2, 1/4, 1/4
    expect(b.iXY).toBeCloseTo(0.5, 12); // H(Y|X) = 1/2 * 1 bit
    expect(b.distinctX).toBe(3);
  });

  it('answers bad input with one line, exit 2 and no output file', () => {
    const d = tmp(), small = join(d, 'small.csv');
    writeFileSync(small, 'a,b,y\n0,0,0\n0,1,1\n');
    const cases: [string[], RegExp][] = [
      [['--dataset', 'ib12', '--label-noise-theta', '7'], /--label-noise-theta: needs --label-noise-gamma/],
      [['--dataset', 'ib12', '--label-noise-gamma', 'abc'], /--label-noise-gamma: "abc"/],
      [['--dataset', 'ib12', '--label-noise-gamma', '-1'], /--label-noise-gamma/],
      [['--dataset', 'ib12', '--beta-min', '400'], /--beta-min: 400 is above --beta-max 300/],
      [['--dataset', 'ib12', '--beta-step', '0'], /--beta-step/],
      [['--dataset', 'ib12', '--beta-step', '1e-9'], /--beta-step: .* at most 10000/],
      [['--dataset', join(d, 'missing.csv')], /missing\.csv/],
      [['--dataset', small, '--label-noise-gamma', '5'], /--label-noise-gamma: .*12 input bits.*2 inputs/],
    ];
    for (const [args, msg] of cases) {
      const out = join(d, 'out.json');
      const r = cli(['bound', ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
    const noOut = cli(['bound', '--dataset', 'ib12']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out/);
  }, 60_000);
});

describe('infoplane run --bound', () => {
  it('stores the bound and the gaps, and every trained layer lies on or below the bound', () => {
    const d = tmp();
    const r = cli(['run', '--epochs', '300', '--mi-schedule', 'every:30', '--layers', '10,7,5', '--repeats', '2', '--threads', '1', '--bound', '--out', d]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(d, 'infoplane.json'), 'utf8'));
    expect(res.config.bound).toBe(true);
    expect(res.bound.labelModel).toEqual({ kind: 'data' });
    const hY = res.dataset.hY;
    const points: IBPoint[] = res.bound.points;
    const gap = res.boundGap.bin;
    expect(gap).toHaveLength(4);
    for (const rec of [res, ...res.runs]) {
      const { ixt, ity } = rec.mi.bin;
      for (let l = 0; l < 4; l++) {
        for (let k = 0; k < res.epochs.length; k++) {
          // deterministic labels: the bound is min(I(X;T), H(Y))
          expect(boundAt(points, ixt[l][k])).toBeCloseTo(Math.min(ixt[l][k], hY), 9);
          expect(ity[l][k]).toBeLessThanOrEqual(boundAt(points, ixt[l][k]) + 1e-6);
        }
      }
    }
    for (let l = 0; l < 4; l++) {
      for (let k = 0; k < res.epochs.length; k++) {
        expect(gap[l][k]).toBeCloseTo(boundAt(points, res.mi.bin.ixt[l][k]) - res.mi.bin.ity[l][k], 12);
        expect(gap[l][k]).toBeGreaterThanOrEqual(-1e-6);
      }
    }
    expect(res.phases.snrTransition).toHaveLength(4);
    expect(res.runs[1].phases.compression.bin).toHaveLength(4);
  }, 60_000);

  it('rejects label-model options that do not fit, before training', () => {
    const d = tmp(), small = join(d, 'small.csv');
    writeFileSync(small, 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
    const cases: [string[], RegExp][] = [
      [['--label-noise-gamma', '5'], /--label-noise-gamma: .*add --bound/],
      [['--bound', '--label-noise-theta', '7'], /--label-noise-theta: needs --label-noise-gamma/],
      [['--bound', '--label-noise-gamma', '5', '--dataset', small], /--label-noise-gamma: .*12 input bits/],
      [['--compression-threshold', '-1'], /--compression-threshold/],
    ];
    for (const [args, msg] of cases) {
      const out = join(d, 'o');
      const r = cli(['run', '--epochs', '5', ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(join(out, 'infoplane.json'))).toBe(false);
    }
  }, 60_000);
});
