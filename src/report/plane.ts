// The information plane as one figure description: scales, ticks, colour by epoch, layer markers,
// legend, the IB bound and the spread over networks, drawn through a small Painter interface onto a
// canvas (the report, the web app) or written out as SVG (figures for papers, `report --svg`).
// Browser-safe and DOM-free when loaded: the report inlines the compiled file, the web app imports
// it, and Node writes SVG with it.

import type { InfoplaneResult, LayerInfo, MiSeries } from '../record/schema.js';

export type Rgb = readonly [number, number, number];
export type Interval = [number, number];

/** Viridis, 9 anchors; cmap interpolates linearly between them (an SVG gradient with the same
 *  stops draws the same ramp). */
export const VIRIDIS: readonly Rgb[] = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];

const hex2 = (v: number) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');
export const hex = (c: Rgb): string => `#${hex2(c[0])}${hex2(c[1])}${hex2(c[2])}`;

/** The viridis colour at t in [0, 1], as #rrggbb. */
export function cmap(t: number): string {
  const s = (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 1) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(s)), f = s - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return hex([a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])]);
}

/** Line colours per layer (gradient plots) and per series. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const TRAIN_COLOUR = '#1f77b4';
export const TEST_COLOUR = '#d62728';
const BOUND_COLOUR = '#c81e1e';

// ---- layer markers: unit-radius vertex lists (null = circle), distinct when small ----
function ngon(n: number, rot: number, inner = 0): [number, number][] {
  const m = inner ? 2 * n : n, v: [number, number][] = [];
  for (let j = 0; j < m; j++) {
    const a = rot + (j * 2 * Math.PI) / m, q = inner && j % 2 ? inner : 1;
    v.push([q * Math.cos(a), q * Math.sin(a)]);
  }
  return v;
}
const PLUS: [number, number][] = [[-1, -3], [1, -3], [1, -1], [3, -1], [3, 1], [1, 1], [1, 3], [-1, 3], [-1, 1], [-3, 1], [-3, -1], [-1, -1]]
  .map(([x, y]) => [x * 0.4, y * 0.4]);
/** circle, square, triangle up, diamond, triangle down, star, plus, triangle right; scaled to equal area. */
const SHAPES: ([number, number][] | null)[] = [null, ngon(4, Math.PI / 4).map(sc(1.2)), ngon(3, -Math.PI / 2).map(sc(1.4)),
  ngon(4, -Math.PI / 2).map(sc(1.3)), ngon(3, Math.PI / 2).map(sc(1.4)), ngon(5, -Math.PI / 2, 0.45).map(sc(1.6)),
  PLUS.map(sc(1.05)), ngon(3, 0).map(sc(1.4))];
function sc(s: number) { return ([x, y]: [number, number]): [number, number] => [x * s, y * s]; }

/** Layer l's marker as vertices at radius 1 (y down), or null for a circle. */
export function markerShape(l: number): [number, number][] | null {
  return SHAPES[l % SHAPES.length];
}

/** The marker radius in CSS px: smaller when there are many logged epochs. */
export const markerRadius = (nK: number): number => (nK > 2000 ? 2.2 : nK > 500 ? 2.9 : 3.6);
/** Opacity of the per-epoch polylines through the layers. */
export const epochLineAlpha = (nK: number): number => Math.min(0.5, Math.max(0.05, 5 / Math.sqrt(Math.max(1, nK))));
/** Opacity of one network's path: 50 networks stay a faint cloud. */
export const runPathAlpha = (nRuns: number): number => Math.min(0.35, Math.max(0.05, 1.2 / Math.sqrt(Math.max(1, nRuns))));
/** Above this many logged epochs the markers get no outline (it would turn them black). */
const OUTLINE_MAX_K = 1500;

// ---- ticks ----
/** 1, 2, 5 x 10^n in [lo, hi] (lo > 0): the colour bar's epochs on a log(epoch + 1) scale. */
export function niceTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= hi * 10; p *= 10) for (const m of [1, 2, 5]) if (m * p >= lo && m * p <= hi) out.push(m * p);
  return out;
}

