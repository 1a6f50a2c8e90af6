// The web app: train a network in a worker and watch its information plane grow, or open a saved
// infoplane.json (file input or drag-and-drop) and explore any estimator and network with the epoch
// slider. The plane is drawn by src/report/plane.ts, as in the report; plots are redrawn at most
// once per animation frame.
import type uPlot from 'uplot';
import {
  DEFAULTS, ACTIVATION_CODE, OPTIMIZER_CODE, buildResult, ib12, labelEntropy, parseMatrix, datasetFromTable, decodeResultJson,
  type CoreChoice, type Dataset, type ExperimentConfig, type RunRecord,
} from '../src/index.js';
import { configFromFlags } from '../src/config/flags.js';
import {
  PALETTE, TEST_COLOUR, TRAIN_COLOUR, fin, planeInputFromResult, planeModel, planeSvg,
  type Ci95, type PlaneInput, type PlaneModel, type ReportResult,
} from '../src/report/plane.js';
import {
  PLANE_DATA, UPlotOf, download, lineOptions, markerSwatch, nearestPoint, planeOptions, splitIntervals, type Band,
} from '../src/report/charts.js';
import type { FromWorker, ToWorker } from './protocol.js';

const UP = UPlotOf();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => form.elements.namedItem(name) as T;

/** Everything received for the current training run; [layer][k] like infoplane.json. */
interface Live {
  runId: number; config: ExperimentConfig; data: Dataset; estimator: string; settings: string;
  epochs: number[]; widths: number[]; hY: number; log2N: number;
  n: number; ixt: number[][]; ity: number[][]; gradMean: number[][]; gradStd: number[][];
  trainLoss: number[]; trainAcc: number[]; testLoss: number[]; testAcc: number[];
  epoch: number; rate: number; done: boolean; status: 'ok' | 'diverged'; divergedAt?: number;
  /** The core it trains on: relaxed SIMD (asked for and available) or plain, with the note when unavailable. */
  core: CoreChoice;
}
/** What the page shows: the live run, or an opened result (one estimator, the mean or one network). */
type Shown = { kind: 'live'; live: Live } | { kind: 'file'; result: ReportResult; file: string; estimator: string; run?: number };
interface ViewData {
  n: number; epochs: number[]; layers: string[]; plane: PlaneInput; caption: string;
  gradMean: number[][]; gradStd: number[][]; trainLoss: number[]; trainAcc: number[]; testLoss: number[]; testAcc: number[];
  ci95?: Ci95;
}

const datasets = new Map<string, Dataset>([['ib12', ib12()]]);
let shown: Shown | undefined;
let pendingConfig: { config: ExperimentConfig; data: Dataset } | undefined;
let coreReady = false, running = false, paused = false, follow = true, shownK = -1;
let drawnPoints: number[] = [];
const visible: boolean[] = [];
let plane: uPlot | undefined, grad: uPlot | undefined, loss: uPlot | undefined, acc: uPlot | undefined;
let model: PlaneModel | undefined;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

// ---- controls ----
function fillSelect(sel: HTMLSelectElement, values: [string, string][], selected: string): void {
  sel.replaceChildren(...values.map(([v, label]) => new Option(label, v, v === selected, v === selected)));
}
const names = (o: object) => Object.keys(o).map((k): [string, string] => [k, k]);
fillSelect(field<HTMLSelectElement>('activation'), names(ACTIVATION_CODE), DEFAULTS.activation);
fillSelect(field<HTMLSelectElement>('optimizer'), names(OPTIMIZER_CODE), DEFAULTS.optimizer);
const datasetLabel = (d: Dataset) => `${d.name} (${d.nRows} rows, ${d.nInputs} inputs, ${d.nClasses} classes)`;
function fillDatasets(selected: string): void {
  fillSelect(field<HTMLSelectElement>('dataset'), [...datasets].map(([k, d]) => [k, datasetLabel(d)]), selected);
}
fillDatasets('ib12');

/** The config the form describes, or the first problem with it (and the field is marked): the
 *  form's values go through the CLI's own checks (configFromFlags), so both accept the same configs. */
