// The live information plane: controls, a training worker, and uPlot plots redrawn at most once
// per animation frame. The plane's colours and markers come from the report (PLANE_HELPERS_JS).
import type uPlot from 'uplot';
import {
  DEFAULTS, ACTIVATION_CODE, OPTIMIZER_CODE, buildResult, ib12, labelEntropy,
  type ExperimentConfig, type RunRecord,
} from '../src/index.js';
import { PLANE_HELPERS_JS } from '../src/report/client.js';
import { configFromFlags } from '../src/config/flags.js';
import type { FromWorker, ToWorker } from './protocol.js';

const UPlot = (globalThis as unknown as { uPlot: typeof uPlot }).uPlot;
interface Helpers {
  cmap(t: number): string;
  marker(ctx: CanvasRenderingContext2D, l: number, x: number, y: number, r: number): void;
  niceTicks(lo: number, hi: number): number[];
}
const { cmap, marker, niceTicks } = new Function(`${PLANE_HELPERS_JS}\nreturn { cmap: cmap, marker: marker, niceTicks: niceTicks };`)() as Helpers;

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const data = ib12();
const hY = labelEntropy(data.y, data.nClasses), log2N = Math.log2(data.nRows);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => form.elements.namedItem(name) as T;

/** Everything received for the current run; [layer][k] like infoplane.json. */
interface Live {
  runId: number; config: ExperimentConfig; estimator: string; settings: string;
  epochs: number[]; widths: number[]; colours: string[]; logMax: number;
  n: number; ixt: number[][]; ity: number[][]; gradMean: number[][]; gradStd: number[][];
  trainLoss: number[]; trainAcc: number[]; testLoss: number[]; testAcc: number[];
  epoch: number; rate: number; done: boolean; status: 'ok' | 'diverged'; divergedAt?: number;
}
let live: Live | undefined;
let pendingConfig: ExperimentConfig | undefined;
let running = false, paused = false, follow = true, shownK = -1;
let drawnPoints: number[] = [];
const visible: boolean[] = [];
let plane: uPlot | undefined, grad: uPlot | undefined, loss: uPlot | undefined, acc: uPlot | undefined;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

// ---- controls ----
function fillSelect(name: string, values: string[], selected: string): void {
  const sel = field<HTMLSelectElement>(name);
  sel.replaceChildren(...values.map((v) => new Option(v, v, v === selected, v === selected)));
}
fillSelect('activation', Object.keys(ACTIVATION_CODE), DEFAULTS.activation);
fillSelect('optimizer', Object.keys(OPTIMIZER_CODE), DEFAULTS.optimizer);

/** The config the form describes, or the first problem with it (and the field is marked): the
 *  form's values go through the CLI's own checks (configFromFlags), so both accept the same configs. */
function readConfig(): ExperimentConfig | string {
  for (const el of Array.from(form.elements)) el.classList.remove('bad');
  const text = (name: string) => field(name).value.trim();
  const s = text('schedule');
  try {
    return configFromFlags({
      name: 'web', layers: text('layers'), lr: text('lr'), trainFraction: text('trainFraction'), epochs: text('epochs'),
      seed: text('seed'), activation: field('activation').value, optimizer: field('optimizer').value,
      estimators: field('estimator').value, miSchedule: s === 'log' ? 'log' : s === 'all' ? 'all' : 'every:10',
    });
  } catch (e) {
    // "--train-fraction: ..." names the flag; the form's field is its camelCase (mi-schedule: schedule)
    const flag = /^--([a-z-]+)/.exec((e as Error).message)?.[1];
    const name = flag === 'mi-schedule' ? 'schedule' : flag?.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (name && form.elements.namedItem(name)) field(name).classList.add('bad');
    return (e as Error).message;
  }
}

function setStatus(text: string): void { $('status').textContent = text; }
function showError(text: string | undefined): void {
  const el = $('error');
  el.hidden = !text;
  el.textContent = text ?? '';
}
function syncButtons(): void {
  $<HTMLButtonElement>('start').disabled = running && !live?.done;
  $<HTMLButtonElement>('pause').disabled = !running || !!live?.done;
  $<HTMLButtonElement>('pause').textContent = paused ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('reset').disabled = !live;
  const any = !!live && live.n > 0;
  for (const id of ['export-json', 'export-png', 'slider']) $<HTMLButtonElement>(id).disabled = !any;
}

