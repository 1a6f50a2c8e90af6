// The sweep's self-contained HTML report: one information plane per grid cell (averaged over its
// repeats, linking to the cell's full report) and comparison panels per grid axis: training-set
// size (the paper's 5/45/85% figure), depth (epochs to a stated training error: the paper's claim 4)
// and activation (tanh vs ReLU, Saxe et al.). No Node imports.
import type { SweepManifest, CellResult } from '../record/sweep.js';
import { epochsToTrainError } from '../record/sweep.js';
import { escapeHtml, escapeScript, escapeStyle, scriptSafeJson, type UplotAssets } from './html.js';
import { PLANE_HELPERS_JS } from './client.js';

/** The training error the depth panel counts epochs to. */
export const DEPTH_TARGET_ERROR = 0.05;

interface Panel { key: string; title: string; caption: string; kind: string; cells: string[]; values: string[] }

/** One panel per axis, over the cells where every other axis is at its first value. */
function panels(manifest: SweepManifest): Panel[] {
  return manifest.axes.map((ax) => {
    const others = manifest.axes.filter((a) => a.key !== ax.key);
    const slice = manifest.cells.filter((c) => others.every((o) => c.values[o.key] === o.values[0]));
    const fixed = others.map((o) => `${o.key}=${o.values[0]}`).join(', ');
    const where = fixed ? ` (other axes at ${fixed})` : '';
    const kind = ax.key === 'trainFraction' ? 'size' : ax.key === 'layers' ? 'depth' : ax.key === 'activation' ? 'activation' : 'generic';
    const title = kind === 'size' ? 'Training-set size' : kind === 'depth' ? 'Depth'
      : kind === 'activation' ? 'Activation' : `By ${ax.key}`;
    const caption = kind === 'size'
      ? `Test accuracy, and I(T;Y) of the last hidden layer, per training fraction${where}. The paper: with little data I(T;Y) of the last layers falls late (overfitting).`
      : kind === 'depth'
        ? `Training error per depth, and the first logged epoch where it is <= ${DEPTH_TARGET_ERROR}${where}. The paper: more hidden layers reach it in far fewer epochs.`
        : kind === 'activation'
          ? `I(X;T) of every layer against epochs, per activation${where}; compression = peak - final I(X;T). Saxe et al.: tanh compresses, ReLU does not.`
          : `Test accuracy per value of ${ax.key}${where}.`;
    return { key: ax.key, title, caption, kind, cells: slice.map((c) => c.id), values: slice.map((c) => c.values[ax.key]) };
  });
}