function readConfig(): ExperimentConfig | string {
  for (const el of Array.from(form.elements)) el.classList.remove('bad');
  const text = (name: string) => field(name).value.trim();
  const s = text('schedule');
  try {
    const config = configFromFlags({
      name: 'web', layers: text('layers'), lr: text('lr'), trainFraction: text('trainFraction'), epochs: text('epochs'),
      seed: text('seed'), activation: field('activation').value, optimizer: field('optimizer').value,
      estimators: field('estimator').value, miSchedule: s === 'log' ? 'log' : s === 'all' ? 'all' : 'every:10',
    });
    return { ...config, dataset: field('dataset').value };
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
const live = () => (shown?.kind === 'live' ? shown.live : undefined);
function syncButtons(): void {
  const l = live();
  // the form's estimator list and the core come from the worker: nothing can start before it is ready
  $<HTMLButtonElement>('start').disabled = !coreReady || (running && !l?.done);
  $<HTMLButtonElement>('pause').disabled = !running || !!l?.done;
  $<HTMLButtonElement>('pause').textContent = paused ? 'Resume' : 'Pause';
  $<HTMLButtonElement>('reset').disabled = !shown;
  const any = !!shown && view()!.n > 0;
  for (const id of ['export-json', 'export-png', 'export-svg', 'slider']) $<HTMLButtonElement>(id).disabled = !any;
  $('view-controls').hidden = shown?.kind !== 'file';
}

$('start').addEventListener('click', () => {
  if (!coreReady) return;
  const config = readConfig();
  if (typeof config === 'string') { showError(config); return; }
  showError(undefined);
  const data = datasets.get(config.dataset) ?? datasets.get('ib12')!;
  pendingConfig = { config, data };
  running = true; paused = false; follow = true;
  send({ kind: 'start', config, relaxedSimd: field<HTMLInputElement>('relaxedSimd').checked, ...(data.name === 'ib12' && config.dataset === 'ib12' ? {} : { dataset: { name: data.name, nInputs: data.nInputs, nClasses: data.nClasses, X: data.X, y: data.y } }) });
  syncButtons();
});
$('pause').addEventListener('click', () => {
  paused = !paused;
  send({ kind: paused ? 'pause' : 'resume' });
  syncButtons();
  invalidate();
});
function clearView(): void {
  shownK = -1; drawnPoints = []; model = undefined;
  for (const u of [plane, grad, loss, acc]) u?.destroy();
  plane = grad = loss = acc = undefined;
  $('legend').replaceChildren();
  $('plane-caption').textContent = 'Information plane';
}
$('reset').addEventListener('click', () => {
  send({ kind: 'stop' });
  running = false; paused = false; shown = undefined;
  clearView();
  setStatus(coreReady ? 'ready' : 'loading the wasm core…');
  syncButtons();
  updateSlider();
});

const slider = $<HTMLInputElement>('slider');
slider.addEventListener('input', () => {
  shownK = Number(slider.value);
  follow = shownK >= (view()?.n ?? 0) - 1;
  invalidate();
});

// ---- opening files: a saved infoplane.json to explore, a CSV dataset to train on ----
async function openFile(file: File): Promise<void> {
  showError(undefined);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (/\.json$/i.test(file.name)) {
      const text = new TextDecoder().decode(bytes);
      let result: ReportResult;
      try { result = decodeResultJson(text) as ReportResult; } catch (e) { throw new Error(`${file.name}: not JSON (${(e as Error).message})`); }
      if (result?.format !== 'infoplane/1') throw new Error(`${file.name}: not an infoplane result (no "format": "infoplane/1")`);
      const ests = Object.keys(result.mi ?? {});
      if (!ests.length || !Array.isArray(result.epochs)) throw new Error(`${file.name}: the result has no information-plane estimates`);
      openResult(result, file.name);
    } else {
      const m = parseMatrix(bytes, file.name);
      const name = file.name.replace(/\.[^.]*$/, '') || 'data';
      const ds = datasetFromTable(m, name, file.name);
      datasets.set(name, ds);
      fillDatasets(name);
      setStatus(`dataset ${datasetLabel(ds)} loaded: press Start to train on it`);
    }
  } catch (e) {
    showError((e as Error).message);
  }
}

function openResult(result: ReportResult, file: string): void {
  if (running) send({ kind: 'stop' });
  running = false; paused = false;
  clearView();
  const ests = Object.keys(result.mi);
  shown = { kind: 'file', result, file, estimator: ests[0] };
  fillSelect($<HTMLSelectElement>('view-estimator'), ests.map((e) => [e, e]), ests[0]);
  const runs = result.runs ?? [];
  fillSelect($<HTMLSelectElement>('view-run'), [['mean', runs.length > 1 ? `mean of ${runs.length} networks` : 'the run'],
    ...(runs.length > 1 ? runs.map((r, i): [string, string] => [String(i), `network ${i + 1} (seed ${r.seed}${r.status === 'ok' ? '' : `, ${r.status}`})`]) : [])], 'mean');
  follow = true;
  rebuild();
  syncButtons();
  setStatus(`opened ${file}: ${result.config?.name ?? 'run'}, ${result.epochs.length} logged epochs, ${runs.length || 1} network${runs.length > 1 ? 's' : ''}` +
    (result.source === 'external' ? ' (external training run)' : ''));
}
$<HTMLInputElement>('open-file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void openFile(f);
  (ev.target as HTMLInputElement).value = '';
});
$<HTMLInputElement>('csv-file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void openFile(f);
  (ev.target as HTMLInputElement).value = '';
});
document.addEventListener('dragover', (ev) => { ev.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', (ev) => { if (!ev.relatedTarget) document.body.classList.remove('dragging'); });
document.addEventListener('drop', (ev) => {
  ev.preventDefault();
  document.body.classList.remove('dragging');
  const f = ev.dataTransfer?.files?.[0];
  if (f) void openFile(f);
});
for (const id of ['view-estimator', 'view-run']) {
  $<HTMLSelectElement>(id).addEventListener('change', () => {
    if (shown?.kind !== 'file') return;
    shown.estimator = $<HTMLSelectElement>('view-estimator').value;
    const r = $<HTMLSelectElement>('view-run').value;
    shown.run = r === 'mean' ? undefined : Number(r);
    rebuild();
  });
}

// ---- worker messages ----
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.kind === 'ready') {
    fillSelect(field<HTMLSelectElement>('estimator'), m.estimators.map((e): [string, string] => [e, e]), 'bin');
    coreReady = true;
    if (!shown) setStatus('ready');
    syncButtons();
  } else if (m.kind === 'begin') {
    begin(m.runId, pendingConfig!.config, pendingConfig!.data, m.epochs, m.widths, m.settings, m.core);
  } else if (m.kind === 'points') {
    const l = live();
    if (!l || m.runId !== l.runId) return;
    const s = m.series, est = l.estimator;
    for (let j = 0; j < s.epochs.length; j++) {
      const k = m.from + j;
      for (let i = 0; i < l.widths.length; i++) {
        l.ixt[i][k] = s.mi[est].ixt[i][j]; l.ity[i][k] = s.mi[est].ity[i][j];
        l.gradMean[i][k] = s.gradMean[i][j]; l.gradStd[i][k] = s.gradStd[i][j];
      }
      l.trainLoss[k] = s.trainLoss[j]; l.trainAcc[k] = s.trainAcc[j];
      l.testLoss[k] = s.testLoss[j]; l.testAcc[k] = s.testAcc[j];
    }
    l.n = Math.max(l.n, m.from + s.epochs.length);
    Object.assign(l, { epoch: m.epoch, rate: m.epochsPerSecond, done: m.done, status: m.status, divergedAt: m.divergedAt });
    if (m.done) running = false;
    syncButtons();
    invalidate();
  } else {
    running = false;
    showError(coreReady ? `training stopped: ${m.message}` : `the wasm core did not load: ${m.message}`);
    syncButtons();
  }
};
worker.onerror = (e) => { showError(`worker failed: ${e.message}`); running = false; syncButtons(); };