$('start').addEventListener('click', () => {
  const config = readConfig();
  if (typeof config === 'string') { showError(config); return; }
  showError(undefined);
  pendingConfig = config;
  running = true; paused = false; follow = true;
  send({ kind: 'start', config });
  syncButtons();
});
$('pause').addEventListener('click', () => {
  paused = !paused;
  send({ kind: paused ? 'pause' : 'resume' });
  syncButtons();
  invalidate();
});
$('reset').addEventListener('click', () => {
  send({ kind: 'stop' });
  running = false; paused = false; live = undefined; shownK = -1; drawnPoints = [];
  for (const u of [plane, grad, loss, acc]) u?.destroy();
  plane = grad = loss = acc = undefined;
  $('legend').replaceChildren();
  $('plane-caption').textContent = 'Information plane';
  setStatus('ready');
  syncButtons();
  updateSlider();
});

const slider = $<HTMLInputElement>('slider');
slider.addEventListener('input', () => {
  shownK = Number(slider.value);
  follow = live !== undefined && shownK >= live.n - 1;
  invalidate();
});

// ---- worker messages ----
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.kind === 'ready') {
    fillSelect('estimator', m.estimators, 'bin');
    setStatus('ready');
  } else if (m.kind === 'begin') {
    begin(m.runId, pendingConfig!, m.epochs, m.widths, m.settings);
  } else if (m.kind === 'points') {
    if (!live || m.runId !== live.runId) return;
    const s = m.series, est = live.estimator;
    for (let j = 0; j < s.epochs.length; j++) {
      const k = m.from + j;
      for (let l = 0; l < live.widths.length; l++) {
        live.ixt[l][k] = s.mi[est].ixt[l][j]; live.ity[l][k] = s.mi[est].ity[l][j];
        live.gradMean[l][k] = s.gradMean[l][j]; live.gradStd[l][k] = s.gradStd[l][j];
      }
      live.trainLoss[k] = s.trainLoss[j]; live.trainAcc[k] = s.trainAcc[j];
      live.testLoss[k] = s.testLoss[j]; live.testAcc[k] = s.testAcc[j];
    }
    live.n = Math.max(live.n, m.from + s.epochs.length);
    Object.assign(live, { epoch: m.epoch, rate: m.epochsPerSecond, done: m.done, status: m.status, divergedAt: m.divergedAt });
    if (m.done) running = false;
    syncButtons();
    invalidate();
  } else {
    running = false;
    showError(`training stopped: ${m.message}`);
    syncButtons();
  }
};
worker.onerror = (e) => { showError(`worker failed: ${e.message}`); running = false; syncButtons(); };

function begin(runId: number, config: ExperimentConfig, epochs: number[], widths: number[], settings: Record<string, string>): void {
  const estimator = config.estimators[0];
  const L = widths.length, grid = () => Array.from({ length: L }, () => [] as number[]);
  // colours are fixed for the whole run: log(epoch + 1) over the run's last epoch
  const logMax = Math.log(config.epochs);
  live = {
    runId, config, estimator, settings: settings[estimator] ?? '', epochs, widths, logMax,
    colours: epochs.map((e) => cmap(logMax > 0 ? Math.log(e + 1) / logMax : 1)),
    n: 0, ixt: grid(), ity: grid(), gradMean: grid(), gradStd: grid(),
    trainLoss: [], trainAcc: [], testLoss: [], testAcc: [], epoch: 0, rate: 0, done: false, status: 'ok',
  };
  shownK = -1;
  visible.length = 0;
  for (let l = 0; l < L; l++) visible.push(true);
  buildPlots(live);
  syncButtons();
}

// ---- plots ----
const layerName = (l: number, L: number) => (l === L - 1 ? 'output' : `L${l + 1}`);
const shown = () => (live ? Math.min(live.n - 1, follow ? live.n - 1 : shownK) : -1);