/** Evenly spaced "round" ticks (step 1, 2 or 5 x 10^n) in [lo, hi], at most about maxCount of them. */
export function linearTicks(lo: number, hi: number, maxCount = 8): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, maxCount);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** A tick label: no float noise (0.30000000000000004 -> 0.3). */
export const tickLabel = (v: number): string => String(Number(v.toPrecision(10)));

// ---- the figure's data and its derived geometry ----
export interface PlaneInput {
  /** Logged epochs; k indexes them. */
  epochs: number[];
  /** [layer][k] in bits (NaN or null where missing). */
  ixt: (number | null)[][]; ity: (number | null)[][];
  /** Legend label per layer. */
  layers: string[];
  /** H(Y), bits: the I(T;Y) axis bound (dashed line). */
  hY?: number;
  /** log2 N (or H(X)), bits: the I(X;T) axis bound. */
  log2N?: number;
  /** The IB bound curve, I(X;T) ascending. */
  bound?: { ixt: number; ity: number }[];
  boundLabel?: string;
  /** 95% CI of the mean over networks, [layer][k]. */
  ci?: { ixt: Interval[][]; ity: Interval[][] };
  /** Each network's own plane (thin faint paths). */
  runs?: { ixt: (number | null)[][]; ity: (number | null)[][] }[];
  /** The last epoch of the colour scale (default: the last logged epoch): the live app colours by the run's end. */
  maxEpoch?: number;
}

export interface PlaneModel extends PlaneInput {
  x: Interval; y: Interval;
  maxE: number;
  /** Epoch colour per k. */
  colours: string[];
  /** Position of epoch e on the colour scale, 0..1 (log(e + 1) / log(maxE + 1)). */
  tOf(e: number): number;
  /** The k (ascending) at which the CI crosses are drawn: spread evenly over the colour scale. */
  ciK: number[];
}

export const fin = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const finPair = (c: Interval | undefined) => !!c && fin(c[0]) && fin(c[1]);

/** How many CI crosses per layer: enough to show the spread along the path, few enough to read. */
const CI_CROSSES = 7;

export function planeModel(d: PlaneInput): PlaneModel {
  let x0 = 0, x1 = fin(d.log2N) && d.log2N > 0 ? d.log2N : 1;
  let y0 = 0, y1 = fin(d.hY) && d.hY > 0 ? d.hY * 1.02 : 1;
  const widen = (x: unknown, y: unknown) => {
    if (fin(x)) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    if (fin(y)) { y0 = Math.min(y0, y); y1 = Math.max(y1, y * 1.02); }
  };
  // widen the axes if an estimator strays outside the theoretical bounds
  d.ixt.forEach((row, l) => row.forEach((x, k) => widen(x, d.ity[l]?.[k])));
  let maxE = fin(d.maxEpoch) ? d.maxEpoch : 0;
  for (const e of d.epochs) if (fin(e) && e > maxE) maxE = e;
  const logMax = Math.log(maxE + 1);
  const tOf = (e: number) => (logMax > 0 && fin(e) ? Math.log(Math.max(e, 0) + 1) / logMax : 1);
  const colours = d.epochs.map((e) => cmap(tOf(e)));
  const ciK: number[] = [];
  if (d.ci) {
    const ok = (k: number) => d.ci!.ixt.some((r, l) => finPair(r[k]) && finPair(d.ci!.ity[l]?.[k]));
    for (let i = 0; i < CI_CROSSES; i++) {
      const target = i / (CI_CROSSES - 1);
      let best = -1;
      d.epochs.forEach((e, k) => { if (ok(k) && (best < 0 || Math.abs(tOf(e) - target) < Math.abs(tOf(d.epochs[best]) - target))) best = k; });
      if (best >= 0 && !ciK.includes(best)) ciK.push(best);
    }
    ciK.sort((a, b) => a - b);
  }
  return { ...d, x: [x0, x1], y: [y0, y1], maxE, colours, tOf, ciK };
}

/** Bootstrap 95% CIs of the averaged series over networks, [lo, hi] beside each value (written by
 *  record/ with 2+ networks; same indexing as the series). */
