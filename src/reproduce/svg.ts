// Small inline SVG charts for the reproduction report: lines, CI bands, points with error bars,
// marker lines. Self-contained so the report stays one file that opens anywhere. No Node imports.
import { escapeHtml } from '../report/html.js';

export interface Axis { label: string; min: number; max: number; log?: boolean }
export interface Line { points: [number, number][]; color: string; width?: number; dash?: string; label?: string; opacity?: number }
export interface Band { lo: [number, number][]; hi: [number, number][]; color: string }
export interface ErrPoint { x: number; y: number; x95?: [number, number]; y95?: [number, number]; color: string; label?: string; hollow?: boolean }
export interface Marker { x?: number; y?: number; x95?: [number, number]; color: string; label?: string; dash?: string }
export interface Chart { title: string; x: Axis; y: Axis; lines?: Line[]; bands?: Band[]; points?: ErrPoint[]; markers?: Marker[]; width?: number; height?: number }

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const fin = (v: number) => typeof v === 'number' && Number.isFinite(v);
const r1 = (v: number) => Math.round(v * 10) / 10;

function ticks(a: Axis): number[] {
  if (a.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(a.min)); e <= Math.ceil(Math.log10(a.max)); e++) {
      const v = 10 ** e;
      if (v >= a.min * 0.999 && v <= a.max * 1.001) out.push(v);
    }
    return out;
  }
  const span = a.max - a.min, raw = span / 5, p = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => span / s <= 6) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(a.min / step) * step; v <= a.max + step * 1e-9; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

const fmtTick = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(3))));

export function chart(c: Chart): string {
  const W = c.width ?? 380, H = c.height ?? 260, m = { l: 48, r: 10, t: 22, b: 38 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const map = (a: Axis, v: number, flip: boolean) => {
    const t = a.log ? (Math.log10(Math.max(v, a.min)) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min || 1);
    const tc = Math.min(1.02, Math.max(-0.02, t));
    return flip ? m.t + ph * (1 - tc) : m.l + pw * tc;
  };
  const X = (v: number) => r1(map(c.x, v, false)), Y = (v: number) => r1(map(c.y, v, true));
  const ok = (p: [number, number]) => fin(p[0]) && fin(p[1]) && (!c.x.log || p[0] > 0) && (!c.y.log || p[1] > 0);
  const path = (pts: [number, number][]) => {
    let d = '', pen = false;
    for (const p of pts) {
      if (!ok(p)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${X(p[0])},${Y(p[1])}`;
      pen = true;
    }
    return d;
  };
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" class="chart" role="img" aria-label="${escapeHtml(c.title)}">`];
  out.push(`<text x="${m.l}" y="14" class="ct">${escapeHtml(c.title)}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#ccc"/>`);
  for (const t of ticks(c.x)) out.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#888"/><text x="${X(t)}" y="${m.t + ph + 15}" text-anchor="middle" class="tk">${fmtTick(t)}</text>`);
  for (const t of ticks(c.y)) out.push(`<line x1="${m.l - 4}" x2="${m.l}" y1="${Y(t)}" y2="${Y(t)}" stroke="#888"/><text x="${m.l - 6}" y="${Y(t) + 3}" text-anchor="end" class="tk">${fmtTick(t)}</text>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle" class="al">${escapeHtml(c.x.label)}</text>`);
  out.push(`<text transform="translate(12,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" class="al">${escapeHtml(c.y.label)}</text>`);
  out.push("<g>");
  for (const b of c.bands ?? []) {
    const pts = [...b.lo, ...[...b.hi].reverse()].filter(ok);
    if (pts.length > 2) out.push(`<polygon points="${pts.map((p) => `${X(p[0])},${Y(p[1])}`).join(' ')}" fill="${b.color}" fill-opacity="0.18" stroke="none"/>`);
  }
  for (const mk of c.markers ?? []) {
    if (mk.x !== undefined && fin(mk.x)) {
      if (mk.x95 && fin(mk.x95[0]) && fin(mk.x95[1])) out.push(`<rect x="${X(mk.x95[0])}" y="${m.t}" width="${Math.max(1, X(mk.x95[1]) - X(mk.x95[0]))}" height="${ph}" fill="${mk.color}" fill-opacity="0.12"/>`);
      out.push(`<line x1="${X(mk.x)}" x2="${X(mk.x)}" y1="${m.t}" y2="${m.t + ph}" stroke="${mk.color}" stroke-dasharray="${mk.dash ?? '4 3'}"/>`);
    }
    if (mk.y !== undefined && fin(mk.y)) out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(mk.y)}" y2="${Y(mk.y)}" stroke="${mk.color}" stroke-dasharray="${mk.dash ?? '2 3'}"/>`);
  }
  for (const l of c.lines ?? []) {
    const d = path(l.points);
    if (d) out.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}${l.opacity ? ` stroke-opacity="${l.opacity}"` : ''}/>`);
  }
  for (const p of c.points ?? []) {
    if (!ok([p.x, p.y])) continue;
    if (p.x95 && fin(p.x95[0]) && fin(p.x95[1])) out.push(`<line x1="${X(p.x95[0])}" x2="${X(p.x95[1])}" y1="${Y(p.y)}" y2="${Y(p.y)}" stroke="${p.color}"/>`);
    if (p.y95 && fin(p.y95[0]) && fin(p.y95[1])) out.push(`<line x1="${X(p.x)}" x2="${X(p.x)}" y1="${Y(p.y95[0])}" y2="${Y(p.y95[1])}" stroke="${p.color}"/>`);
    out.push(`<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="3" fill="${p.hollow ? '#fff' : p.color}" stroke="${p.color}"/>`);
  }
  out.push('</g>');
  const legend = [...(c.lines ?? []).filter((l) => l.label).map((l) => ({ label: l.label!, color: l.color })),
    ...(c.points ?? []).filter((p) => p.label).map((p) => ({ label: p.label!, color: p.color })),
    ...(c.markers ?? []).filter((p) => p.label).map((p) => ({ label: p.label!, color: p.color }))];
  if (legend.length) {
    const w = Math.min(pw - 4, 6 + 5.6 * Math.max(...legend.map((g) => g.label.length)));
    out.push(`<rect x="${m.l + 2}" y="${m.t + 2}" width="${r1(w)}" height="${4 + 11 * legend.length}" fill="#fff" fill-opacity="0.8"/>`);
  }
  legend.forEach((g, i) => out.push(`<text x="${m.l + 6}" y="${m.t + 12 + 11 * i}" class="lg" fill="${g.color}">${escapeHtml(g.label)}</text>`));
  out.push('</svg>');
  return out.join('');
}

export const CHART_CSS = '.chart .ct { font: bold 12px system-ui, sans-serif; } .chart .tk { font: 10px system-ui, sans-serif; fill: #555; } ' +
  '.chart .al { font: 11px system-ui, sans-serif; fill: #333; } .chart .lg { font: 10px system-ui, sans-serif; }';