export function renderSweepReport(manifest: SweepManifest, cells: CellResult[], assets: UplotAssets): string {
  const data = {
    name: manifest.name,
    panels: panels(manifest),
    target: DEPTH_TARGET_ERROR,
    cells: cells.map((c) => {
      const r = c.result, est = Object.keys(r.mi)[0];
      return {
        id: c.id, label: c.label, values: c.values, epochs: r.epochs, layers: r.layers.map((l) => l.name),
        hY: r.dataset.hY, log2N: r.dataset.log2N, estimator: est ?? null, settings: est ? r.mi[est].settings : '',
        ixt: est ? r.mi[est].ixt : [], ity: est ? r.mi[est].ity : [],
        trainAcc: r.trainAcc, testAcc: r.testAcc, repeats: r.runs.length,
        diverged: r.runs.filter((x) => x.status !== 'ok').length,
        epochsToTarget: epochsToTrainError(r, DEPTH_TARGET_ERROR),
        compression: est ? (r.phases?.compression[est] ?? []).map((x) => x.amount) : [],
      };
    }),
  };
  const json = scriptSafeJson(JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  const axes = manifest.axes.map((a) => `<tr><th>${escapeHtml(a.key)}</th><td>${a.values.map(escapeHtml).join(', ')}</td></tr>`).join('');
  const rows = cells.map((c) => `<tr><td><a href="cells/${escapeHtml(c.id)}/report.html">${escapeHtml(c.id)}</a></td><td>${escapeHtml(c.label)}</td>` +
    `<td>${c.result.runs.length}</td><td>${escapeHtml(fmt(c.result.testAcc[c.result.testAcc.length - 1], 3))}</td>` +
    `<td>${escapeHtml(String(epochsToTrainError(c.result, DEPTH_TARGET_ERROR) ?? 'not reached'))}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>infoplane sweep: ${escapeHtml(manifest.name)}</title>
<style>${escapeStyle(assets.uplotCss)}</style>
<style>${SWEEP_CSS}</style>
</head><body>
<h1>infoplane sweep: ${escapeHtml(manifest.name)}</h1>
<div class="meta">
<section><h2>Grid</h2><table class="kv">${axes || '<tr><td>a single cell</td></tr>'}</table></section>
<section><h2>Cells</h2><table class="cells"><tr><th>cell</th><th>values</th><th>networks</th><th>final test acc.</th><th>epochs to train error &le; ${DEPTH_TARGET_ERROR}</th></tr>${rows}</table></section>
</div>
<h2>Information plane of every cell (mean over its networks; click for the full report)</h2>
<div id="planes" class="grid"></div>
<div id="panels"></div>
<script type="application/json" id="sweep-data">${json}</script>
<script>${escapeScript(assets.uplotJs)}</script>
<script>${escapeScript(SWEEP_JS)}</script>
</body></html>`;
}

function fmt(v: number, d: number): string { return v != null && Number.isFinite(v) ? v.toFixed(d) : '-'; }

const SWEEP_CSS = String.raw`
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 16px 24px; max-width: 1250px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 13px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #666; }
h3 { font-size: 15px; margin: 22px 0 2px; }
.meta { display: flex; flex-wrap: wrap; gap: 8px 32px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 1px 8px; text-align: left; }
.cells th, .kv th { color: #666; font-weight: normal; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.cell { font-size: 12px; width: 300px; }
.cell a { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cell a { color: #222; text-decoration: none; }
.cap { color: #555; font-size: 13px; margin: 0 0 6px; max-width: 900px; }
.row { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
`;

const SWEEP_JS = String.raw`(function () {
'use strict';
var D = JSON.parse(document.getElementById('sweep-data').textContent);
var BY = {}; D.cells.forEach(function (c) { BY[c.id] = c; });
var PAL = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
function fin(v) { return typeof v === 'number' && isFinite(v); }
// cmap: the run report's viridis ramp, coloured by log epoch
${PLANE_HELPERS_JS}
function el(tag, cls, parent, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; if (parent) parent.appendChild(e); return e; }

function plane(parent, c, w, h) {
  var E = c.epochs, maxE = Math.max.apply(null, E.concat([1])), lm = Math.log(maxE + 1);
  var u = new uPlot({
    width: w, height: h, mode: 2, legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false, auto: false, range: [0, c.log2N] }, y: { auto: false, range: [0, Math.max(c.hY * 1.02, 0.01)] } },
    axes: [{ label: 'I(X;T)', size: 30, labelSize: 14 }, { label: 'I(T;Y)', size: 36, labelSize: 14 }],
    series: [null, { label: 'points', paths: function () { return null; }, points: { show: false }, facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] }],
    hooks: { draw: [function (u) {
      var ctx = u.ctx, L = c.ixt.length;
      ctx.save();
      for (var k = 0; k < E.length; k++) {
        var col = cmap(Math.log(E[k] + 1) / lm);
        ctx.strokeStyle = col; ctx.globalAlpha = 0.25; ctx.beginPath();
        for (var l = 0; l < L; l++) {
          var x = c.ixt[l][k], y = c.ity[l][k]; if (!fin(x) || !fin(y)) continue;
          var px = u.valToPos(x, 'x', true), py = u.valToPos(y, 'y', true);
          if (l === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
        }
        ctx.stroke(); ctx.globalAlpha = 1; ctx.fillStyle = col;
        for (l = 0; l < L; l++) {
          x = c.ixt[l][k]; y = c.ity[l][k]; if (!fin(x) || !fin(y)) continue;
          ctx.beginPath(); ctx.arc(u.valToPos(x, 'x', true), u.valToPos(y, 'y', true), 2.2 * devicePixelRatio, 0, 2 * Math.PI); ctx.fill();
        }
      }
      ctx.restore();
    }] },
  }, [null, [[], []]], parent);
  return u;
}

var planes = document.getElementById('planes');
D.cells.forEach(function (c) {
  var box = el('div', 'cell', planes);
  var a = el('a', null, box); a.href = 'cells/' + c.id + '/report.html';
  el('b', null, a, c.id + ' '); a.appendChild(document.createTextNode(c.label + ' (' + c.repeats + ' nets' + (c.diverged ? ', ' + c.diverged + ' diverged' : '') + ')'));
  if (c.estimator) plane(box, c, 300, 230); else el('p', null, box, 'no MI estimates');
});

function lines(parent, title, rows, names, logY, yLabel) {
  var xsAll = {}; rows.forEach(function (r) { r.x.forEach(function (x) { xsAll[x] = 1; }); });
  var xs = Object.keys(xsAll).map(Number).sort(function (a, b) { return a - b; });
  var data = [xs.map(function (x) { return x + 1; })];
  rows.forEach(function (r) {
    var m = {}; r.x.forEach(function (x, i) { m[x] = r.y[i]; });
    data.push(xs.map(function (x) { var v = m[x]; return fin(v) && (!logY || v > 0) ? v : null; }));
  });
  var series = [{ label: 'epoch', value: function (u, v) { return v == null ? '--' : String(v - 1); } }];
  names.forEach(function (n, i) { series.push({ label: n, stroke: PAL[i % PAL.length], width: 1.5, dash: rows[i].dash, spanGaps: true, points: { show: false } }); });
  var box = el('div', null, parent); el('div', 'cap', box, title);
  return new uPlot({ width: 560, height: 260, series: series,
    scales: { x: { time: false, distr: 3 }, y: logY ? { distr: 3 } : {} },
    axes: [{ label: 'epoch + 1 (log)', labelSize: 14, size: 34 }, { label: yLabel, labelSize: 14, size: 50 }] }, data, box);
}

var host = document.getElementById('panels');
D.panels.forEach(function (p) {
  el('h3', null, host, p.title + ': ' + p.key);
  el('p', 'cap', host, p.caption);
  var row = el('div', 'row', host), cs = p.cells.map(function (id) { return BY[id]; });
  var names = p.values.map(function (v) { return p.key + '=' + v; });
  if (p.kind === 'size') {
    lines(row, 'Test accuracy', cs.map(function (c) { return { x: c.epochs, y: c.testAcc }; }), names, false, 'accuracy');
    lines(row, 'I(T;Y) of the last hidden layer [bits]', cs.map(function (c) {
      return { x: c.epochs, y: c.ity.length > 1 ? c.ity[c.ity.length - 2] : [] }; }), names, false, 'I(T;Y)');
  } else if (p.kind === 'depth') {
    lines(row, 'Training error (log)', cs.map(function (c) { return { x: c.epochs, y: c.trainAcc.map(function (a) { return fin(a) ? 1 - a : null; }) }; }), names, true, '1 - train acc.');
    var t = el('table', 'cells', row), tr = el('tr', null, t);
    el('th', null, tr, 'depth (hidden layers)'); el('th', null, tr, 'epochs to train error <= ' + D.target);
    cs.forEach(function (c, i) { var r = el('tr', null, t); el('td', null, r, p.values[i] + ' (' + (c.layers.length - 1) + ')'); el('td', null, r, c.epochsToTarget == null ? 'not reached' : String(c.epochsToTarget)); });
  } else if (p.kind === 'activation') {
    cs.forEach(function (c, i) {
      lines(row, 'I(X;T) per layer, ' + names[i], c.ixt.map(function (r) { return { x: c.epochs, y: r }; }), c.layers, false, 'I(X;T) [bits]');
    });
    var t2 = el('table', 'cells', row), h = el('tr', null, t2); el('th', null, h, 'compression (bits)');
    (cs[0] ? cs[0].layers : []).forEach(function (n) { el('th', null, h, n); });
    cs.forEach(function (c, i) { var r = el('tr', null, t2); el('td', null, r, names[i]); c.compression.forEach(function (v) { el('td', null, r, fin(v) ? v.toFixed(2) : '-'); }); });
  } else {
    lines(row, 'Test accuracy', cs.map(function (c) { return { x: c.epochs, y: c.testAcc }; }), names, false, 'accuracy');
  }
});
})();`;