export interface Ci95 {
  trainLoss?: Interval[]; trainAcc?: Interval[]; testLoss?: Interval[]; testAcc?: Interval[];
  gradMean?: Interval[][]; gradStd?: Interval[][];
  mi?: Record<string, { ixt: Interval[][]; ity: Interval[][] }>;
}
/** What the report reads: a result, with its uncertainty when present. */
export type ReportResult = InfoplaneResult & { ci95?: Ci95 };

export const layerLabel = (layer: LayerInfo | undefined, l: number): string =>
  layer ? `${layer.name} (${layer.width}, ${layer.activation})` : `layer ${l + 1}`;

/** The plane of one estimator of a result (averaged series, its CIs, every network, the bound). */
export function planeInputFromResult(r: ReportResult, estimator: string, run?: number): PlaneInput {
  const mean = r.mi?.[estimator];
  const one = run === undefined ? undefined : r.runs?.[run];
  const src = one ? one.mi?.[estimator] : mean;
  const nL = Math.max(src?.ixt?.length ?? 0, src?.ity?.length ?? 0);
  const runs = (r.runs ?? []).map((x) => x.mi?.[estimator]).filter((x): x is MiSeries => !!x);
  const ci = r.ci95?.mi?.[estimator];
  const labelled = r.bound?.labelModel?.kind === 'noisy' ? 'IB bound (noisy labels)' : 'IB bound';
  return {
    epochs: one?.epochs ?? r.epochs ?? [],
    ixt: src?.ixt ?? [], ity: src?.ity ?? [],
    layers: Array.from({ length: nL }, (_, l) => layerLabel(r.layers?.[l], l)),
    hY: r.dataset?.hY, log2N: r.dataset?.log2N,
    bound: r.bound?.points, boundLabel: labelled,
    ci: one || !ci ? undefined : ci,
    runs: one || runs.length < 2 ? undefined : runs,
    maxEpoch: Math.max(0, ...(r.epochs ?? []).filter(fin)),
  };
}

/** The figure's file name for an estimator (any characters outside [A-Za-z0-9_-] become _). */
export const svgFileName = (estimator: string): string => `plane-${estimator.replace(/[^A-Za-z0-9_-]/g, '_')}.svg`;

// ---- drawing ----
/** Where the plot area is and how values map to it, in the painter's units (canvas px or SVG user units). */
export interface Frame {
  left: number; top: number; width: number; height: number;
  /** Painter units per CSS px (the canvas's device pixel ratio; 1 in SVG). */
  px: number;
  sx(v: number): number; sy(v: number): number;
}

export interface TextStyle {
  size: number; colour: string; align?: 'left' | 'center' | 'right';
  baseline?: 'top' | 'middle' | 'bottom'; rotate?: boolean; bold?: boolean;
}
export interface StrokeStyle { colour: string; width: number; alpha?: number; dash?: number[] }
export interface MarkerItem { layer: number; x: number; y: number }

/** What a surface must do to draw the plane. Units are the frame's. */
export interface Painter {
  clip(f: Frame, draw: () => void): void;
  polyline(pts: [number, number][], s: StrokeStyle): void;
  /** Markers of one fill colour (each in its layer's shape), radius r, with an optional outline. */
  markers(items: MarkerItem[], r: number, fill: string, outline?: StrokeStyle): void;
  rect(x: number, y: number, w: number, h: number, fill?: string, stroke?: StrokeStyle): void;
  /** A closed polygon filled with colour at alpha (bands, CI spans). */
  fill(pts: [number, number][], colour: string, alpha: number): void;
  /** The colour scale as a vertical bar, t = 1 at the top. */
  ramp(x: number, y: number, w: number, h: number): void;
  text(x: number, y: number, s: string, t: TextStyle): void;
}

export interface DrawOptions {
  /** Draw logged epochs 0..shownK (the epoch slider). */
  shownK?: number;
  /** Per layer: drawn or hidden (the legend toggles). */
  visible?: boolean[];
  /** The networks' own paths (default: on when there are 2+). */
  showRuns?: boolean;
  /** The CI crosses (default: on when ci is present). */
  showCi?: boolean;
  /** Marker size relative to markerRadius (small multiples use less). */
  markerScale?: number;
}

