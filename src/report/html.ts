// The self-contained HTML report of one `infoplane run` (or of `infoplane plane` on an external run).
// No Node imports here: it also runs in a browser. The static parts (header, tables, captions) are
// rendered here, HTML-escaped; the plots are drawn in the page by client.ts (inlined as assets.reportJs)
// from the result embedded as JSON. Panels without data (an external run has no losses or gradients)
// are left out.
import type { InfoplaneResult, Timing } from '../record/schema.js';
import { describeLabelModel } from '../bound/labels.js';
import type { ReportResult } from './plane.js';

/** What a report inlines: uPlot, and the reports' compiled scripts (assets-node.ts). */
export interface UplotAssets { uplotJs: string; uplotCss: string; reportJs: string; sweepJs: string }

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Make inlined JS safe inside <script>: neither `</script` nor `<!--` may appear literally.
 *  `<\/` and `<\!` mean the same as `</` and `<!` in JS strings, regexes and comments. */
export function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function escapeStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** JSON text made inert inside a <script> element: <, >, & and the JS line separators as \u escapes. */
export function scriptSafeJson(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** JSON with non-finite numbers kept (as {"$nf":"NaN"} etc.; plain JSON would turn them into null),
 *  and with <, >, & written as \u escapes so the text is inert inside a <script> element. */
export function encodeResultJson(result: InfoplaneResult): string {
  const json = JSON.stringify(result, (_k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $nf: String(v) } : v);
  return scriptSafeJson(json);
}

/** Inverse of encodeResultJson (the client script does the same). */
export function decodeResultJson(text: string): InfoplaneResult {
  return JSON.parse(text, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$nf === 'string' &&
    Object.keys(v).length === 1 ? Number(v.$nf) : v);
}

/** A config value in a compact form: arrays joined, objects as k=v pairs. */
function fmtValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(fmtValue).join(', ');
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).map(([k, x]) => (k === 'kind' ? fmtValue(x) : `${k}=${fmtValue(x)}`)).join(' ');
  }
  return String(v);
}

function fmtFixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/** Key/value pairs laid out `perRow` pairs to a table row. */
function kvTable(pairs: [string, string][], perRow: number, cls: string): string {
  let rows = '';
  for (let i = 0; i < pairs.length; i += perRow) {
    rows += '<tr>' + pairs.slice(i, i + perRow)
      .map(([k, v]) => `<th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td>`).join('') + '</tr>';
  }
  return `<table class="${cls}">${rows}</table>`;
}

function runsSummary(result: InfoplaneResult): string {
  const runs = result.runs ?? [];
  const ok = runs.filter((r) => r.status === 'ok').length;
  const bad = runs.filter((r) => r.status !== 'ok');
  let s = `${runs.length} (${ok} ok`;
  if (bad.length) {
    s += ', ' + bad.map((r) => `#${r.repeat} ${r.status}` +
      (r.divergedAt !== undefined ? ` at epoch ${r.divergedAt}` : '')).join(', ');
  }
  s += ')';
  if (runs.length > 1) s += '; plots show the average';
  return s;
}

/** The epoch slider and play button (client.ts scrub() wires them up). */
function scrubBar(): string {
  return '<div class="scrub"><button type="button">\u25b6 Play</button>' +
    '<input type="range" min="0" max="0" value="0" aria-label="logged epoch shown"><span class="epoch"></span></div>';
}

// ---- phases and the IB bound (record/phases.ts, record/bound-gap.ts): static tables ----
const fmtEpoch = (e: number | null | undefined) => (e === null || e === undefined ? '\u2013' : String(e));

