// uPlot glue shared by the report (client.ts) and the web app: the plane's plot options (axes on the
// plane module's ticks), its frame for drawPlane, hover lookup, line plots against epoch with 95%
// bands, downloads. Browser-only at call time; nothing runs at load time. uPlot is the page's global
// (inlined into the report, a <script> in the app).
import type uPlot from 'uplot';
import { CanvasPainter, drawColourBar, drawPlane, linearTicks, markerPath, tickLabel, type DrawOptions, type Frame, type Interval, type PlaneModel } from './plane.js';

export const UPlotOf = (): typeof uPlot => (globalThis as unknown as { uPlot: typeof uPlot }).uPlot;

/** The plot area of u in canvas px, and its value-to-pixel maps. */
export function uplotFrame(u: uPlot): Frame {
  const b = u.bbox;
  return { left: b.left, top: b.top, width: b.width, height: b.height, px: UPlotOf().pxRatio,
    sx: (v) => u.valToPos(v, 'x', true), sy: (v) => u.valToPos(v, 'y', true) };
}

/** Right padding of the plane for its colour bar, CSS px. */
export const COLOUR_BAR_PAD = 90;

/** uPlot options of a plane over m: fixed scales (double-click resets both), axes on linearTicks,
 *  and a draw hook calling drawPlane with what opts() says now. `drawn` receives the points drawn per layer. */
export function planeOptions(m: () => PlaneModel, width: number, height: number, opts: () => DrawOptions,
  drawn: (perLayer: number[]) => void, setCursor?: (u: uPlot) => void): uPlot.Options {
  const splits = (_u: uPlot, _i: number, lo: number, hi: number) => linearTicks(lo, hi, 8);
  const values = (_u: uPlot, v: number[]) => v.map(tickLabel);
  return {
    mode: 2, width: width + COLOUR_BAR_PAD, height, padding: [28, COLOUR_BAR_PAD, 0, 0], legend: { show: false },
    cursor: { drag: { x: true, y: true }, points: { show: false } },
    scales: { x: { time: false, auto: false, range: () => m().x }, y: { auto: false, range: () => m().y } },
    axes: [{ label: 'I(X;T)  [bits]', splits, values }, { label: 'I(T;Y)  [bits]', splits, values }],
    series: [{}, { label: 'plane', paths: () => null, points: { show: false },
      facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] }] as uPlot.Series[],
    hooks: {
      draw: [(u: uPlot) => {
        const f = uplotFrame(u), p = new CanvasPainter(u.ctx);
        drawn(drawPlane(p, m(), f, opts()));
        drawColourBar(p, m(), f);
      }],
      ...(setCursor ? { setCursor: [setCursor] } : {}),
    },
  } as uPlot.Options;
}

/** Plane data for uPlot: nothing (points are drawn by the hook from the model). */
export const PLANE_DATA = [null, [[], []]] as unknown as uPlot.AlignedData;

/** The nearest drawn point within 10 CSS px of the cursor, as [layer, k]. */
export function nearestPoint(u: uPlot, m: PlaneModel, shownK: number, visible: boolean[]): [number, number] | null {
  const cx = u.cursor.left ?? -1, cy = u.cursor.top ?? -1;
  if (cx < 0 || cy < 0) return null;
  let best: [number, number] | null = null, bd = 100;
  for (let l = 0; l < m.ixt.length; l++) {
    if (visible[l] === false) continue;
    for (let k = 0; k <= shownK && k < m.epochs.length; k++) {
      const x = m.ixt[l][k], y = m.ity[l]?.[k];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      const dx = u.valToPos(x, 'x') - cx, dy = u.valToPos(y, 'y') - cy, d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = [l, k]; }
    }
  }
  return best;
}

/** A shaded band between lo and hi under series `series` (its colour, faint). */
export interface Band { series: number; lo: (number | null)[]; hi: (number | null)[] }