function begin(runId: number, config: ExperimentConfig, data: Dataset, epochs: number[], widths: number[], settings: Record<string, string>, core: CoreChoice): void {
  const estimator = config.estimators[0];
  const grid = () => widths.map(() => [] as number[]);
  clearView();
  shown = { kind: 'live', live: {
    runId, config, data, estimator, settings: settings[estimator] ?? '', epochs, widths,
    hY: labelEntropy(data.y, data.nClasses), log2N: Math.log2(data.nRows),
    n: 0, ixt: grid(), ity: grid(), gradMean: grid(), gradStd: grid(),
    trainLoss: [], trainAcc: [], testLoss: [], testAcc: [], epoch: 0, rate: 0, done: false, status: 'ok', core,
  } };
  rebuild();
  syncButtons();
}

// ---- what is shown, as one shape for live and opened data ----
const layerName = (l: number, L: number) => (l === L - 1 ? 'output' : `L${l + 1}`);
function view(): ViewData | undefined {
  if (!shown) return undefined;
  if (shown.kind === 'live') {
    const l = shown.live, L = l.widths.length;
    const layers = l.widths.map((w, i) => `${layerName(i, L)} (${w}, ${i === L - 1 ? 'softmax' : l.config.activation})`);
    return {
      n: l.n, epochs: l.epochs, layers, caption: `Information plane, estimator ${l.estimator}: ${l.settings} (dataset ${l.data.name})`,
      plane: { epochs: l.epochs, ixt: l.ixt, ity: l.ity, layers, hY: l.hY, log2N: l.log2N, maxEpoch: l.config.epochs - 1 },
      gradMean: l.gradMean, gradStd: l.gradStd, trainLoss: l.trainLoss, trainAcc: l.trainAcc, testLoss: l.testLoss, testAcc: l.testAcc,
    };
  }
  const r = shown.result, nRuns = r.runs?.length ?? 0, one = shown.run === undefined ? undefined : r.runs?.[shown.run];
  const src = one ?? r, p = planeInputFromResult(r, shown.estimator, shown.run);
  return {
    n: src.epochs.length, epochs: src.epochs, layers: p.layers, plane: p,
    caption: `${shown.file}: estimator ${shown.estimator}, ${one ? `network ${shown.run! + 1} (seed ${one.seed})` : nRuns > 1 ? `mean of ${nRuns} networks` : 'the run'}` +
      ` \u2014 ${r.mi[shown.estimator]?.settings ?? ''}`,
    gradMean: src.gradMean ?? [], gradStd: src.gradStd ?? [], trainLoss: src.trainLoss ?? [], trainAcc: src.trainAcc ?? [],
    testLoss: src.testLoss ?? [], testAcc: src.testAcc ?? [], ci95: one ? undefined : r.ci95,
  };
}
const shownIndex = () => { const v = view(); return v ? Math.min(v.n - 1, follow ? v.n - 1 : shownK) : -1; };