function buildPlots(run: Live): void {
  for (const u of [plane, grad, loss, acc]) u?.destroy();
  const L = run.widths.length;
  $('plane-caption').textContent = `Information plane, estimator ${run.estimator}: ${run.settings}`;
  let pos: ([number, number] | null)[][] = [];

  // Drawn from the draw hook (the series hold no data for uPlot: points live in `run`).
  const drawPlane = (u: uPlot) => {
    if (!live) return;
    const ctx = u.ctx, pr = UPlot.pxRatio, b = u.bbox, kEnd = shown();
    const r = (run.epochs.length > 2000 ? 2.2 : run.epochs.length > 500 ? 2.9 : 3.6) * pr;
    pos = run.widths.map((_, l) => {
      const row: ([number, number] | null)[] = [];
      for (let k = 0; k <= kEnd; k++) {
        const x = run.ixt[l][k], y = run.ity[l][k];
        row.push(Number.isFinite(x) && Number.isFinite(y) ? [u.valToPos(x, 'x', true), u.valToPos(y, 'y', true)] : null);
      }
      return row;
    });
    ctx.save();
    ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
    const yh = u.valToPos(hY, 'y', true);
    ctx.setLineDash([5 * pr, 4 * pr]); ctx.strokeStyle = '#999'; ctx.lineWidth = pr;
    ctx.beginPath(); ctx.moveTo(b.left, yh); ctx.lineTo(b.left + b.width, yh); ctx.stroke();
    ctx.setLineDash([]); ctx.fillStyle = '#777'; ctx.font = `${11 * pr}px sans-serif`;
    ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.fillText('H(Y)', b.left + 4 * pr, yh + 3 * pr);
    ctx.globalAlpha = Math.min(0.5, Math.max(0.05, 5 / Math.sqrt(kEnd + 1))); ctx.lineWidth = pr;
    for (let k = 0; k <= kEnd; k++) {
      ctx.strokeStyle = run.colours[k]; ctx.beginPath();
      let open = false;
      for (let l = 0; l < L; l++) {
        const p = visible[l] ? pos[l][k] : null;
        if (!p) { open = false; continue; }
        if (open) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
        open = true;
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1; ctx.lineWidth = 0.6 * pr; ctx.strokeStyle = 'rgba(0,0,0,0.5)';
    const drawn = new Array<number>(L).fill(0);
    for (let k = 0; k <= kEnd; k++) {
      ctx.fillStyle = run.colours[k]; ctx.beginPath();
      for (let l = 0; l < L; l++) {
        const p = pos[l][k];
        if (visible[l] && p) { marker(ctx, l, p[0], p[1], r); drawn[l]++; }
      }
      ctx.fill(); if (kEnd < 1500) ctx.stroke();
    }
    ctx.restore();
    drawnPoints = drawn;
  };

  const colourBar = (u: uPlot) => {
    const ctx = u.ctx, pr = UPlot.pxRatio, b = u.bbox;
    const bx = b.left + b.width + 22 * pr, bw = 14 * pr, h = b.height, maxE = run.config.epochs - 1;
    const tOf = (e: number) => (run.logMax > 0 ? Math.log(e + 1) / run.logMax : 1);
    ctx.save();
    for (let i = 0; i < h; i++) { ctx.fillStyle = cmap(1 - i / (h - 1)); ctx.fillRect(bx, b.top + i, bw, 1); }
    ctx.strokeStyle = '#444'; ctx.lineWidth = pr; ctx.strokeRect(bx, b.top, bw, h);
    ctx.fillStyle = '#333'; ctx.font = `${11 * pr}px sans-serif`; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    let last = -1e9;
    for (const e of [0, ...niceTicks(1, maxE), maxE]) {
      const y = b.top + h * (1 - tOf(e));
      if (e !== maxE && (Math.abs(y - last) < 13 * pr || Math.abs(y - b.top) < 13 * pr)) continue;
      ctx.beginPath(); ctx.moveTo(bx + bw, y); ctx.lineTo(bx + bw + 4 * pr, y); ctx.stroke();
      ctx.fillText(String(e), bx + bw + 6 * pr, y);
      last = y;
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    ctx.fillText('epoch', bx + bw / 2 + 8 * pr, b.top - 6 * pr);
    ctx.restore();
  };

  const hover = (u: uPlot) => {
    const cx = u.cursor.left ?? -1, cy = u.cursor.top ?? -1, pr = UPlot.pxRatio;
    let best: [number, number] | null = null, bd = 100;
    if (cx >= 0 && cy >= 0) {
      pos.forEach((row, l) => row.forEach((p, k) => {
        if (!p || !visible[l]) return;
        const dx = (p[0] - u.bbox.left) / pr - cx, dy = (p[1] - u.bbox.top) / pr - cy, d = dx * dx + dy * dy;
        if (d < bd) { bd = d; best = [l, k]; }
      }));
    }
    const hit = best as [number, number] | null;
    $('hover').textContent = hit ? `${layerName(hit[0], L)} (${run.widths[hit[0]]})  epoch ${run.epochs[hit[1]]}  ` +
      `I(X;T) = ${run.ixt[hit[0]][hit[1]].toFixed(4)}  I(T;Y) = ${run.ity[hit[0]][hit[1]].toFixed(4)} bits` : '\u00a0';
  };

  const CB = 90;
  plane = new UPlot({
    mode: 2, width: 620 + CB, height: 460, padding: [28, CB, 0, 0], legend: { show: false },
    cursor: { drag: { x: true, y: true }, points: { show: false } },
    scales: { x: { time: false, auto: false, range: () => [0, log2N] }, y: { auto: false, range: () => [0, hY * 1.02] } },
    axes: [{ label: 'I(X;T)  [bits]' }, { label: 'I(T;Y)  [bits]' }],
    series: [{}, ...run.widths.map((_, l) => ({
      label: layerName(l, L), paths: () => null, points: { show: false },
      facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }],
    }))] as uPlot.Series[],
    hooks: { draw: [drawPlane, colourBar], setCursor: [hover] },
  } as uPlot.Options, [null, ...run.widths.map(() => [[], []])] as unknown as uPlot.AlignedData, $('plane'));

  const legend = $('legend');
  const h3 = document.createElement('h3'); h3.textContent = 'layer (click to hide)';
  legend.replaceChildren(h3);
  run.widths.forEach((w, l) => {
    const d = document.createElement('div'), c = document.createElement('canvas'), s = document.createElement('span');
    const pr = window.devicePixelRatio || 1, ctx = c.getContext('2d')!;
    c.width = c.height = Math.round(16 * pr); c.style.width = c.style.height = '16px';
    ctx.fillStyle = '#888'; ctx.strokeStyle = '#222'; ctx.lineWidth = pr;
    ctx.beginPath(); marker(ctx, l, 8 * pr, 8 * pr, 4.5 * pr); ctx.fill(); ctx.stroke();
    s.textContent = `${layerName(l, L)} (${w}, ${l === L - 1 ? 'softmax' : run.config.activation})`;
    d.append(c, s);
    d.onclick = () => { visible[l] = !visible[l]; d.className = visible[l] ? '' : 'off'; invalidate(); };
    legend.append(d);
  });

  const line = (el: HTMLElement, yLabel: string, yLog: boolean, labels: string[], strokes: string[], dashes: (number[] | undefined)[], width: number, yRange?: uPlot.Range.MinMax) => new UPlot({
    width, height: 260,
    scales: { x: { time: false, distr: 3 }, y: yLog ? { distr: 3 } : (yRange ? { range: yRange } : {}) },
    legend: { live: false },
    axes: [{ label: 'epoch + 1  (log scale)' }, { label: yLabel, size: 60,
      ...(yLog ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v == null ? "" : v >= 0.01 && v < 1e4 ? String(v) : v.toExponential(0))) } : {}) }],
    series: [{ label: 'epoch', value: (_u: uPlot, v: number) => (v == null ? '--' : String(v - 1)) },
      ...labels.map((label, i) => ({ label, stroke: strokes[i], width: 1.5, dash: dashes[i],
        value: (_u: uPlot, v: number) => (v == null ? '--' : v.toPrecision(4)) }))],
  }, [[], ...labels.map(() => [])] as uPlot.AlignedData, el);
  grad = line($('grad'), 'gradient norm  (log)', true,
    run.widths.flatMap((_, l) => [`${layerName(l, L)} mean`, `${layerName(l, L)} std`]),
    run.widths.flatMap((_, l) => [PALETTE[l % PALETTE.length], PALETTE[l % PALETTE.length]]),
    run.widths.flatMap(() => [undefined, [6, 4]]), 500);
  loss = line($('loss'), 'loss  (log)', true, ['train', 'test'], ['#1f77b4', '#d62728'], [undefined, undefined], 340);
  acc = line($('acc'), 'accuracy', false, ['train', 'test'], ['#1f77b4', '#d62728'], [undefined, undefined], 340, [0.4, 1]);
}

