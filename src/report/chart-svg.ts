// A static chart against a linear or log x axis, drawn through the plane's Painter (plane.ts): lines,
// 95% bands, points with error bars, marker lines with a CI span, and a legend. The reproduction
// report inlines these as SVG, beside planes from planeSvg, so one page needs no script and opens
// from file://. DOM-free; no Node imports.
import { SvgPainter, escapeXml, fin, linearTicks, tickLabel, type Frame, type Painter, type StrokeStyle } from './plane.js';

export interface Axis { label: string; min: number; max: number; log?: boolean }
export interface Line { points: [number, number][]; color: string; width?: number; dash?: number[]; label?: string; opacity?: number }
export interface Band { lo: [number, number][]; hi: [number, number][]; color: string }
export interface ErrPoint { x: number; y: number; x95?: [number, number]; y95?: [number, number]; color: string; label?: string }
export interface Marker { x?: number; y?: number; x95?: [number, number]; color: string; label?: string; dash?: number[] }
export interface Chart { title: string; x: Axis; y: Axis; lines?: Line[]; bands?: Band[]; points?: ErrPoint[]; markers?: Marker[]; width?: number; height?: number }

/** Tick values of an axis: round linear steps, or 1-2-5 per decade on a log axis (decades only when many). */
export function axisTicks(a: Axis): number[] {
  if (!a.log) return linearTicks(a.min, a.max, 6);
  const t: number[] = [];
  for (let e = Math.floor(Math.log10(a.min)); e <= Math.ceil(Math.log10(a.max)); e++) {
    for (const m of [1, 2, 5]) { const v = Number((m * 10 ** e).toPrecision(12)); if (v >= a.min * (1 - 1e-9) && v <= a.max * (1 + 1e-9)) t.push(v); }
  }
  return t.length > 8 ? t.filter((v) => Number.isInteger(Math.log10(v))) : t;
}

const MARGIN = { l: 52, r: 12, t: 24, b: 40 };

/** The chart's frame inside a w x h box (margins for the title, ticks and labels). */
export function chartFrame(c: Chart, w: number, h: number): Frame {
  const left = MARGIN.l, top = MARGIN.t, width = w - MARGIN.l - MARGIN.r, height = h - MARGIN.t - MARGIN.b;
  const t = (a: Axis, v: number) => (a.log ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min || 1));
  return { left, top, width, height, px: 1, sx: (v) => left + width * t(c.x, v), sy: (v) => top + height * (1 - t(c.y, v)) };
}