// ---- plots ----
function rebuild(): void {
  for (const u of [plane, grad, loss, acc]) u?.destroy();
  const v = view();
  if (!v) return;
  const L = v.layers.length;
  visible.length = 0;
  for (let l = 0; l < L; l++) visible.push(true);
  model = planeModel(v.plane);
  $('plane-caption').textContent = v.caption;
  const opts = () => ({ shownK: shownIndex(), visible });
  const hover = (u: uPlot) => {
    const m = model!, hit = nearestPoint(u, m, shownIndex(), visible);
    $('hover').textContent = hit ? `${m.layers[hit[0]]}  epoch ${m.epochs[hit[1]]}  ` +
      `I(X;T) = ${Number(m.ixt[hit[0]][hit[1]]).toFixed(4)}  I(T;Y) = ${Number(m.ity[hit[0]][hit[1]]).toFixed(4)} bits` : '\u00a0';
  };
  plane = new UP(planeOptions(() => model!, 620, 460, opts, (d) => { drawnPoints = d; }, hover), PLANE_DATA, $('plane'));
  plane.over.addEventListener('dblclick', () => plane?.setScale('y', { min: model!.y[0], max: model!.y[1] }));

  const legend = $('legend');
  const h3 = document.createElement('h3'); h3.textContent = 'layer (click to hide)';
  legend.replaceChildren(h3);
  v.layers.forEach((label, l) => {
    const d = document.createElement('div'), s = document.createElement('span');
    s.textContent = label;
    d.append(markerSwatch(l), s);
    d.addEventListener('click', () => { visible[l] = !visible[l]; d.className = visible[l] ? '' : 'off'; invalidate(); });
    legend.append(d);
  });
  if (model.runs) legend.append(Object.assign(document.createElement('p'), { className: 'note', textContent: `thin grey paths: each of ${model.runs.length} networks` }));
  if (model.ci) legend.append(Object.assign(document.createElement('p'), { className: 'note', textContent: 'crosses: 95% CI of the mean' }));

  // an opened result may lack series (an external run has no gradients): leave those panels out
  const has = (a: unknown): boolean => (Array.isArray(a) ? a.some(has) : fin(a));
  const opened = shown?.kind === 'file';
  $('fig-grad').hidden = opened && !has(v.gradMean) && !has(v.gradStd);
  $('fig-loss').hidden = opened && !has(v.trainLoss) && !has(v.testLoss);
  $('fig-acc').hidden = opened && !has(v.trainAcc) && !has(v.testAcc);

  // line plots; bands follow the shown points (ci95 of an opened result)
  const cut = () => shownIndex() + 1;
  const band = (series: number, ci: [number, number][] | undefined): Band[] => (ci ? [{ series, ...splitIntervals(ci, cut()) }] : []);
  const ci = v.ci95;
  grad = new UP(lineOptions({ yLabel: 'gradient norm  (log)', logY: true,
    labels: v.layers.flatMap((_, l) => [`${layerName(l, L)} mean`, `${layerName(l, L)} std`]),
    strokes: v.layers.flatMap((_, l) => [PALETTE[l % PALETTE.length], PALETTE[l % PALETTE.length]]),
    dashes: v.layers.flatMap(() => [undefined, [6, 4]]), width: 500, height: 260, compact: true,
    bands: () => v.layers.flatMap((_, l) => [...band(2 * l + 1, ci?.gradMean?.[l]), ...band(2 * l + 2, ci?.gradStd?.[l])]) }),
  [[], ...v.layers.flatMap(() => [[], []])] as uPlot.AlignedData, $('grad'));
  loss = new UP(lineOptions({ yLabel: 'loss  (log)', logY: true, labels: ['train', 'test'], strokes: [TRAIN_COLOUR, TEST_COLOUR],
    dashes: [undefined, undefined], width: 340, height: 260, compact: true, bands: () => [...band(1, ci?.trainLoss), ...band(2, ci?.testLoss)] }),
  [[], [], []] as uPlot.AlignedData, $('loss'));
  acc = new UP(lineOptions({ yLabel: 'accuracy', logY: false, labels: ['train', 'test'], strokes: [TRAIN_COLOUR, TEST_COLOUR],
    dashes: [undefined, undefined], width: 340, height: 260, compact: true, bands: () => [...band(1, ci?.trainAcc), ...band(2, ci?.testAcc)],
    yRange: (_u, lo) => [Math.max(0, Math.floor((lo ?? 0) * 10) / 10), 1] }),
  [[], [], []] as uPlot.AlignedData, $('acc'));
  invalidate();
}