/** Points [l][k] in frame units, null where missing or past shownK. */
export function planePositions(m: PlaneModel, f: Frame, shownK: number): ([number, number] | null)[][] {
  return m.ixt.map((row, l) => {
    const out: ([number, number] | null)[] = [];
    for (let k = 0; k <= shownK && k < m.epochs.length; k++) {
      const x = row[k], y = m.ity[l]?.[k];
      out.push(fin(x) && fin(y) ? [f.sx(x), f.sy(y)] : null);
    }
    return out;
  });
}

/** Everything inside the plot area: the H(Y) line, the bound, the networks' paths, the epoch
 *  polylines, the CI crosses and the markers (late epochs on top). Returns the points drawn per layer. */
export function drawPlane(p: Painter, m: PlaneModel, f: Frame, o: DrawOptions = {}): number[] {
  const nK = m.epochs.length, L = m.ixt.length, px = f.px;
  const shownK = Math.min(nK - 1, o.shownK ?? nK - 1);
  const vis = (l: number) => o.visible?.[l] !== false;
  const P = planePositions(m, f, shownK);
  const drawn = new Array<number>(L).fill(0);
  p.clip(f, () => {
    if (fin(m.hY)) {
      const y = f.sy(m.hY);
      p.polyline([[f.left, y], [f.left + f.width, y]], { colour: '#999999', width: px, dash: [5 * px, 4 * px] });
      p.text(f.left + 4 * px, y + 3 * px, 'H(Y)', { size: 11 * px, colour: '#777777', baseline: 'top' });
    }
    if (m.bound && m.bound.length >= 2) drawBound(p, m, f);
    if (m.runs && m.runs.length > 1 && o.showRuns !== false) {
      const s: StrokeStyle = { colour: '#555555', width: 0.8 * px, alpha: runPathAlpha(m.runs.length) };
      for (const run of m.runs) {
        for (let l = 0; l < L; l++) {
          if (!vis(l)) continue;
          segments((k) => { const x = run.ixt[l]?.[k], y = run.ity[l]?.[k]; return fin(x) && fin(y) ? [f.sx(x), f.sy(y)] : null; },
            shownK + 1, (pts) => p.polyline(pts, s));
        }
      }
    }
    const alpha = epochLineAlpha(nK);
    for (let k = 0; k <= shownK; k++) {
      const s: StrokeStyle = { colour: m.colours[k], width: px, alpha };
      segments((l) => (vis(l) ? P[l][k] : null), L, (pts) => p.polyline(pts, s));
    }
    const outline: StrokeStyle | undefined = nK <= OUTLINE_MAX_K ? { colour: '#000000', width: 0.6 * px, alpha: 0.5 } : undefined;
    const r = markerRadius(nK) * (o.markerScale ?? 1) * px;
    for (let k = 0; k <= shownK; k++) {
      const items: MarkerItem[] = [];
      for (let l = 0; l < L; l++) {
        const q = P[l][k];
        if (vis(l) && q) { items.push({ layer: l, x: q[0], y: q[1] }); drawn[l]++; }
      }
      if (items.length) p.markers(items, r, m.colours[k], outline);
    }
    if (m.ci && o.showCi !== false) drawCiCrosses(p, m, f, shownK, vis);
  });
  return drawn;
}

/** Runs of consecutive non-null points as polylines (a missing point breaks the line). */
function segments(at: (i: number) => [number, number] | null, n: number, emit: (pts: [number, number][]) => void): void {
  let cur: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const q = at(i);
    if (q) cur.push(q);
    else { if (cur.length > 1) emit(cur); cur = []; }
  }
  if (cur.length > 1) emit(cur);
}