/** Per layer: the SNR transition, and per estimator the compression onset, amount and their difference. */
function phasesSection(result: InfoplaneResult, hasGrad: boolean): string {
  const ph = result.phases;
  if (!ph) return '';
  const ests = Object.keys(ph.compression ?? {});
  // without gradients (an external run) only the compression columns apply
  const head = `<tr><th>layer</th>${hasGrad ? '<th>SNR &lt; 1 from epoch</th>' : ''}` + ests.map((e) =>
    `<th>${escapeHtml(e)}: compression onset</th><th>compressed (bits)</th>${hasGrad ? '<th>onset \u2212 SNR epoch</th>' : ''}`).join('') + '</tr>';
  const rows = (result.layers ?? []).map((layer, l) => {
    const snr = ph.snrTransition?.[l] ?? null;
    return `<tr><td>${escapeHtml(layer.name)}</td>${hasGrad ? `<td>${fmtEpoch(snr)}</td>` : ''}` + ests.map((e) => {
      const c = ph.compression[e][l];
      const diff = c && c.onset !== null && snr !== null ? String(c.onset - snr) : '\u2013';
      return `<td>${fmtEpoch(c?.onset)}</td><td>${c && c.amount !== null ? fmtFixed(c.amount, 3) : '\u2013'}</td>${hasGrad ? `<td>${diff}</td>` : ''}`;
    }).join('') + '</tr>';
  }).join('');
  return `<section class="phases"><h2>Phases</h2><table class="layers">${head}${rows}</table>
<p class="note">${hasGrad ? `Gradient SNR = norm of the mean / std over the mini-batches (averaged series): the first logged epoch from which it stays below 1
(drift to diffusion; also marked on the gradient plot). ` : ''}Compression onset: the logged epoch of maximal I(X;T) if I(X;T) then ends more than
${escapeHtml(ph.threshold)} bits lower; compressed = maximum minus final. The paper claims the two epochs coincide.</p></section>`;
}

/** Per layer and estimator: the bound at the layer's final I(X;T) minus its I(T;Y). */
function boundSection(result: InfoplaneResult): string {
  const gaps = result.boundGap, bound = result.bound;
  if (!gaps || !bound) return '';
  const ests = Object.keys(gaps);
  const epochs = result.epochs ?? [];
  const lastFinite = (row: number[]) => { for (let k = row.length - 1; k >= 0; k--) if (Number.isFinite(row[k])) return k; return -1; };
  const rows = (result.layers ?? []).map((layer, l) => `<tr><td>${escapeHtml(layer.name)}</td>` + ests.map((e) => {
    const row = gaps[e][l] ?? [], k = lastFinite(row);
    return k < 0 ? '<td>\u2013</td>' : `<td>${fmtFixed(row[k], 4)}${k === epochs.length - 1 ? '' : ` (epoch ${epochs[k]})`}</td>`;
  }).join('') + '</tr>').join('');
  const lm = bound.labelModel;
  const labels = describeLabelModel(lm) + (lm.kind === 'noisy' ? (result.mi['bin-model'] ? '; bin-model measures I(T;Y) under that model' : '; the layers\' I(T;Y) uses the run\'s labels') : '');
  return `<section class="bound"><h2>Distance to the IB bound at epoch ${escapeHtml(epochs[epochs.length - 1] ?? '')}</h2>
<table class="layers"><tr><th>layer</th>${ests.map((e) => `<th>${escapeHtml(e)} (bits)</th>`).join('')}</tr>${rows}</table>
<p class="note">The bound's I(T;Y) at the layer's I(X;T) minus the layer's I(T;Y); 0 = on the bound. Bound (red curve on the planes):
iterative IB by reverse annealing over beta, for ${escapeHtml(labels)}.</p></section>`;
}