// ---- redraw at most once per frame ----
let frameQueued = false;
function invalidate(): void {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => { frameQueued = false; redraw(); });
}

function updateSlider(): void {
  const n = live?.n ?? 0, k = shown();
  slider.max = String(Math.max(0, n - 1));
  slider.value = String(Math.max(0, k));
  $('shown').textContent = live && k >= 0 ? `epoch ${live.epochs[k]}  (${k + 1} of ${n} logged${follow ? ', live' : ''})` : 'no points yet';
}

function redraw(): void {
  updateSlider();
  if (!live) return;
  const run = live, kEnd = shown(), L = run.widths.length;
  const pos = (v: number) => (Number.isFinite(v) && v > 0 ? v : null);
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const xs = run.epochs.slice(0, kEnd + 1).map((e) => e + 1);
  const cut = (a: number[], f: (v: number) => number | null) => a.slice(0, kEnd + 1).map(f);
  plane?.redraw();
  grad?.setData([xs, ...Array.from({ length: L }, (_, l) => [cut(run.gradMean[l], pos), cut(run.gradStd[l], pos)]).flat()] as uPlot.AlignedData);
  loss?.setData([xs, cut(run.trainLoss, pos), cut(run.testLoss, pos)] as uPlot.AlignedData);
  acc?.setData([xs, cut(run.trainAcc, fin), cut(run.testAcc, fin)] as uPlot.AlignedData);
  const last = run.n - 1;
  const state = run.status === 'diverged' ? `diverged at epoch ${run.divergedAt}` : run.done ? 'done' : paused ? 'paused' : 'training';
  setStatus(`${state} · epoch ${run.epoch} / ${run.config.epochs} · ${run.n} of ${run.epochs.length} points` +
    (run.rate > 0 && !run.done ? ` · ${Math.round(run.rate)} epochs/s` : '') +
    (last >= 0 ? ` · test accuracy ${(100 * run.testAcc[last]).toFixed(1)}%` : ''));
}

