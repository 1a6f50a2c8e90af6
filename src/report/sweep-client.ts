// The sweep report's script (compiled by tsc, inlined after plane.ts and charts.ts by assets-node.ts):
// one small plane per cell (drawn by plane.ts like the run report's) and the comparison panels.
import type uPlot from 'uplot';
import { CanvasPainter, PALETTE, drawPlane, fin, planeModel } from './plane.js';
import { UPlotOf, uplotFrame } from './charts.js';

/** One grid cell as sweep.ts embeds it (non-finite numbers are null). */
interface SweepCell {
  id: string; label: string; epochs: number[]; layers: string[]; hY: number; log2N: number;
  estimator: string | null; settings: string; ixt: (number | null)[][]; ity: (number | null)[][];
  trainAcc: (number | null)[]; testAcc: (number | null)[]; repeats: number; diverged: number;
  epochsToTarget: number | null; compression: (number | null)[];
}
interface SweepPanel { key: string; title: string; caption: string; kind: string; cells: string[]; values: string[] }
interface SweepData { name: string; panels: SweepPanel[]; target: number; cells: SweepCell[] }

export function startSweepReport(): void {
  const UP = UPlotOf();
  const D = JSON.parse(document.getElementById('sweep-data')?.textContent ?? '{}') as SweepData;
  const BY: Record<string, SweepCell> = {};
  for (const c of D.cells) BY[c.id] = c;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string | null, parent: HTMLElement | null, text?: string) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    parent?.append(e);
    return e;
  };

  function plane(parent: HTMLElement, c: SweepCell, w: number, h: number): void {
    const m = planeModel({ epochs: c.epochs, ixt: c.ixt, ity: c.ity, layers: c.layers, hY: c.hY, log2N: c.log2N });
    new UP({
      width: w, height: h, mode: 2, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: false, auto: false, range: () => m.x }, y: { auto: false, range: () => m.y } },
      axes: [{ label: 'I(X;T)', size: 30, labelSize: 14 }, { label: 'I(T;Y)', size: 36, labelSize: 14 }],
      series: [{}, { label: 'points', paths: () => null, points: { show: false }, facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] }],
      hooks: { draw: [(u: uPlot) => { drawPlane(new CanvasPainter(u.ctx), m, uplotFrame(u), { markerScale: 0.6 }); }] },
    } as uPlot.Options, [null, [[], []]] as unknown as uPlot.AlignedData, parent);
  }

  const planes = document.getElementById('planes');
  for (const c of D.cells) {
    const box = el('div', 'cell', planes);
    const a = el('a', null, box); a.href = `cells/${c.id}/report.html`;
    el('b', null, a, `${c.id} `);
    a.append(document.createTextNode(`${c.label} (${c.repeats} nets${c.diverged ? `, ${c.diverged} diverged` : ''})`));
    if (c.estimator) plane(box, c, 300, 230); else el('p', null, box, 'no MI estimates');
  }

  interface Line { x: number[]; y: (number | null)[]; dash?: number[] }
  function lines(parent: HTMLElement, title: string, rows: Line[], names: string[], logY: boolean, yLabel: string): void {
    const xs = [...new Set(rows.flatMap((r) => r.x))].sort((a, b) => a - b);
    const data: (number | null)[][] = [xs.map((x) => x + 1)];
    for (const r of rows) {
      const m = new Map<number, number | null>();
      r.x.forEach((x, i) => m.set(x, r.y[i]));
      data.push(xs.map((x) => { const v = m.get(x); return fin(v) && (!logY || v > 0) ? v : null; }));
    }
    const box = el('div', null, parent); el('div', 'cap', box, title);
    new UP({
      width: 560, height: 260,
      series: [{ label: 'epoch', value: (_u: uPlot, v: number) => (v == null ? '--' : String(v - 1)) },
        ...names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length], width: 1.5, dash: rows[i].dash, spanGaps: true, points: { show: false } }))],
      scales: { x: { time: false, distr: 3 }, y: logY ? { distr: 3 } : {} },
      axes: [{ label: 'epoch + 1 (log)', labelSize: 14, size: 34 }, { label: yLabel, labelSize: 14, size: 50 }],
    }, data as uPlot.AlignedData, box);
  }
  function table(parent: HTMLElement, head: string[], rows: string[][]): void {
    const t = el('table', 'cells', parent), tr = el('tr', null, t);
    for (const h of head) el('th', null, tr, h);
    for (const r of rows) { const x = el('tr', null, t); for (const v of r) el('td', null, x, v); }
  }

  const host = document.getElementById('panels');
  for (const p of D.panels) {
    el('h3', null, host, `${p.title}: ${p.key}`);
    el('p', 'cap', host, p.caption);
    const row = el('div', 'row', host), cs = p.cells.map((id) => BY[id]);
    const names = p.values.map((v) => `${p.key}=${v}`);
    if (p.kind === 'size') {
      lines(row, 'Test accuracy', cs.map((c) => ({ x: c.epochs, y: c.testAcc })), names, false, 'accuracy');
      lines(row, 'I(T;Y) of the last hidden layer [bits]', cs.map((c) => ({ x: c.epochs, y: c.ity.length > 1 ? c.ity[c.ity.length - 2] : [] })),
        names, false, 'I(T;Y)');
    } else if (p.kind === 'depth') {
      lines(row, 'Training error (log)', cs.map((c) => ({ x: c.epochs, y: c.trainAcc.map((a) => (fin(a) ? 1 - a : null)) })), names, true, '1 - train acc.');
      table(row, ['depth (hidden layers)', `epochs to train error <= ${D.target}`],
        cs.map((c, i) => [`${p.values[i]} (${c.layers.length - 1})`, c.epochsToTarget == null ? 'not reached' : String(c.epochsToTarget)]));
    } else if (p.kind === 'activation') {
      cs.forEach((c, i) => lines(row, `I(X;T) per layer, ${names[i]}`, c.ixt.map((r) => ({ x: c.epochs, y: r })), c.layers, false, 'I(X;T) [bits]'));
      table(row, ['compression (bits)', ...(cs[0]?.layers ?? [])],
        cs.map((c, i) => [names[i], ...c.compression.map((v) => (fin(v) ? v.toFixed(2) : '-'))]));
    } else {
      lines(row, 'Test accuracy', cs.map((c) => ({ x: c.epochs, y: c.testAcc })), names, false, 'accuracy');
    }
  }
}