function drawBound(p: Painter, m: PlaneModel, f: Frame): void {
  const B = m.bound!, px = f.px;
  p.polyline(B.map((b) => [f.sx(b.ixt), f.sy(b.ity)]), { colour: BOUND_COLOUR, width: 2 * px, alpha: 0.75 });
  // label right of the curve at half its height (clear of the layers, which sit to its right)
  const half = B[B.length - 1].ity / 2;
  let i = 1;
  while (i < B.length && B[i].ity < half) i++;
  if (i < B.length) {
    const a = B[i - 1], c = B[i], t = c.ity > a.ity ? (half - a.ity) / (c.ity - a.ity) : 0;
    p.text(f.sx(a.ixt + t * (c.ixt - a.ixt)) + 6 * px, f.sy(half), m.boundLabel ?? 'IB bound',
      { size: 11 * px, colour: '#b41e1e', baseline: 'middle' });
  }
}

/** 95% CI of the mean as a cross (horizontal: I(X;T), vertical: I(T;Y)) at a few epochs. */
function drawCiCrosses(p: Painter, m: PlaneModel, f: Frame, shownK: number, vis: (l: number) => boolean): void {
  const px = f.px, ci = m.ci!;
  for (const k of m.ciK) {
    if (k > shownK) break;
    for (let l = 0; l < m.ixt.length; l++) {
      const cx = ci.ixt[l]?.[k], cy = ci.ity[l]?.[k], x = m.ixt[l][k], y = m.ity[l]?.[k];
      if (!vis(l) || !finPair(cx) || !finPair(cy) || !fin(x) || !fin(y)) continue;
      const h: [number, number][] = [[f.sx(cx![0]), f.sy(y)], [f.sx(cx![1]), f.sy(y)]];
      const v: [number, number][] = [[f.sx(x), f.sy(cy![0])], [f.sx(x), f.sy(cy![1])]];
      for (const seg of [h, v]) {
        p.polyline(seg, { colour: '#000000', width: 3 * px, alpha: 0.55 });
        p.polyline(seg, { colour: m.colours[k], width: 1.5 * px });
      }
    }
  }
}

/** The colour bar right of the plot area, ticks at 0, 1, 2, 5, 10, ... and the last epoch. */
export function drawColourBar(p: Painter, m: PlaneModel, f: Frame): void {
  const px = f.px, bx = f.left + f.width + 22 * px, bw = 14 * px, top = f.top, h = f.height;
  p.ramp(bx, top, bw, h);
  p.rect(bx, top, bw, h, undefined, { colour: '#666666', width: px });
  let last = -1e9;
  const tick = (e: number, force: boolean) => {
    const y = top + h * (1 - m.tOf(e));
    if (!force && (Math.abs(y - last) < 13 * px || Math.abs(y - top) < 13 * px)) return;
    p.polyline([[bx + bw, y], [bx + bw + 4 * px, y]], { colour: '#666666', width: px });
    p.text(bx + bw + 6 * px, y, String(e), { size: 11 * px, colour: '#222222', baseline: 'middle' });
    last = y;
  };
  for (const e of [0, ...niceTicks(1, m.maxE)]) if (e < m.maxE) tick(e, false);
  tick(m.maxE, true);
  p.text(bx + bw / 2 + 8 * px, top - 6 * px, 'epoch', { size: 11 * px, colour: '#222222', align: 'center', baseline: 'bottom' });
}

