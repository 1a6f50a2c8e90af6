// Browser-side part of the report: plain JS (run as-is, no build step) and the page's CSS.
// It reads the result from <script id="infoplane-data"> and draws the plots with the inlined uPlot.
// Written with String.raw, so no backticks or dollar-brace sequences may appear in it (CLIENT_JS
// splices PLANE_HELPERS_JS in with the one dollar-brace it has).

export const REPORT_CSS = String.raw`
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
.legend { font-size: 12px; margin-top: 14px; }
.legend h3 { font-size: 12px; margin: 0 0 4px; color: #666; font-weight: normal; }
.legend div { display: flex; align-items: center; gap: 6px; cursor: pointer; user-select: none; padding: 1px 0; }
.legend div.off { opacity: .35; }
.hover { font: 12px ui-monospace, monospace; color: #444; min-height: 1.4em; }
.note { color: #888; font-style: italic; }
.u-title { font-size: 14px; }
.scrub { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 10px; margin: 18px 0 0;
  padding: 6px 10px; background: #f4f4f4; border: 1px solid #ddd; border-radius: 4px; }
.scrub input { flex: 1; max-width: 640px; }
.scrub button { min-width: 84px; }
.scrub .epoch { font: 12px ui-monospace, monospace; color: #444; min-width: 220px; }
`;

// Drawing helpers shared by the report and the web app (web/plot.ts evaluates this text and takes
// cmap, marker and niceTicks from it). Plain JS, same String.raw rules as CLIENT_JS.
export const PLANE_HELPERS_JS = String.raw`
// Viridis, 9 anchors with linear interpolation.
var VIR = [[68,1,84],[71,44,122],[59,81,139],[44,113,142],[33,144,141],[39,173,129],[92,200,99],[170,220,50],[253,231,37]];
function cmap(t) {
  t = Math.min(1, Math.max(0, t)) * (VIR.length - 1);
  var i = Math.min(VIR.length - 2, Math.floor(t)), f = t - i, a = VIR[i], b = VIR[i + 1];
  return 'rgb(' + [0, 1, 2].map(function (j) { return Math.round(a[j] + f * (b[j] - a[j])); }).join(',') + ')';
}

// Marker shapes, as unit-radius vertex lists (null = circle), chosen to stay distinct when small.
function ngon(n, rot, inner) {
  var m = inner ? 2 * n : n, v = [];
  for (var j = 0; j < m; j++) {
    var a = rot + j * 2 * Math.PI / m, q = inner && j % 2 ? inner : 1;
    v.push([q * Math.cos(a), q * Math.sin(a)]);
  }
  return v;
}
var PLUS = [[-1,-3],[1,-3],[1,-1],[3,-1],[3,1],[1,1],[1,3],[-1,3],[-1,1],[-3,1],[-3,-1],[-1,-1]]
  .map(function (p) { return [p[0] * 0.4, p[1] * 0.4]; });
// circle, square, triangle up, diamond, triangle down, star, plus, triangle right; sizes equalise area.
var SHAPES = [null, [1.2, ngon(4, Math.PI / 4)], [1.4, ngon(3, -Math.PI / 2)], [1.3, ngon(4, -Math.PI / 2)],
  [1.4, ngon(3, Math.PI / 2)], [1.6, ngon(5, -Math.PI / 2, 0.45)], [1.05, PLUS], [1.4, ngon(3, 0)]];
function marker(ctx, l, x, y, r) {
  var sh = SHAPES[l % SHAPES.length];
  if (!sh) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
  var v = sh[1], rr = r * sh[0];
  ctx.moveTo(x + rr * v[0][0], y + rr * v[0][1]);
  for (var j = 1; j < v.length; j++) ctx.lineTo(x + rr * v[j][0], y + rr * v[j][1]);
  ctx.closePath();
}

// "Nice" tick values 1, 2, 5 x 10^n in [lo, hi].
function niceTicks(lo, hi) {
  var out = [];
  for (var p = 1; p <= hi * 10; p *= 10) [1, 2, 5].forEach(function (m) { var v = m * p; if (v >= lo && v <= hi) out.push(v); });
  return out;
}
`;