export const REPORT_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 16px 24px; max-width: 1200px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 13px; margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: #666; }
.meta { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 1px 6px; text-align: left; vertical-align: top; }
.kv th { color: #666; font-weight: normal; }
.kv td { font-family: ui-monospace, monospace; padding-right: 14px; }
.layers th { color: #666; font-weight: normal; border-bottom: 1px solid #ccc; }
figure { margin: 22px 0 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.row, .pair { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.pair figure { margin-right: 8px; }
.legend { font-size: 12px; margin-top: 14px; max-width: 260px; }
.legend h3 { font-size: 12px; margin: 0 0 4px; color: #666; font-weight: normal; }
.legend div { display: flex; align-items: center; gap: 6px; cursor: pointer; user-select: none; padding: 1px 0; }
.legend div.off { opacity: .35; }
.legend label { display: block; margin-top: 6px; color: #444; }
.legend button { margin-top: 10px; }
.hover { font: 12px ui-monospace, monospace; color: #444; min-height: 1.4em; }
.note { color: #888; font-style: italic; }
.source { background: #fff8e0; border: 1px solid #e8d9a0; border-radius: 4px; padding: 6px 10px; margin: 10px 0 0; max-width: 900px; }
.source p { margin: 0; }
.source .warnings { margin: 4px 0 0; padding-left: 20px; color: #8a4b00; }
.u-title { font-size: 14px; }
.scrub { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 10px; margin: 18px 0 0;
  padding: 6px 10px; background: #f4f4f4; border: 1px solid #ddd; border-radius: 4px; }
.scrub input { flex: 1; max-width: 640px; }
.scrub button { min-width: 84px; }
.scrub .epoch { font: 12px ui-monospace, monospace; color: #444; min-width: 220px; }
`;

const anyFinite = (a: unknown): boolean => (Array.isArray(a) ? a.some(anyFinite) : typeof a === 'number' && Number.isFinite(a));

/** Where the numbers came from, in a sentence (results of `infoplane plane` say "external"), and the
 *  warnings the command printed. */
function sourceNote(result: ReportResult, has: { grad: boolean; loss: boolean; acc: boolean }): string {
  const missing = [!has.loss && 'losses', !has.acc && 'accuracies', !has.grad && 'gradients'].filter(Boolean).join(', ');
  const warnings = result.warnings?.length
    ? `<ul class="warnings">${result.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '';
  if (result.source === 'external') {
    const o = result.origin ?? {} as Partial<typeof result.origin>;
    const from = [o.path && `activations: ${o.path}`, o.writer && `written by: ${o.writer}`, o.labels && `labels: ${o.labels}`,
      o.inputs && `inputs: ${o.inputs}`, o.metrics && `metrics: ${o.metrics}`].filter(Boolean).join('; ');
    return `<div class="source"><p>Data: an <b>external training run</b>; the planes are computed by infoplane from the stored layer activations` +
      `${from ? ` (${escapeHtml(from)})` : ''}. Training itself happened elsewhere` +
      `${missing ? `; no ${missing} were recorded, so those panels are left out` : ''}.</p>${warnings}</div>`;
  }
  const runs = result.runs?.length ?? 0;
  return `<div class="source"><p>Data: trained by infoplane run${runs ? ` (${runs} network${runs === 1 ? '' : 's'}` +
    `${runs > 1 ? `; curves are the mean${result.ci95 ? ' with bootstrap 95% confidence bands over networks' : ''}` : ''})` : ''}` +
    `${missing ? `; no ${missing} recorded` : ''}.</p>${warnings}</div>`;
}

/** The data-processing-inequality check per estimator (record/checks.ts). */
function dpiSection(result: InfoplaneResult): string {
  const d = (result as { dpi?: import('../record/schema.js').DpiChecks }).dpi;
  if (!d || !Object.keys(d).length) return '';
  const cell = (c: { pairs: number; share: number; largest: number }) => `<td>${fmtFixed(100 * c.share, 1)}% of ${c.pairs}</td><td>${fmtFixed(c.largest, 4)}</td>`;
  const rows = Object.entries(d).map(([e, c]) => `<tr><td>${escapeHtml(e)}</td>${cell(c.ixt)}${cell(c.ity)}</tr>`).join('');
  return `<section class="dpi"><h2>Data-processing inequality</h2>
<table class="layers"><tr><th>estimator</th><th>I(X;T): pairs broken</th><th>largest (bits)</th><th>I(T;Y): pairs broken</th><th>largest (bits)</th></tr>${rows}</table>
<p class="note">Each layer is a function of the one before, so a deeper layer cannot carry more information about X or Y than a shallower one.
Share of layer pairs (over every network and logged epoch) where this estimate has it do so, and the largest excess.</p></section>`;
}

export function renderReport(result: InfoplaneResult, assets: UplotAssets, timing?: Timing): string {
  const rr = result as ReportResult;
  const cfg = result.config as unknown as Record<string, unknown>;
  const ds = result.dataset;
  const name = String(cfg.name ?? 'run');
  const estimators = Object.keys(result.mi ?? {});
  const epochs = result.epochs ?? [];

  const configTable = kvTable(Object.keys(cfg).map((k) => [k, fmtValue(cfg[k])]), 3, 'kv');

  const info: [string, string][] = [
    ['dataset', ds.name],
    // an external plane may not know the inputs or the split
    ['rows', `${ds.nRows} (${ds.nInputs !== undefined ? `${ds.nInputs} inputs, ` : ''}${ds.nClasses} classes)`],
    ...(ds.nTrain !== undefined && ds.nTest !== undefined ? [['train / test', `${ds.nTrain} / ${ds.nTest}`] as [string, string]] : []),
    ['H(Y)', `${fmtFixed(ds.hY, 5)} bits`],
    ['log2 N', `${fmtFixed(ds.log2N, 3)} bits`],
    ...(ds.note ? [['I(X;T)', ds.note] as [string, string]] : []),
    ['logged epochs', epochs.length ? `${epochs.length} (${epochs[0]} to ${epochs[epochs.length - 1]})` : '0'],
    ...((result.runs?.length ?? 0) > 0 ? [['repeats', runsSummary(result)] as [string, string]] : []),
  ];
  if (timing) {
    info.push(
      ['time', `${fmtFixed(timing.seconds, 1)} s, ${timing.threads} thread${timing.threads === 1 ? '' : 's'}, ` +
        `${fmtFixed(timing.epochsPerSecond, 1)} epochs/s`],
      ['started', timing.startedAt],
      ['host', `${timing.host}, node ${timing.node}`],
    );
  }
  const layerRows = (result.layers ?? []).map((l, i) =>
    `<tr><td>${i + 1}</td><td>${escapeHtml(l.name)}</td><td>${escapeHtml(l.width)}</td><td>${escapeHtml(l.activation)}</td></tr>`).join('');

  const has = { grad: anyFinite(result.gradMean) || anyFinite(result.gradStd),
    loss: anyFinite(result.trainLoss) || anyFinite(result.testLoss), acc: anyFinite(result.trainAcc) || anyFinite(result.testAcc) };
  const ciNote = rr.ci95 ? ' Shaded: bootstrap 95% confidence band of the mean over networks.' : '';
  const nRuns = result.runs?.length ?? 0;
  const spread = nRuns > 1 ? `<p class="note">Markers: the mean over ${nRuns} networks, coloured by epoch; thin grey paths: each network` +
    `${rr.ci95 ? '; crosses: bootstrap 95% confidence interval of the mean in I(X;T) and I(T;Y) at a few epochs' : ''}.</p>` : '';
  const planes = estimators.map((key, i) => `
<figure class="plane" data-i="${i}" data-estimator="${escapeHtml(key)}">
<figcaption>Information plane, estimator <b>${escapeHtml(key)}</b>: ${escapeHtml(result.mi[key].settings)}</figcaption>
${spread}
<div class="row"><div class="plot"></div><div class="legend"></div></div>
<div class="hover">&nbsp;</div>
</figure>`).join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>infoplane: ${escapeHtml(name)}</title>
<style>${escapeStyle(assets.uplotCss)}</style>
<style>${escapeStyle(REPORT_CSS)}</style>
</head><body>
<header>
<h1>infoplane: ${escapeHtml(name)}</h1>
<div class="meta">
<div>
<section><h2>Configuration</h2>${configTable}</section>
<section><h2>Layers</h2><table class="layers"><tr><th>#</th><th>name</th><th>width</th><th>activation</th></tr>${layerRows}</table></section>
</div>
<section><h2>Data and runs</h2>${kvTable(info, 1, 'kv')}</section>
</div>
</header>
<main>
${sourceNote(rr, has)}
${scrubBar()}
${planes || '<p class="note">No mutual-information estimates in this result.</p>'}
${has.grad ? `<figure class="grad"><figcaption>Gradient signal per weight matrix across mini-batches: norm of the mean (solid) and std (dashed).${ciNote}</figcaption><div class="plot"></div></figure>` : ''}
${phasesSection(result, has.grad)}${boundSection(result)}${dpiSection(result)}
${has.loss || has.acc ? `<div class="pair">
${has.loss ? `<figure class="loss"><figcaption>Cross-entropy loss</figcaption><div class="plot"></div></figure>` : ''}
${has.acc ? `<figure class="acc"><figcaption>Accuracy</figcaption><div class="plot"></div></figure>` : ''}
</div>` : ''}
</main>
<script type="application/json" id="infoplane-data">${encodeResultJson(result)}</script>
<script>${escapeScript(assets.uplotJs)}</script>
<script>${escapeScript(assets.reportJs)}</script>
</body></html>
`;
}