// ---- canvas ----
export class CanvasPainter implements Painter {
  constructor(readonly ctx: CanvasRenderingContext2D) {}
  private stroke(s: StrokeStyle): void {
    const c = this.ctx;
    c.strokeStyle = s.colour; c.lineWidth = s.width; c.globalAlpha = s.alpha ?? 1; c.setLineDash(s.dash ?? []);
  }
  clip(f: Frame, draw: () => void): void {
    const c = this.ctx;
    c.save(); c.beginPath(); c.rect(f.left, f.top, f.width, f.height); c.clip();
    try { draw(); } finally { c.restore(); }
  }
  polyline(pts: [number, number][], s: StrokeStyle): void {
    const c = this.ctx;
    c.save(); this.stroke(s); c.beginPath();
    pts.forEach(([x, y], i) => (i ? c.lineTo(x, y) : c.moveTo(x, y)));
    c.stroke(); c.restore();
  }
  markers(items: MarkerItem[], r: number, fill: string, outline?: StrokeStyle): void {
    const c = this.ctx;
    c.save(); c.beginPath();
    for (const it of items) markerPath(c, it.layer, it.x, it.y, r);
    c.fillStyle = fill; c.fill();
    if (outline) { this.stroke(outline); c.stroke(); }
    c.restore();
  }
  rect(x: number, y: number, w: number, h: number, fill?: string, stroke?: StrokeStyle): void {
    const c = this.ctx;
    c.save();
    if (fill) { c.fillStyle = fill; c.fillRect(x, y, w, h); }
    if (stroke) { this.stroke(stroke); c.strokeRect(x, y, w, h); }
    c.restore();
  }
  fill(pts: [number, number][], colour: string, alpha: number): void {
    const c = this.ctx;
    c.save(); c.beginPath();
    pts.forEach(([x, y], i) => (i ? c.lineTo(x, y) : c.moveTo(x, y)));
    c.closePath(); c.fillStyle = colour; c.globalAlpha = alpha; c.fill(); c.restore();
  }
  ramp(x: number, y: number, w: number, h: number): void {
    const c = this.ctx, g = c.createLinearGradient(0, y + h, 0, y);
    VIRIDIS.forEach((v, i) => g.addColorStop(i / (VIRIDIS.length - 1), hex(v)));
    c.save(); c.fillStyle = g; c.fillRect(x, y, w, h); c.restore();
  }
  text(x: number, y: number, s: string, t: TextStyle): void {
    const c = this.ctx;
    c.save();
    c.fillStyle = t.colour; c.font = `${t.bold ? '600 ' : ''}${t.size}px sans-serif`;
    c.textAlign = t.align ?? 'left'; c.textBaseline = t.baseline ?? 'alphabetic';
    if (t.rotate) { c.translate(x, y); c.rotate(-Math.PI / 2); c.fillText(s, 0, 0); } else c.fillText(s, x, y);
    c.restore();
  }
}

/** Adds layer l's marker at (x, y), radius r, to the current path. */
export function markerPath(c: CanvasRenderingContext2D, l: number, x: number, y: number, r: number): void {
  const v = markerShape(l);
  if (!v) { c.moveTo(x + r, y); c.arc(x, y, r, 0, 2 * Math.PI); return; }
  c.moveTo(x + r * v[0][0], y + r * v[0][1]);
  for (let j = 1; j < v.length; j++) c.lineTo(x + r * v[j][0], y + r * v[j][1]);
  c.closePath();
}

// ---- SVG ----
const num = (v: number) => (Math.round(v * 100) / 100).toString();
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const strokeAttrs = (s: StrokeStyle) => `stroke="${s.colour}" stroke-width="${num(s.width)}"` +
  (s.alpha !== undefined && s.alpha < 1 ? ` stroke-opacity="${Math.round(s.alpha * 1000) / 1000}"` : '') +
  (s.dash?.length ? ` stroke-dasharray="${s.dash.map(num).join(' ')}"` : '');

/** Collects SVG elements; layer markers are <use> references to one <path> per shape. Ids start
 *  with idPrefix, so that several figures can sit inline in one HTML page. */
