// The report's script (compiled by tsc, inlined into report.html after plane.ts and charts.ts by
// assets-node.ts): reads the result from <script id="infoplane-data"> and draws the planes, the
// gradient, loss and accuracy plots (with 95% bands when the result has ci95), the epoch slider
// and the SVG export. No eval, no inline handlers: it runs under a strict Content-Security-Policy.
import type uPlot from 'uplot';
import {
  PALETTE, TEST_COLOUR, TRAIN_COLOUR, fin, layerLabel, planeInputFromResult, planeModel, planeSvg, svgFileName,
  type Interval, type PlaneModel, type ReportResult,
} from './plane.js';
import {
  PLANE_DATA, UPlotOf, download, lineOptions, markerSwatch, nearestPoint, planeOptions, splitIntervals, type Band,
} from './charts.js';

/** Reads the embedded result: non-finite numbers are stored as {"$nf": "NaN"} (html.ts encodeResultJson). */
function readResult(): ReportResult {
  const text = document.getElementById('infoplane-data')?.textContent ?? '{}';
  return JSON.parse(text, (_k, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$nf === 'string' &&
    Object.keys(v).length === 1 ? Number(v.$nf) : v));
}

export function startReport(): void {
  const R = readResult(), UP = UPlotOf();
  const E = R.epochs ?? [], nK = E.length;
  let shownK = nK - 1;
  const onScrub: (() => void)[] = [], drawnPoints: number[][] = [];
  const num = (v: unknown) => (fin(v) ? v : null);
  const posNum = (v: unknown) => (fin(v) && v > 0 ? v : null);
  /** Row l of a [layer][k] array, nK long, null for anything missing or non-finite. */
  const row = (a: (unknown[] | undefined)[] | undefined, l: number, f: (v: unknown) => number | null = num) =>
    Array.from({ length: nK }, (_, k) => f(a?.[l]?.[k]));
  const layerName = (l: number) => (R.layers?.[l] ? String(R.layers[l].name) : `layer ${l + 1}`);
  const fmt = (v: unknown, d: number) => (fin(v) ? v.toFixed(d) : String(v));
  const note = (el: Element, text: string) => { const p = document.createElement('p'); p.className = 'note'; p.textContent = text; el.append(p); };

  // ---- one information plane per estimator ----
  function plane(fig: HTMLElement, key: string, index: number): void {
    const m: PlaneModel = planeModel(planeInputFromResult(R, key));
    const nL = m.ixt.length;
    if (!nL || !nK) { note(fig, 'No data for this estimator.'); return; }
    const visible = m.ixt.map(() => true);
    const show = { runs: true, ci: true };
    const opts = () => ({ shownK, visible, showRuns: show.runs, showCi: show.ci });
    const hoverEl = fig.querySelector('.hover')!;
    const hover = (u: uPlot) => {
      const hit = nearestPoint(u, m, shownK, visible);
      hoverEl.textContent = hit ? `${layerLabel(R.layers?.[hit[0]], hit[0])}  epoch ${E[hit[1]]}  I(X;T) = ${fmt(m.ixt[hit[0]][hit[1]], 4)}` +
        `  I(T;Y) = ${fmt(m.ity[hit[0]][hit[1]], 4)} bits` : '\u00a0';
    };
    const u = new UP(planeOptions(() => m, 640, 480, opts, (d) => { drawnPoints[index] = d; }, hover), PLANE_DATA, fig.querySelector<HTMLElement>('.plot')!);
    onScrub.push(() => u.redraw());
    // uPlot's double-click only resets x in mode 2; reset y too
    u.over.addEventListener('dblclick', () => u.setScale('y', { min: m.y[0], max: m.y[1] }));

    // legend: marker shape per layer (click hides it), then the uncertainty toggles
    const leg = fig.querySelector('.legend')!;
    const h3 = document.createElement('h3'); h3.textContent = 'layer (click to hide)'; leg.append(h3);
    m.layers.forEach((label, l) => {
      const d = document.createElement('div'), s = document.createElement('span');
      s.textContent = label;
      d.append(markerSwatch(l), s);
      d.addEventListener('click', () => { visible[l] = !visible[l]; d.className = visible[l] ? '' : 'off'; u.redraw(); });
      leg.append(d);
    });
    const toggle = (label: string, key2: 'runs' | 'ci') => {
      const lab = document.createElement('label'), box = document.createElement('input');
      box.type = 'checkbox'; box.checked = true; box.className = `show-${key2}`;
      box.addEventListener('change', () => { show[key2] = box.checked; u.redraw(); });
      lab.append(box, ` ${label}`); leg.append(lab);
    };
    if (m.runs) toggle(`each network (${m.runs.length}, thin paths)`, 'runs');
    if (m.ci && m.ciK.length) toggle('95% CI of the mean (crosses)', 'ci');
    const btn = document.createElement('button');
    btn.type = 'button'; btn.className = 'svg-export'; btn.textContent = 'Download SVG';
    btn.addEventListener('click', () => {
      const svg = planeSvg(m, { ...opts(), title: `${R.config?.name ?? 'run'}: estimator ${key}, up to epoch ${E[shownK]}` });
      download(new Blob([svg], { type: 'image/svg+xml' }), svgFileName(key));
    });
    leg.append(btn);
  }

  // ---- line plots against epoch + 1 with 95% bands ----
  /** A vertical line at the slider's epoch while it is not at the end. */
  const epochMark = (u: uPlot) => {
    if (shownK >= nK - 1) return;
    const ctx = u.ctx, b = u.bbox, x = u.valToPos(E[shownK] + 1, 'x', true);
    ctx.save(); ctx.strokeStyle = 'rgba(0,0,0,0.45)'; ctx.lineWidth = UP.pxRatio;
    ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke(); ctx.restore();
  };
  const bandOf = (series: number, ci: Interval[] | undefined): Band[] => (ci ? [{ series, ...splitIntervals(ci, nK) }] : []);
  function linePlot(el: HTMLElement | null, rows: (number | null)[][], spec: Omit<Parameters<typeof lineOptions>[0], 'draw'>,
    draw: ((u: uPlot) => void)[] = []): uPlot | undefined {
    if (!el) return undefined;
    if (!nK || !rows.some((r) => r.some((v) => v !== null))) { note(el, 'No data.'); return undefined; }
    const u = new UP(lineOptions({ ...spec, draw: [epochMark, ...draw] }), [E.map((e) => e + 1), ...rows] as uPlot.AlignedData, el);
    onScrub.push(() => u.redraw(false));
    return u;
  }

  // ---- epoch slider and play button: the plane up to a chosen epoch ----
  function scrub(): void {
    const bar = document.querySelector<HTMLElement>('.scrub');
    if (!bar) return;
    if (nK < 2) { bar.style.display = 'none'; return; }
    const range = bar.querySelector('input')!, btn = bar.querySelector('button')!, lab = bar.querySelector('.epoch')!;
    let timer = 0;
    const msPerPoint = Math.max(16, 8000 / nK); // a whole run plays in about 8 s
    range.min = '0'; range.max = String(nK - 1);
    const show = (k: number) => {
      shownK = Math.max(0, Math.min(nK - 1, k));
      range.value = String(shownK);
      lab.textContent = `epoch ${E[shownK]}  (${shownK + 1} of ${nK} logged)`;
      for (const f of onScrub) f();
    };
    const stop = () => { if (timer) cancelAnimationFrame(timer); timer = 0; btn.textContent = '\u25b6 Play'; };
    range.addEventListener('input', () => { stop(); show(Number(range.value)); });
    btn.addEventListener('click', () => {
      if (timer) { stop(); return; }
      const k0 = shownK >= nK - 1 ? 0 : shownK, t0 = performance.now();
      btn.textContent = '\u275a\u275a Pause';
      const step = (t: number) => {
        const k = k0 + Math.floor((t - t0) / msPerPoint);
        if (k !== shownK) show(k);
        if (shownK >= nK - 1) { stop(); return; }
        timer = requestAnimationFrame(step);
      };
      show(k0);
      timer = requestAnimationFrame(step);
    });
    show(nK - 1);
  }
  scrub();

  document.querySelectorAll<HTMLElement>('figure.plane').forEach((fig) => {
    const key = fig.dataset.estimator, i = Number(fig.dataset.i);
    if (key !== undefined && R.mi?.[key]) plane(fig, key, i);
  });

  // gradients: per weight matrix, mean (solid) and std (dashed), bands from ci95
  const nG = Math.max(R.gradMean?.length ?? 0, R.gradStd?.length ?? 0);
  const gRows: (number | null)[][] = [], gLab: string[] = [], gStroke: string[] = [], gDash: (number[] | undefined)[] = [], gBands: Band[] = [];
  for (let l = 0; l < nG; l++) {
    gRows.push(row(R.gradMean, l, posNum), row(R.gradStd, l, posNum));
    gLab.push(`${layerName(l)} mean`, `${layerName(l)} std`);
    gStroke.push(PALETTE[l % PALETTE.length], PALETTE[l % PALETTE.length]);
    gDash.push(undefined, [6, 4]);
    gBands.push(...bandOf(2 * l + 1, R.ci95?.gradMean?.[l]), ...bandOf(2 * l + 2, R.ci95?.gradStd?.[l]));
  }
  // each layer's drift-to-diffusion epoch as a vertical dotted line
  const snrMarks = (u: uPlot) => {
    const tr = R.phases?.snrTransition;
    if (!tr) return;
    const ctx = u.ctx, pr = UP.pxRatio, b = u.bbox;
    ctx.save(); ctx.lineWidth = 1.5 * pr; ctx.setLineDash([2 * pr, 3 * pr]);
    ctx.font = `${10 * pr}px sans-serif`; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    tr.forEach((e, l) => {
      if (!fin(e)) return;
      const x = u.valToPos(e + 1, 'x', true), c = PALETTE[l % PALETTE.length];
      ctx.strokeStyle = c; ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
      ctx.fillStyle = c; ctx.fillText(layerName(l), x, b.top + 2 * pr + 11 * pr * (l % 3));
    });
    ctx.restore();
  };
  linePlot(document.querySelector('figure.grad .plot'), gRows, { yLabel: 'gradient norm  (log scale)', logY: true, labels: gLab,
    strokes: gStroke, dashes: gDash, width: 900, height: 400, bands: () => gBands }, [snrMarks]);
  const ci = R.ci95;
  linePlot(document.querySelector('figure.loss .plot'), [row([R.trainLoss], 0, posNum), row([R.testLoss], 0, posNum)],
    { yLabel: 'loss  (log scale)', logY: true, labels: ['train', 'test'], strokes: [TRAIN_COLOUR, TEST_COLOUR], dashes: [undefined, undefined],
      width: 440, height: 300, bands: () => [...bandOf(1, ci?.trainLoss), ...bandOf(2, ci?.testLoss)] });
  linePlot(document.querySelector('figure.acc .plot'), [row([R.trainAcc], 0), row([R.testAcc], 0)],
    { yLabel: 'accuracy', logY: false, labels: ['train', 'test'], strokes: [TRAIN_COLOUR, TEST_COLOUR], dashes: [undefined, undefined],
      width: 440, height: 300, bands: () => [...bandOf(1, ci?.trainAcc), ...bandOf(2, ci?.testAcc)],
      yRange: (_u, lo) => [Math.max(0, Math.floor((lo ?? 0) * 10) / 10), 1] });

  // read-only view for tests: what the slider shows and how many points each plane drew per layer
  (window as unknown as { __infoplane: unknown }).__infoplane = {
    state: {
      get nK() { return nK; }, get shownK() { return shownK; }, get epoch() { return E[shownK]; },
      get drawnPoints() { return drawnPoints.map((d) => (d ?? []).slice()); },
    },
  };
}