export const CLIENT_JS = String.raw`(function () {
'use strict';
// Non-finite numbers are stored as {"$nf": "NaN"} (see encodeResultJson).
var R = JSON.parse(document.getElementById('infoplane-data').textContent, function (k, v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$nf === 'string' &&
    Object.keys(v).length === 1 ? Number(v.$nf) : v;
});
var E = R.epochs || [];
var nK = E.length;
var LAYERS = R.layers || [];
var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function fin(v) { return typeof v === 'number' && isFinite(v); }
function num(v) { return fin(v) ? v : null; }
function posNum(v) { return fin(v) && v > 0 ? v : null; }
// Row l of a [layer][k] array, always nK long, with null for anything missing or non-finite.
function row(a, l, f) {
  var r = (a && a[l]) || [], out = new Array(nK);
  for (var k = 0; k < nK; k++) out[k] = (f || num)(r[k]);
  return out;
}
function layerName(l) { return LAYERS[l] ? String(LAYERS[l].name) : 'layer ' + (l + 1); }
function layerLabel(l) {
  var L = LAYERS[l];
  return L ? L.name + ' (' + L.width + ', ' + L.activation + ')' : 'layer ' + (l + 1);
}
function fmt(v, d) { return fin(v) ? v.toFixed(d) : String(v); }

${PLANE_HELPERS_JS}
// Logged epochs are log-spaced, so colour by log(epoch + 1).
var maxE = 0;
E.forEach(function (e) { if (fin(e) && e > maxE) maxE = e; });
var logMax = Math.log(maxE + 1);
function tOf(e) { return logMax > 0 && fin(e) ? Math.log(Math.max(e, 0) + 1) / logMax : 1; }
var ECOL = E.map(function (e) { return cmap(tOf(e)); });
// Epoch slider (scrub() below): the planes draw logged epochs 0..shownK; plots redraw via onScrub.
var shownK = nK - 1, onScrub = [], drawnPoints = [];

function note(el, text) { var p = document.createElement('p'); p.className = 'note'; p.textContent = text; el.appendChild(p); }

// ---- information plane: one per estimator ----
function plane(fig, key) {
  var mi = R.mi[key] || {}, ds = R.dataset || {};
  var nL = Math.max((mi.ixt || []).length, (mi.ity || []).length);
  var X = [], Y = [], vis = [], data = [null];
  var x0 = 0, x1 = fin(ds.log2N) && ds.log2N > 0 ? ds.log2N : 1;
  var y0 = 0, y1 = fin(ds.hY) && ds.hY > 0 ? ds.hY * 1.02 : 1;
  for (var l = 0; l < nL; l++) {
    X.push(row(mi.ixt, l)); Y.push(row(mi.ity, l)); vis.push(true);
    data.push([X[l], Y[l]]);
    // Widen the axes if an estimator strays outside the theoretical bounds.
    for (var k = 0; k < nK; k++) {
      if (X[l][k] !== null) { x0 = Math.min(x0, X[l][k]); x1 = Math.max(x1, X[l][k]); }
      if (Y[l][k] !== null) { y0 = Math.min(y0, Y[l][k]); y1 = Math.max(y1, Y[l][k] * 1.02); }
    }
  }
  if (!nL || !nK) { note(fig, 'No data for this estimator.'); return; }
  var plotEl = fig.querySelector('.plot'), hoverEl = fig.querySelector('.hover');
  var r = nK > 2000 ? 2.2 : nK > 500 ? 2.9 : 3.6;                 // marker radius, CSS px
  var alpha = Math.min(0.5, Math.max(0.05, 5 / Math.sqrt(nK)));  // epoch polylines
  var pos = [];                                                   // [l][k] CSS px, for hovering
  var CB = 90;                                                    // right padding for the colour bar

  // Draws every layer's points (series 1 draws all of them, in epoch order, so late epochs are on top).
  function draw(u, si) {
    if (si !== 1) return null;
    var ctx = u.ctx, pr = uPlot.pxRatio, b = u.bbox, k, l, x, y;
    var P = [];
    for (l = 0; l < nL; l++) {
      P.push([]);
      for (k = 0; k < nK; k++) {
        P[l].push(X[l][k] === null || Y[l][k] === null ? null :
          [u.valToPos(X[l][k], 'x', true), u.valToPos(Y[l][k], 'y', true)]);
      }
    }
    pos = P;
    ctx.save();
    ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
    // The I(T;Y) <= H(Y) bound.
    if (fin(ds.hY)) {
      y = u.valToPos(ds.hY, 'y', true);
      ctx.setLineDash([5 * pr, 4 * pr]); ctx.strokeStyle = '#999'; ctx.lineWidth = pr;
      ctx.beginPath(); ctx.moveTo(b.left, y); ctx.lineTo(b.left + b.width, y); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = '#777'; ctx.font = 11 * pr + 'px sans-serif';
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText('H(Y)', b.left + 4 * pr, y + 3 * pr);
    }
    // One thin polyline per logged epoch through its layers (broken at missing points).
    ctx.globalAlpha = alpha; ctx.lineWidth = pr;
    for (k = 0; k <= shownK; k++) {
      ctx.strokeStyle = ECOL[k]; ctx.beginPath();
      var open = false;
      for (l = 0; l < nL; l++) {
        if (!vis[l]) continue;
        var p = P[l][k];
        if (!p) { open = false; continue; }
        if (open) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
        open = true;
      }
      ctx.stroke();
    }
    // Thin dark outlines separate the markers; with thousands of epochs they would turn black.
    ctx.globalAlpha = 1; ctx.lineWidth = 0.6 * pr; ctx.strokeStyle = 'rgba(0,0,0,0.5)';
    var drawn = [];
    for (l = 0; l < nL; l++) drawn.push(0);
    for (k = 0; k <= shownK; k++) {
      ctx.fillStyle = ECOL[k]; ctx.beginPath();
      for (l = 0; l < nL; l++) if (vis[l] && P[l][k]) { marker(ctx, l, P[l][k][0], P[l][k][1], r * pr); drawn[l]++; }
      ctx.fill(); if (nK <= 1500) ctx.stroke();
    }
    ctx.restore();
    drawnPoints[fig.getAttribute('data-i')] = drawn;
    return null;
  }

  // Colour bar in the right padding, ticks at "nice" epochs (log(epoch+1) scale).
  function colorBar(u) {
    var ctx = u.ctx, pr = uPlot.pxRatio, b = u.bbox;
    var bx = b.left + b.width + 22 * pr, bw = 14 * pr, h = b.height;
    ctx.save();
    for (var i = 0; i < h; i++) { ctx.fillStyle = cmap(1 - i / (h - 1)); ctx.fillRect(bx, b.top + i, bw, 1); }
    ctx.strokeStyle = '#666'; ctx.lineWidth = pr; ctx.strokeRect(bx, b.top, bw, h);
    ctx.fillStyle = '#222'; ctx.font = 11 * pr + 'px sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    var ticks = [0].concat(niceTicks(1, maxE)), last = -1e9;
    function tick(e, force) {
      var y = b.top + h * (1 - tOf(e));
      if (!force && (Math.abs(y - last) < 13 * pr || Math.abs(y - b.top) < 13 * pr)) return;
      ctx.beginPath(); ctx.moveTo(bx + bw, y); ctx.lineTo(bx + bw + 4 * pr, y); ctx.stroke();
      ctx.fillText(String(e), bx + bw + 6 * pr, y);
      last = y;
    }
    ticks.forEach(function (e) { if (e < maxE) tick(e, false); });
    tick(maxE, true);
    ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    ctx.fillText('epoch', bx + bw / 2 + 8 * pr, b.top - 6 * pr);
    ctx.restore();
  }

  function hover(u) {
    var cx = u.cursor.left, cy = u.cursor.top, best = null, bd = 100;  // within 10 CSS px
    var pr = uPlot.pxRatio;
    if (cx >= 0 && cy >= 0) {
      for (var l = 0; l < nL; l++) {
        if (!vis[l] || !pos[l]) continue;
        for (var k = 0; k <= shownK; k++) {
          var p = pos[l][k];
          if (!p) continue;
          // pos holds canvas px relative to the canvas; the cursor is CSS px relative to the plot area.
          var dx = (p[0] - u.bbox.left) / pr - cx, dy = (p[1] - u.bbox.top) / pr - cy, d = dx * dx + dy * dy;
          if (d < bd) { bd = d; best = [l, k]; }
        }
      }
    }
    hoverEl.textContent = best ? layerLabel(best[0]) + '  epoch ' + E[best[1]] +
      '  I(X;T) = ' + fmt(X[best[0]][best[1]], 4) + '  I(T;Y) = ' + fmt(Y[best[0]][best[1]], 4) + ' bits' : '\u00a0';
  }

  var series = [{}];
  for (l = 0; l < nL; l++) {
    series.push({ label: layerName(l), paths: draw, points: { show: false },
      facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] });
  }
  var u = new uPlot({
    mode: 2, width: 640 + CB, height: 480, padding: [28, CB, 0, 0],
    legend: { show: false },
    cursor: { drag: { x: true, y: true }, points: { show: false } },
    scales: {
      x: { time: false, auto: false, range: function () { return [x0, x1]; } },
      y: { auto: false, range: function () { return [y0, y1]; } },
    },
    axes: [{ label: 'I(X;T)  [bits]' }, { label: 'I(T;Y)  [bits]' }],
    series: series,
    hooks: { drawClear: [boundCurve], draw: [colorBar], setCursor: [hover] },
  }, data, plotEl);
  onScrub.push(function () { u.redraw(); });
  // uPlot's double-click only resets x in mode 2; reset y too.
  u.over.addEventListener('dblclick', function () { u.setScale('y', { min: y0, max: y1 }); });

  // Legend: marker shape per layer; click toggles a layer.
  var leg = fig.querySelector('.legend');
  var h3 = document.createElement('h3'); h3.textContent = 'layer (click to hide)'; leg.appendChild(h3);
  for (l = 0; l < nL; l++) (function (l) {
    var d = document.createElement('div'), c = document.createElement('canvas'), s = document.createElement('span');
    var pr = window.devicePixelRatio || 1, ctx = c.getContext('2d');
    c.width = c.height = Math.round(16 * pr); c.style.width = c.style.height = '16px';
    ctx.fillStyle = '#888'; ctx.strokeStyle = '#222'; ctx.lineWidth = pr;
    ctx.beginPath(); marker(ctx, l, 8 * pr, 8 * pr, 4.5 * pr); ctx.fill(); ctx.stroke();
    s.textContent = layerLabel(l);
    d.appendChild(c); d.appendChild(s);
    d.onclick = function () { vis[l] = !vis[l]; d.className = vis[l] ? '' : 'off'; u.redraw(); };
    leg.appendChild(d);
  })(l);
}

// ---- line plots against epoch + 1 on a log x axis ----
function linePlot(el, yLabel, yLog, rows, labels, strokes, dashes, width, height, yRange) {
  var any = rows.some(function (r) { return r.some(function (v) { return v !== null; }); });
  if (!nK || !any) { note(el, 'No data.'); return; }
  var xs = E.map(function (e) { return e + 1; });
  var series = [{ label: 'epoch', value: function (u, v) { return v == null ? '--' : String(v - 1); } }];
  rows.forEach(function (r, i) {
    series.push({ label: labels[i], stroke: strokes[i], width: 1.5, dash: dashes[i] || undefined,
      value: function (u, v) { return v == null ? '--' : v.toPrecision(4); } });
  });
  var yScale = yLog ? { distr: 3 } : {};
  if (yRange) yScale.range = yRange;
  var lp = new uPlot({
    width: width, height: height,
    scales: { x: { time: false, distr: 3 }, y: yScale },
    axes: [{ label: 'epoch + 1  (log scale; epoch 0 = initial weights)' }, { label: yLabel }],
    series: series,
    hooks: { draw: [epochMark] },
  }, [xs].concat(rows), el);
  onScrub.push(function () { lp.redraw(false); });
  return lp;
}

// A vertical line at the slider's epoch while it is not at the end.
function epochMark(u) {
  if (shownK >= nK - 1) return;
  var ctx = u.ctx, b = u.bbox, x = u.valToPos(E[shownK] + 1, 'x', true);
  ctx.save(); ctx.strokeStyle = 'rgba(0,0,0,0.45)'; ctx.lineWidth = uPlot.pxRatio;
  ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke(); ctx.restore();
}

// ---- epoch slider and play button: the plane up to a chosen epoch (the reference code's video) ----
function scrub() {
  var bar = document.querySelector('.scrub');
  if (!bar) return;
  if (nK < 2) { bar.style.display = 'none'; return; }
  var range = bar.querySelector('input'), btn = bar.querySelector('button'), lab = bar.querySelector('.epoch');
  var timer = 0, msPerPoint = Math.max(16, 8000 / nK);  // a whole run plays in about 8 s
  range.min = '0'; range.max = String(nK - 1);
  function show(k) {
    shownK = Math.max(0, Math.min(nK - 1, k));
    range.value = String(shownK);
    lab.textContent = 'epoch ' + E[shownK] + '  (' + (shownK + 1) + ' of ' + nK + ' logged)';
    onScrub.forEach(function (f) { f(); });
  }
  function stop() { if (timer) cancelAnimationFrame(timer); timer = 0; btn.textContent = '\u25b6 Play'; }
  range.addEventListener('input', function () { stop(); show(Number(range.value)); });
  btn.addEventListener('click', function () {
    if (timer) { stop(); return; }
    var k0 = shownK >= nK - 1 ? 0 : shownK, t0 = performance.now();
    btn.textContent = '\u275a\u275a Pause';
    function step(t) {
      var k = k0 + Math.floor((t - t0) / msPerPoint);
      if (k !== shownK) show(k);
      if (shownK >= nK - 1) { stop(); return; }
      timer = requestAnimationFrame(step);
    }
    show(k0);
    timer = requestAnimationFrame(step);
  });
  show(nK - 1);
}
scrub();
// Read-only view for tests: what the slider shows and how many points each plane drew per layer.
window.__infoplane = { state: { get nK() { return nK; }, get shownK() { return shownK; },
  get epoch() { return E[shownK]; }, get drawnPoints() { return drawnPoints.map(function (d) { return (d || []).slice(); }); } } };

var figs = document.querySelectorAll('figure.plane');
Object.keys(R.mi || {}).forEach(function (key, i) { if (figs[i]) plane(figs[i], key); });

var nG = Math.max((R.gradMean || []).length, (R.gradStd || []).length), gRows = [], gLab = [], gStroke = [], gDash = [];
for (var l = 0; l < nG; l++) {
  gRows.push(row(R.gradMean, l, posNum), row(R.gradStd, l, posNum));
  gLab.push(layerName(l) + ' mean', layerName(l) + ' std');
  gStroke.push(PALETTE[l % PALETTE.length], PALETTE[l % PALETTE.length]);
  gDash.push(null, [6, 4]);
}
var gradPlot = linePlot(document.querySelector('figure.grad .plot'), 'gradient norm  (log scale)', true,
  gRows, gLab, gStroke, gDash, 900, 400);
linePlot(document.querySelector('figure.loss .plot'), 'loss  (log scale)', true,
  [row([R.trainLoss], 0, posNum), row([R.testLoss], 0, posNum)],
  ['train', 'test'], ['#1f77b4', '#d62728'], [null, null], 440, 300);
linePlot(document.querySelector('figure.acc .plot'), 'accuracy', false,
  [row([R.trainAcc], 0), row([R.testAcc], 0)], ['train', 'test'], ['#1f77b4', '#d62728'], [null, null], 440, 300,
  function (u, lo, hi) { return [Math.max(0, Math.floor((lo == null ? 0 : lo) * 10) / 10), 1]; });

// ---- IB bound and phases (R.bound, R.phases; record/bound-gap.ts, record/phases.ts) ----
// The bound as a curve under every plane's points (a drawClear hook of plane()).
function boundCurve(u) {
  var P = R.bound && R.bound.points;
  if (!P || P.length < 2) return;
  var ctx = u.ctx, pr = uPlot.pxRatio, b = u.bbox, i;
  ctx.save();
  ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
  ctx.strokeStyle = 'rgba(200,30,30,0.75)'; ctx.lineWidth = 2 * pr; ctx.beginPath();
  for (i = 0; i < P.length; i++) {
    var x = u.valToPos(P[i].ixt, 'x', true), y = u.valToPos(P[i].ity, 'y', true);
    if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
  }
  ctx.stroke();
  // label to the right of the curve where it reaches half its height (clear of the layers, which sit to its right)
  var half = P[P.length - 1].ity / 2;
  for (i = 1; i < P.length && P[i].ity < half; i++);
  if (i < P.length) {
    var a = P[i - 1], c = P[i], f = c.ity > a.ity ? (half - a.ity) / (c.ity - a.ity) : 0;
    ctx.fillStyle = 'rgb(180,30,30)'; ctx.font = 11 * pr + 'px sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText('IB bound' + (R.bound.labelModel && R.bound.labelModel.kind === 'noisy' ? ' (noisy labels)' : ''),
      u.valToPos(a.ixt + f * (c.ixt - a.ixt), 'x', true) + 6 * pr, u.valToPos(half, 'y', true));
  }
  ctx.restore();
}
// Each layer's drift-to-diffusion epoch as a vertical dotted line on the gradient plot.
if (gradPlot && R.phases && R.phases.snrTransition) {
  gradPlot.hooks.draw = (gradPlot.hooks.draw || []).concat([function (u) {
    var ctx = u.ctx, pr = uPlot.pxRatio, b = u.bbox;
    ctx.save(); ctx.lineWidth = 1.5 * pr; ctx.setLineDash([2 * pr, 3 * pr]);
    ctx.font = 10 * pr + 'px sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    R.phases.snrTransition.forEach(function (e, l) {
      if (!fin(e)) return;
      var x = u.valToPos(e + 1, 'x', true), c = PALETTE[l % PALETTE.length];
      ctx.strokeStyle = c; ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
      ctx.fillStyle = c; ctx.fillText(layerName(l), x, b.top + 2 * pr + 11 * pr * (l % 3));
    });
    ctx.restore();
  }]);
  gradPlot.redraw(false);
}
})();
`;