export class SvgPainter implements Painter {
  constructor(readonly idPrefix = '') {}
  readonly parts: string[] = [];
  private clips = 0;
  private shapes = new Map<string, string>();
  private ramps = 0;
  readonly defs: string[] = [];
  clip(f: Frame, draw: () => void): void {
    const id = `${this.idPrefix}clip${this.clips++}`;
    this.defs.push(`<clipPath id="${id}"><rect x="${num(f.left)}" y="${num(f.top)}" width="${num(f.width)}" height="${num(f.height)}"/></clipPath>`);
    this.parts.push(`<g clip-path="url(#${id})">`);
    draw();
    this.parts.push('</g>');
  }
  polyline(pts: [number, number][], s: StrokeStyle): void {
    this.parts.push(`<polyline fill="none" ${strokeAttrs(s)} points="${pts.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}"/>`);
  }
  private shape(layer: number, r: number): string {
    const key = layer % SHAPES.length, id = `${this.idPrefix}m${key}-${Math.round(r * 100)}`;
    if (!this.shapes.has(id)) {
      const v = markerShape(key);
      this.shapes.set(id, id);
      this.defs.push(v ? `<path id="${id}" d="M${v.map(([x, y]) => `${num(r * x)} ${num(r * y)}`).join('L')}Z"/>`
        : `<circle id="${id}" r="${num(r)}"/>`);
    }
    return id;
  }
  markers(items: MarkerItem[], r: number, fill: string, outline?: StrokeStyle): void {
    this.parts.push(`<g class="markers" fill="${fill}"${outline ? ' ' + strokeAttrs(outline) : ''}>` +
      items.map((it) => `<use xlink:href="#${this.shape(it.layer, r)}" x="${num(it.x)}" y="${num(it.y)}" data-layer="${it.layer}"/>`).join('') + '</g>');
  }
  rect(x: number, y: number, w: number, h: number, fill?: string, stroke?: StrokeStyle): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${fill ?? 'none'}"${stroke ? ' ' + strokeAttrs(stroke) : ''}/>`);
  }
  ramp(x: number, y: number, w: number, h: number): void {
    const id = `${this.idPrefix}ramp${this.ramps++}`;
    this.defs.push(`<linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">` +
      VIRIDIS.map((v, i) => `<stop offset="${num(i / (VIRIDIS.length - 1))}" stop-color="${hex(v)}"/>`).join('') + '</linearGradient>');
    this.parts.push(`<rect class="colour-bar" x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="url(#${id})"/>`);
  }
  fill(pts: [number, number][], colour: string, alpha: number): void {
    this.parts.push(`<polygon fill="${colour}" fill-opacity="${Math.round(alpha * 1000) / 1000}" stroke="none" points="${pts.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}"/>`);
  }
  text(x: number, y: number, s: string, t: TextStyle): void {
    const anchor = t.align === 'center' ? 'middle' : t.align === 'right' ? 'end' : 'start';
    const base = t.baseline === 'top' ? 'hanging' : t.baseline === 'middle' ? 'central' : t.baseline === 'bottom' ? 'text-after-edge' : 'auto';
    const pos = t.rotate ? `transform="translate(${num(x)} ${num(y)}) rotate(-90)"` : `x="${num(x)}" y="${num(y)}"`;
    this.parts.push(`<text ${pos} font-size="${num(t.size)}" fill="${t.colour}" text-anchor="${anchor}" dominant-baseline="${base}"` +
      `${t.bold ? ' font-weight="600"' : ''}>${escapeXml(s)}</text>`);
  }
}

export interface SvgOptions extends DrawOptions {
  /** Plot area size in px (the axes, colour bar and legend come on top). */
  width?: number; height?: number;
  title?: string;
  /** Prefix of the document's ids (several planes inline in one page). */
  idPrefix?: string;
  /** Without the XML declaration, for inlining into HTML. */
  inline?: boolean;
}

/** The plane as a standalone SVG document: axes with ticks and labels, the plot, the colour bar
 *  and the legend of layer markers. */