// ---- export ----
function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The run so far as infoplane.json (the CLI's format), from the points received. */
export function currentResult() {
  if (!live) return undefined;
  const run = live, n = run.n, cut = (a: number[]) => a.slice(0, n), grid = (g: number[][]) => g.map(cut);
  const record: RunRecord = {
    repeat: 0, seed: run.config.seed, status: run.status, epochs: cut(run.epochs),
    mi: { [run.estimator]: { ixt: grid(run.ixt), ity: grid(run.ity), settings: run.settings } },
    trainLoss: cut(run.trainLoss), trainAcc: cut(run.trainAcc), testLoss: cut(run.testLoss), testAcc: cut(run.testAcc),
    gradMean: grid(run.gradMean), gradStd: grid(run.gradStd),
    ...(run.divergedAt !== undefined ? { divergedAt: run.divergedAt } : {}),
  };
  return buildResult(run.config, data, [record]);
}

$('export-json').addEventListener('click', () => {
  const result = currentResult();
  if (result) download(new Blob([JSON.stringify(result)], { type: 'application/json' }), 'infoplane.json');
});
$('export-png').addEventListener('click', () => {
  if (!plane || !live) return;
  const src = plane.ctx.canvas, pr = UPlot.pxRatio, head = Math.round(26 * pr);
  const c = document.createElement('canvas');
  c.width = src.width; c.height = src.height + head;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#222'; ctx.font = `600 ${13 * pr}px system-ui, sans-serif`; ctx.textBaseline = 'middle';
  const k = shown();
  ctx.fillText(`${$('plane-caption').textContent}; up to epoch ${live.epochs[k]}`, 8 * pr, head / 2);
  ctx.drawImage(src, 0, head);
  c.toBlob((b) => { if (b) download(b, 'infoplane.png'); }, 'image/png');
});

// Read-only state for tests and curious users.
(window as unknown as { __infoplane: unknown }).__infoplane = {
  state: {
    get running() { return running && !paused; },
    get epoch() { return live?.epoch ?? 0; },
    get points() { return live?.n ?? 0; },
    get shownK() { return shown(); },
    get layers() { return live?.widths.length ?? 0; },
    get drawnPoints() { return drawnPoints.slice(); },
    get status() { return live?.status; },
    get done() { return live?.done ?? false; },
  },
  result: () => currentResult(),
};
syncButtons();