/** Draws the chart onto p in frame f (axes outside f, everything else clipped to it). */
export function drawChart(p: Painter, c: Chart, f: Frame): void {
  const ok = (x: number, y: number) => fin(x) && fin(y) && (!c.x.log || x > 0) && (!c.y.log || y > 0);
  const axis: StrokeStyle = { colour: '#888888', width: 1 };
  p.text(f.left, 12, c.title, { size: 12, colour: '#222222', bold: true, baseline: 'middle' });
  for (const v of axisTicks(c.x)) {
    const x = f.sx(v);
    p.polyline([[x, f.top], [x, f.top + f.height]], { colour: '#000000', width: 1, alpha: 0.06 });
    p.polyline([[x, f.top + f.height], [x, f.top + f.height + 4]], axis);
    p.text(x, f.top + f.height + 6, tickLabel(v), { size: 10, colour: '#555555', align: 'center', baseline: 'top' });
  }
  for (const v of axisTicks(c.y)) {
    const y = f.sy(v);
    p.polyline([[f.left, y], [f.left + f.width, y]], { colour: '#000000', width: 1, alpha: 0.06 });
    p.polyline([[f.left - 4, y], [f.left, y]], axis);
    p.text(f.left - 6, y, tickLabel(v), { size: 10, colour: '#555555', align: 'right', baseline: 'middle' });
  }
  p.text(f.left + f.width / 2, f.top + f.height + 34, c.x.label, { size: 11, colour: '#333333', align: 'center', baseline: 'bottom' });
  p.text(12, f.top + f.height / 2, c.y.label, { size: 11, colour: '#333333', align: 'center', baseline: 'middle', rotate: true });
  p.rect(f.left, f.top, f.width, f.height, undefined, { colour: '#cccccc', width: 1 });
  p.clip(f, () => {
    for (const b of c.bands ?? []) {
      // one polygon per run of points where both ends are finite
      let lo: [number, number][] = [], hi: [number, number][] = [];
      const flush = () => { if (lo.length > 1) p.fill([...lo, ...hi.reverse()], b.color, 0.18); lo = []; hi = []; };
      b.lo.forEach((q, i) => {
        const r = b.hi[i];
        if (r && ok(q[0], q[1]) && ok(r[0], r[1])) { lo.push([f.sx(q[0]), f.sy(q[1])]); hi.push([f.sx(r[0]), f.sy(r[1])]); } else flush();
      });
      flush();
    }
    for (const m of c.markers ?? []) {
      if (m.x !== undefined && fin(m.x)) {
        if (m.x95 && fin(m.x95[0]) && fin(m.x95[1])) {
          const a = f.sx(m.x95[0]), z = Math.max(a + 1, f.sx(m.x95[1]));
          p.fill([[a, f.top], [z, f.top], [z, f.top + f.height], [a, f.top + f.height]], m.color, 0.12);
        }
        p.polyline([[f.sx(m.x), f.top], [f.sx(m.x), f.top + f.height]], { colour: m.color, width: 1, dash: m.dash ?? [4, 3] });
      }
      if (m.y !== undefined && fin(m.y)) p.polyline([[f.left, f.sy(m.y)], [f.left + f.width, f.sy(m.y)]], { colour: m.color, width: 1, dash: m.dash ?? [2, 3] });
    }
    for (const l of c.lines ?? []) {
      let run: [number, number][] = [];
      const s: StrokeStyle = { colour: l.color, width: l.width ?? 1.5, alpha: l.opacity, dash: l.dash };
      const flush = () => { if (run.length > 1) p.polyline(run, s); run = []; };
      for (const [x, y] of l.points) { if (ok(x, y)) run.push([f.sx(x), f.sy(y)]); else flush(); }
      flush();
    }
    for (const q of c.points ?? []) {
      if (!ok(q.x, q.y)) continue;
      const x = f.sx(q.x), y = f.sy(q.y), s: StrokeStyle = { colour: q.color, width: 1.2 };
      if (q.x95 && fin(q.x95[0]) && fin(q.x95[1])) p.polyline([[f.sx(q.x95[0]), y], [f.sx(q.x95[1]), y]], s);
      if (q.y95 && fin(q.y95[0]) && fin(q.y95[1])) p.polyline([[x, f.sy(q.y95[0])], [x, f.sy(q.y95[1])]], s);
      p.markers([{ layer: 0, x, y }], 3, q.color, { colour: '#000000', width: 0.6, alpha: 0.5 });
    }
  });
  const legend = [...(c.lines ?? []), ...(c.points ?? []), ...(c.markers ?? [])].filter((g) => g.label);
  if (legend.length) {
    const w = Math.min(f.width - 4, 8 + 5.6 * Math.max(...legend.map((g) => g.label!.length))), x = f.left + 2, y = f.top + 2;
    p.fill([[x, y], [x + w, y], [x + w, y + 4 + 12 * legend.length], [x, y + 4 + 12 * legend.length]], '#ffffff', 0.85);
    legend.forEach((g, i) => p.text(x + 4, y + 8 + 12 * i, g.label!, { size: 10, colour: g.color, baseline: 'middle' }));
  }
}

/** The chart as an inline <svg> element; ids start with idPrefix (unique per page). */
export function chartSvg(c: Chart, idPrefix: string): string {
  const W = c.width ?? 380, H = c.height ?? 260, p = new SvgPainter(idPrefix);
  drawChart(p, c, chartFrame(c, W, H));
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="system-ui, sans-serif" role="img" data-title="${escapeXml(c.title)}"><defs>${p.defs.join('')}</defs>${p.parts.join('')}</svg>`;
}