export function planeSvg(m: PlaneModel, o: SvgOptions = {}): string {
  const W = o.width ?? 560, H = o.height ?? 420;
  const left = 58, top = o.title ? 46 : 30, bar = 100;
  const legendW = 20 + 7 * Math.max(8, ...m.layers.map((s) => s.length));
  const extra = (m.ci ? 1 : 0) + (m.runs && m.runs.length > 1 ? 1 : 0) + (m.bound && m.bound.length > 1 ? 1 : 0);
  const total = { w: left + W + bar + legendW, h: Math.max(top + H + 48, top + 22 + 18 * (m.layers.length + extra) + 10) };
  const f: Frame = {
    left, top, width: W, height: H, px: 1,
    sx: (v) => left + ((v - m.x[0]) / (m.x[1] - m.x[0])) * W,
    sy: (v) => top + H - ((v - m.y[0]) / (m.y[1] - m.y[0])) * H,
  };
  const p = new SvgPainter(o.idPrefix);
  if (o.title) p.text(left, 18, o.title, { size: 14, colour: '#222222', baseline: 'middle', bold: true });
  // axes: grid, frame, ticks and labels; the same ticks the canvas plane uses
  const axisStroke: StrokeStyle = { colour: '#444444', width: 1 };
  p.parts.push('<g class="axis x">');
  for (const v of linearTicks(m.x[0], m.x[1])) {
    const x = f.sx(v);
    p.polyline([[x, top], [x, top + H]], { colour: '#000000', width: 1, alpha: 0.07 });
    p.polyline([[x, top + H], [x, top + H + 5]], axisStroke);
    p.text(x, top + H + 8, tickLabel(v), { size: 11, colour: '#222222', align: 'center', baseline: 'top' });
  }
  p.text(left + W / 2, top + H + 40, 'I(X;T)  [bits]', { size: 12, colour: '#222222', align: 'center', baseline: 'bottom', bold: true });
  p.parts.push('</g><g class="axis y">');
  for (const v of linearTicks(m.y[0], m.y[1], 6)) {
    const y = f.sy(v);
    p.polyline([[left, y], [left + W, y]], { colour: '#000000', width: 1, alpha: 0.07 });
    p.polyline([[left - 5, y], [left, y]], axisStroke);
    p.text(left - 8, y, tickLabel(v), { size: 11, colour: '#222222', align: 'right', baseline: 'middle' });
  }
  p.text(16, top + H / 2, 'I(T;Y)  [bits]', { size: 12, colour: '#222222', align: 'center', baseline: 'middle', bold: true, rotate: true });
  p.parts.push('</g>');
  p.rect(left, top, W, H, undefined, axisStroke);
  drawPlane(p, m, f, o);
  drawColourBar(p, m, f);
  // legend: one marker per layer, then the extra elements
  const lx = left + W + bar, r = 4.5;
  p.parts.push('<g class="legend">');
  p.text(lx, top + 4, 'layer', { size: 11, colour: '#666666', baseline: 'middle' });
  m.layers.forEach((name, l) => {
    const y = top + 22 + 18 * l;
    p.markers([{ layer: l, x: lx + 6, y }], r, '#888888', { colour: '#222222', width: 1 });
    p.text(lx + 16, y, name, { size: 11, colour: '#222222', baseline: 'middle' });
  });
  let y = top + 22 + 18 * m.layers.length;
  if (m.bound && m.bound.length > 1) {
    p.polyline([[lx, y], [lx + 12, y]], { colour: BOUND_COLOUR, width: 2, alpha: 0.75 });
    p.text(lx + 16, y, 'IB bound', { size: 11, colour: '#222222', baseline: 'middle' }); y += 18;
  }
  if (m.ci) {
    p.polyline([[lx, y], [lx + 12, y]], { colour: '#000000', width: 3, alpha: 0.55 });
    p.polyline([[lx + 6, y - 6], [lx + 6, y + 6]], { colour: '#000000', width: 3, alpha: 0.55 });
    p.text(lx + 16, y, '95% CI of mean', { size: 11, colour: '#222222', baseline: 'middle' }); y += 18;
  }
  if (m.runs && m.runs.length > 1) {
    p.polyline([[lx, y], [lx + 12, y]], { colour: '#555555', width: 1, alpha: 0.5 });
    p.text(lx + 16, y, `${m.runs.length} networks`, { size: 11, colour: '#222222', baseline: 'middle' });
  }
  p.parts.push('</g>');
  return `${o.inline ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n'}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${num(total.w)}" height="${num(total.h)}" viewBox="0 0 ${num(total.w)} ${num(total.h)}" font-family="Helvetica, Arial, sans-serif" ` +
    `data-x-domain="${m.x.join(' ')}" data-y-domain="${m.y.join(' ')}" data-frame="${[left, top, W, H].join(' ')}">\n` +
    `<rect width="100%" height="100%" fill="#ffffff"/>\n<defs>${p.defs.join('')}</defs>\n${p.parts.join('\n')}\n</svg>\n`;
}