// ---- redraw at most once per frame ----
let frameQueued = false;
function invalidate(): void {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => { frameQueued = false; redraw(); });
}

function updateSlider(): void {
  const v = view(), n = v?.n ?? 0, k = shownIndex();
  slider.max = String(Math.max(0, n - 1));
  slider.value = String(Math.max(0, k));
  $('shown').textContent = v && k >= 0 ? `epoch ${v.epochs[k]}  (${k + 1} of ${n} logged${follow && shown?.kind === 'live' ? ', live' : ''})` : 'no points yet';
}

function redraw(): void {
  updateSlider();
  const v = view();
  if (!v) return;
  const kEnd = shownIndex(), L = v.layers.length;
  const pos = (x: unknown) => (fin(x) && x > 0 ? x : null);
  const num = (x: unknown) => (fin(x) ? x : null);
  const xs = v.epochs.slice(0, kEnd + 1).map((e) => e + 1);
  const cut = (a: number[] | undefined, f: (x: unknown) => number | null) => xs.map((_, k) => f(a?.[k]));
  if (shown?.kind === 'live') model = planeModel(v.plane);
  plane?.redraw();
  grad?.setData([xs, ...Array.from({ length: L }, (_, l) => [cut(v.gradMean[l], pos), cut(v.gradStd[l], pos)]).flat()] as uPlot.AlignedData);
  loss?.setData([xs, cut(v.trainLoss, pos), cut(v.testLoss, pos)] as uPlot.AlignedData);
  acc?.setData([xs, cut(v.trainAcc, num), cut(v.testAcc, num)] as uPlot.AlignedData);
  const l = live();
  if (!l) return;
  const last = l.n - 1;
  const state = l.status === 'diverged' ? `diverged at epoch ${l.divergedAt}` : l.done ? 'done' : paused ? 'paused' : 'training';
  setStatus(`${state} · epoch ${l.epoch} / ${l.config.epochs} · ${l.n} of ${l.epochs.length} points` +
    (l.rate > 0 && !l.done ? ` · ${Math.round(l.rate)} epochs/s` : '') +
    (last >= 0 ? ` · test accuracy ${(100 * l.testAcc[last]).toFixed(1)}%` : '') +
    (l.core.relaxed ? ' · relaxed SIMD' : l.core.note ? ` · ${l.core.note}` : ''));
}