/** Draws bands as filled polygons between lo and hi (broken where either is missing). */
export function drawBands(u: uPlot, bands: Band[], logY: boolean): void {
  const xs = u.data[0] as number[], ctx = u.ctx, b = u.bbox;
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && (!logY || v > 0);
  ctx.save();
  ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
  for (const band of bands) {
    const s = u.series[band.series];
    if (!s || s.show === false) continue;
    ctx.fillStyle = typeof s.stroke === 'function' ? s.stroke(u, band.series) as string : String(s.stroke ?? '#888');
    ctx.globalAlpha = 0.16;
    let run: number[] = [];
    const flush = () => {
      if (run.length > 1) {
        ctx.beginPath();
        run.forEach((i, j) => { const x = u.valToPos(xs[i], 'x', true), y = u.valToPos(band.hi[i]!, 'y', true); if (j) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
        for (let j = run.length - 1; j >= 0; j--) ctx.lineTo(u.valToPos(xs[run[j]], 'x', true), u.valToPos(band.lo[run[j]]!, 'y', true));
        ctx.closePath(); ctx.fill();
      }
      run = [];
    };
    for (let i = 0; i < xs.length; i++) { if (ok(band.lo[i]) && ok(band.hi[i])) run.push(i); else flush(); }
    flush();
  }
  ctx.restore();
}

/** Column j of an interval row as two value rows, n long (null where missing). */
export function splitIntervals(row: Interval[] | undefined, n: number): { lo: (number | null)[]; hi: (number | null)[] } {
  const lo: (number | null)[] = [], hi: (number | null)[] = [];
  for (let k = 0; k < n; k++) {
    const c = row?.[k];
    const good = !!c && Number.isFinite(c[0]) && Number.isFinite(c[1]);
    lo.push(good ? c![0] : null); hi.push(good ? c![1] : null);
  }
  return { lo, hi };
}

export interface LineSpec {
  yLabel: string; logY: boolean;
  /** The x axis label (default: the long form with "epoch 0 = initial weights"); legend values off with compact. */
  compact?: boolean; labels: string[]; strokes: string[]; dashes: (number[] | undefined)[];
  width: number; height: number; yRange?: uPlot.Range.MinMax | uPlot.Range.Function;
  bands?: () => Band[];
  /** Extra draw hooks (epoch marks, transitions). */
  draw?: ((u: uPlot) => void)[];
}

/** Options of a plot of series against epoch + 1 on a log x axis, with optional bands under the lines. */
export function lineOptions(s: LineSpec): uPlot.Options {
  const y: uPlot.Scale = s.logY ? { distr: 3 } : {};
  if (s.yRange) y.range = s.yRange;
  return {
    width: s.width, height: s.height,
    scales: { x: { time: false, distr: 3 }, y },
    ...(s.compact ? { legend: { live: false } } : {}),
    axes: [{ label: s.compact ? 'epoch + 1  (log scale)' : 'epoch + 1  (log scale; epoch 0 = initial weights)' }, { label: s.yLabel, size: 60,
      ...(s.logY ? { values: (_u: uPlot, v: number[]) => v.map((x) => (x == null ? '' : x >= 0.01 && x < 1e4 ? String(x) : x.toExponential(0))) } : {}) }],
    series: [{ label: 'epoch', value: (_u: uPlot, v: number) => (v == null ? '--' : String(v - 1)) },
      ...s.labels.map((label, i) => ({ label, stroke: s.strokes[i], width: 1.5, dash: s.dashes[i],
        value: (_u: uPlot, v: number) => (v == null ? '--' : v.toPrecision(4)) }))],
    hooks: {
      ...(s.bands ? { drawClear: [(u: uPlot) => drawBands(u, s.bands!(), s.logY)] } : {}),
      draw: s.draw ?? [],
    },
  };
}

/** Saves blob as a file through a temporary link (works from file:// and under a strict CSP). */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A 16 px legend swatch of layer l's marker. */
export function markerSwatch(l: number): HTMLCanvasElement {
  const c = document.createElement('canvas'), pr = window.devicePixelRatio || 1, ctx = c.getContext('2d')!;
  c.width = c.height = Math.round(16 * pr); c.style.width = c.style.height = '16px';
  ctx.fillStyle = '#888'; ctx.strokeStyle = '#222'; ctx.lineWidth = pr;
  ctx.beginPath(); markerPath(ctx, l, 8 * pr, 8 * pr, 4.5 * pr); ctx.fill(); ctx.stroke();
  return c;
}