// ---- export ----
/** The run so far as infoplane.json (the CLI's format), from the points received; an opened file as it was read. */
export function currentResult(): ReportResult | undefined {
  if (shown?.kind === 'file') return shown.result;
  const l = live();
  if (!l) return undefined;
  const n = l.n, cut = (a: number[]) => a.slice(0, n), grid = (g: number[][]) => g.map(cut);
  const record: RunRecord = {
    repeat: 0, seed: l.config.seed, status: l.status, epochs: cut(l.epochs),
    mi: { [l.estimator]: { ixt: grid(l.ixt), ity: grid(l.ity), settings: l.settings } },
    trainLoss: cut(l.trainLoss), trainAcc: cut(l.trainAcc), testLoss: cut(l.testLoss), testAcc: cut(l.testAcc),
    gradMean: grid(l.gradMean), gradStd: grid(l.gradStd),
    ...(l.divergedAt !== undefined ? { divergedAt: l.divergedAt } : {}),
  };
  return buildResult(l.config, l.data, [record]);
}
const exportName = () => (shown?.kind === 'file' ? shown.file.replace(/\.json$/i, '') : 'infoplane');

$('export-json').addEventListener('click', () => {
  const result = currentResult();
  if (result) download(new Blob([JSON.stringify(result)], { type: 'application/json' }), `${exportName()}.json`);
});
$('export-png').addEventListener('click', () => {
  const v = view();
  if (!plane || !v) return;
  const src = plane.ctx.canvas, pr = UP.pxRatio, head = Math.round(26 * pr);
  const c = document.createElement('canvas');
  c.width = src.width; c.height = src.height + head;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = '#222'; ctx.font = `600 ${13 * pr}px system-ui, sans-serif`; ctx.textBaseline = 'middle';
  ctx.fillText(`${v.caption}; up to epoch ${v.epochs[shownIndex()]}`, 8 * pr, head / 2);
  ctx.drawImage(src, 0, head);
  c.toBlob((b) => { if (b) download(b, `${exportName()}-plane.png`); }, 'image/png');
});
$('export-svg').addEventListener('click', () => {
  const v = view();
  if (!model || !v) return;
  const svg = planeSvg(model, { shownK: shownIndex(), visible, title: `${v.caption.slice(0, 90)}; up to epoch ${v.epochs[shownIndex()]}` });
  download(new Blob([svg], { type: 'image/svg+xml' }), `${exportName()}-plane.svg`);
});

// Read-only state for tests and curious users.
(window as unknown as { __infoplane: unknown }).__infoplane = {
  state: {
    get ready() { return coreReady; },
    get running() { return running && !paused; },
    get epoch() { return live()?.epoch ?? 0; },
    get points() { return view()?.n ?? 0; },
    get shownK() { return shownIndex(); },
    get layers() { return view()?.layers.length ?? 0; },
    get drawnPoints() { return drawnPoints.slice(); },
    get status() { return live()?.status; },
    get done() { return live()?.done ?? false; },
    get mode() { return shown?.kind; },
    get dataset() { return live()?.data.name; },
  },
  result: () => currentResult(),
};
syncButtons();
