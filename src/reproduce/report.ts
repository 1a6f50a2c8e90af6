// The reproduction report: one row per claim with its verdict, rule, effect (mean, 95% CI, n,
// threshold), test, controls and notes, and inline the figures a reader needs to judge it.
// No Node imports.
import { escapeHtml } from '../report/html.js';
import type { CellResult } from '../record/sweep.js';
import type { TrainingResult as InfoplaneResult } from '../record/schema.js';
import type { ClaimRow, Effect } from '../stats/verdict.js';
import { windowedMedian, snrSeries, SNR_WINDOW } from '../record/phases.js';
import { effectText, PAPER_ESTIMATOR, type DpiRow, type ExploratoryRow, type SensitivityRow } from './claims.js';
import { hiddenLayers, switchMeasure, DEEP_FROM } from './measures.js';
import { finiteMean, summarize } from '../stats/bootstrap.js';
import { chartSvg, type Chart, type ErrPoint, type Line } from '../report/chart-svg.js';
import { PALETTE, planeInputFromResult, planeModel, planeSvg } from '../report/plane.js';
import type { StudyName } from './studies.js';
import { MODEL_ESTIMATOR } from '../record/model-info.js';

export interface ReproductionSummary {
  format: 'infoplane-reproduction/2';
  scale: 'full' | 'quick';
  /** relaxedSimd: trained on the relaxed core (fused multiply-add where the host has it) */
  settings: { repeats: number; epochs: number; miPoints: number; seed: number; kdeSamples: number; threads: number; relaxedSimd?: true };
  seconds: number;
  studies: { name: string; title: string; report: string; networks: number }[];
  claims: ClaimRow[];
  exploratory: ExploratoryRow[];
  sensitivity: SensitivityRow[];
  dpi: DpiRow[];
}

const COLORS: Record<string, string> = { reproduced: '#1a7f37', 'not reproduced': '#b42318', inconclusive: '#9a6700' };
const badge = (v: string) => `<span class="v" style="background:${COLORS[v] ?? '#555'}">${escapeHtml(v)}</span>`;
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');
const pText = (p: number) => (Number.isFinite(p) ? (p < 0.001 ? '< 0.001' : p.toFixed(3)) : '-');

type Studies = Map<StudyName, CellResult[]>;

/** Unique id prefixes for the figures of one page (their SVG ids must not clash). */
type Ids = () => string;

/** A study's plane through the plane renderer: the mean path coloured by epoch, every network's
 *  own path (thin), 95% CI crosses of the mean, and the IB bound when the study has one. */
function plane(title: string, r: InfoplaneResult | undefined, est: string, ids: Ids): string {
  if (!r || !r.mi[est]) return '';
  const svg = planeSvg(planeModel(planeInputFromResult(r, est)), { width: 300, height: 220, title, idPrefix: ids(), inline: true, markerScale: 0.8 });
  return `<figure class="plane" data-figure="plane">${svg}</figure>`;
}
const chart = (c: Chart, ids: Ids) => `<figure data-figure="chart">${chartSvg(c, ids())}</figure>`;

const first = (s: Studies, n: StudyName) => s.get(n)?.[0]?.result;

function claim1Figures(s: Studies, ids: Ids): string {
  return [plane('main (tanh), 30 edges', first(s, 'main'), PAPER_ESTIMATOR, ids), plane('control: linear', first(s, 'linear'), PAPER_ESTIMATOR, ids),
    plane('control: shuffled labels', first(s, 'shuffled'), PAPER_ESTIMATOR, ids), plane('control: full batch', first(s, 'fullbatch'), PAPER_ESTIMATOR, ids)].join('');
}

function claim2Figures(s: Studies, seed: number, ids: Ids): string {
  const r = first(s, 'main');
  if (!r) return '';
  const runs = r.runs, deep = hiddenLayers(runs[0], DEEP_FROM);
  const lines: Line[] = deep.map((l, i) => {
    const per = runs.map((x) => windowedMedian(snrSeries(x.gradMean[l], x.gradStd[l]), SNR_WINDOW));
    return { points: r.epochs.map((e, k) => [e + 1, median(per.map((p) => p[k]))] as [number, number]), color: PALETTE[(i + DEEP_FROM) % PALETTE.length], label: `${r.layers[l].name} median SNR` };
  });
  const sw = runs.map((x) => switchMeasure(x, PAPER_ESTIMATOR));
  const on = summarize(sw.map((x) => meanOf(x.perLayer.map((p) => Math.log10(p.onset + 1)))), seed);
  const st = summarize(sw.map((x) => meanOf(x.perLayer.filter((p) => p.switch !== null).map((p) => Math.log10(p.switch! + 1)))), seed);
  const E = r.epochs[r.epochs.length - 1] + 1;
  const ys = lines.flatMap((l) => l.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  return chart({
    title: 'smoothed SNR (median over networks); onset and switch, 95% CI', width: 560, height: 280,
    x: { label: 'epoch + 1', min: 1, max: E, log: true }, y: { label: 'SNR = mean / std', min: Math.min(0.1, ...ys), max: Math.max(10, ...ys), log: true },
    lines, markers: [
      { y: 1, color: '#555', label: 'SNR = 1' },
      { x: 10 ** on.mean, x95: [10 ** on.ci95[0], 10 ** on.ci95[1]], color: '#b42318', label: 'compression onset (geometric mean, CI)' },
      { x: 10 ** st.mean, x95: [10 ** st.ci95[0], 10 ** st.ci95[1]], color: '#1f77b4', label: 'SNR switch (geometric mean, CI)', dash: [1, 2] },
    ],
  }, ids);
}

function claim3Figures(s: Studies, ids: Ids): string {
  const r = first(s, 'noisy');
  if (!r?.bound) return '';
  const est = r.mi[MODEL_ESTIMATOR] ? MODEL_ESTIMATOR : PAPER_ESTIMATOR;
  return plane(`noisy labels (${est}); epoch 0 (dark) is the untrained control`, r, est, ids);
}

function claim4Figures(s: Studies, row: ClaimRow, ids: Ids): string {
  const cells = s.get('depth');
  if (!cells) return '';
  const pts: ErrPoint[] = row.measures?.map((e, i) => ({ x: cells[i].result.layers.length - 1, y: e.estimate, y95: e.ci95, color: '#1f77b4' })) ?? [];
  const ys = pts.flatMap((p) => [p.y95?.[0] ?? p.y, p.y95?.[1] ?? p.y]).filter(Number.isFinite);
  const mean = meanOf(pts.map((p) => p.y)), xm = meanOf(pts.map((p) => p.x)), b = row.effect.estimate;
  const fit: Line = { points: [[1, mean + b * (1 - xm)], [5, mean + b * (5 - xm)]], color: '#b42318', dash: [4, 3], label: `slope ${f3(b)} [${f3(row.effect.ci95[0])}, ${f3(row.effect.ci95[1])}]` };
  return chart({
    title: 'epochs to the test-error target (mean, 95% CI)', width: 380,
    x: { label: 'hidden layers', min: 0.5, max: 5.5 }, y: { label: 'log10(epochs + 1)', min: Math.min(...ys) - 0.2, max: Math.max(...ys) + 0.2 },
    points: pts, lines: [fit],
  }, ids);
}

function seriesChart(ids: Ids, title: string, yLabel: string, items: { r: InfoplaneResult; y: number[]; band?: [number, number][]; label: string; color: string }[]): string {
  const E = Math.max(...items.map((i) => i.r.epochs[i.r.epochs.length - 1] + 1));
  const ys = items.flatMap((i) => [...i.y, ...(i.band?.flat() ?? [])]).filter(Number.isFinite);
  return chart({
    title, width: 380, x: { label: 'epoch + 1', min: 1, max: E, log: true }, y: { label: yLabel, min: Math.min(...ys), max: Math.max(...ys) * 1.02 || 1 },
    lines: items.map((i) => ({ points: i.r.epochs.map((e, k) => [e + 1, i.y[k]] as [number, number]), color: i.color, label: i.label })),
    bands: items.filter((i) => i.band).map((i) => ({ lo: i.r.epochs.map((e, k) => [e + 1, i.band![k][0]] as [number, number]), hi: i.r.epochs.map((e, k) => [e + 1, i.band![k][1]] as [number, number]), color: i.color })),
  }, ids);
}

function claim5Figures(s: Studies, ids: Ids): string {
  const cells = s.get('size');
  if (!cells) return '';
  const items = (pick: (r: InfoplaneResult) => { y: number[]; band?: [number, number][] }) => cells.map((c, i) => ({ r: c.result, ...pick(c.result), label: `${Number(c.values.trainFraction) * 100}%`, color: PALETTE[i] }));
  const last = (r: InfoplaneResult) => r.layers.length - 2;
  return seriesChart(ids, 'I(T;Y), last hidden layer (95% band)', 'I(T;Y) [bits]', items((r) => ({ y: r.mi[PAPER_ESTIMATOR].ity[last(r)], band: r.ci95?.mi[PAPER_ESTIMATOR].ity[last(r)] }))) +
    seriesChart(ids, 'test loss (95% band)', 'test loss', items((r) => ({ y: r.testLoss, band: r.ci95?.testLoss })));
}

function saxeFigures(s: Studies, ids: Ids): string {
  const cells = s.get('activation');
  if (!cells) return '';
  return cells.map((c) => {
    const r = c.result, deep = hiddenLayers(r.runs[0] ?? { gradMean: [] }, DEEP_FROM);
    return seriesChart(ids, `${c.values.activation}: I(X;T), deeper layers (95% band)`, 'I(X;T) [bits]', deep.map((l, i) => ({
      r, y: r.mi[PAPER_ESTIMATOR].ixt[l], band: r.ci95?.mi[PAPER_ESTIMATOR].ixt[l], label: r.layers[l].name, color: PALETTE[(i + DEEP_FROM) % PALETTE.length],
    })));
  }).join('');
}

function median(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
const meanOf = finiteMean;

function effectRow(e: Effect): string {
  return `<tr><td>${escapeHtml(e.name)}</td><td>${f3(e.estimate)}</td><td>[${f3(e.ci95[0])}, ${f3(e.ci95[1])}]</td><td>${e.n}</td><td>${f3(e.floor)}</td></tr>`;
}

function claimSection(c: ClaimRow, figures: string): string {
  const controls = c.controls.map((k) => `<tr><td>${escapeHtml(k.name)}</td><td>${badge(k.verdict)}</td><td>${escapeHtml(effectText(k.effect))}</td><td>${escapeHtml(k.effect.name)}</td></tr>`).join('');
  return `<section class="claim"><h2>${escapeHtml(c.id)}: ${escapeHtml(c.title)} ${badge(c.verdict)}</h2>
<p class="rule"><b>Rule.</b> ${escapeHtml(c.rule)}</p>
<p><b>Effect.</b> ${escapeHtml(c.effect.name)}: ${escapeHtml(effectText(c.effect))}. <b>Test.</b> ${escapeHtml(c.test.name)}: p = ${pText(c.test.p)}.</p>
${c.notes?.length ? `<ul class="notes">${c.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
${controls ? `<table><tr><th>control</th><th>verdict</th><th>effect [95% CI] n (threshold)</th><th>quantity</th></tr>${controls}</table>` : ''}
${c.measures?.length ? `<details><summary>measurements (${c.measures.length})</summary><table><tr><th>quantity</th><th>mean</th><th>95% CI</th><th>n</th><th>threshold</th></tr>${c.measures.map(effectRow).join('')}</table></details>` : ''}
<div class="figs">${figures}</div></section>`;
}

export function renderReproduction(s: ReproductionSummary, studies?: Studies): string {
  const seed = s.settings.seed;
  let figure = 0;
  const ids: Ids = () => `f${figure++}-`;
  const figs = (c: ClaimRow) => {
    if (!studies) return '';
    switch (c.id) {
      case 'claim1': return claim1Figures(studies, ids);
      case 'claim2': return claim2Figures(studies, seed, ids);
      case 'claim3': return claim3Figures(studies, ids);
      case 'claim4': return claim4Figures(studies, c, ids);
      case 'claim5': return claim5Figures(studies, ids);
      case 'saxe': return saxeFigures(studies, ids);
      default: return '';
    }
  };
  const summaryRows = s.claims.map((c) => `<tr><td><a href="#${escapeHtml(c.id)}">${escapeHtml(c.id)}</a></td><td>${escapeHtml(c.title)}</td><td>${badge(c.verdict)}</td><td class="m">${escapeHtml(effectText(c.effect))}</td><td>${pText(c.test.p)}</td></tr>`).join('');
  const sens = s.sensitivity.length ? `<h2>Sensitivity: fall of I(X;T) per deeper layer under every estimator (main study)</h2>
<table><tr><th>estimator</th><th>settings</th><th>floor</th>${s.sensitivity[0].layers.map((l) => `<th>${escapeHtml(l.layer)}</th>`).join('')}</tr>
${s.sensitivity.map((r) => `<tr><td>${escapeHtml(r.estimator)}</td><td class="small">${escapeHtml(r.settings)}</td><td>${f2(r.floor)}</td>${r.layers.map((l) => `<td class="m">${f2(l.effect.estimate)} [${f2(l.effect.ci95[0])}, ${f2(l.effect.ci95[1])}]</td>`).join('')}</tr>`).join('')}</table>` : '';
  const explo = s.exploratory.map((x) => `<h2>${escapeHtml(x.title)}</h2><p>${escapeHtml(x.note)}</p><table><tr><th>layer</th><th>relaxation time (epochs) [95% CI] n</th><th>final I(X;T) [95% CI]</th><th>bound slope there</th></tr>
${x.layers.map((l) => `<tr><td>${escapeHtml(l.layer)}</td><td class="m">${escapeHtml(effectText(l.relaxation))}</td><td class="m">${escapeHtml(effectText(l.ixt))}</td><td>${f3(l.boundSlope)}</td></tr>`).join('')}</table>`).join('');
  const dpi = s.dpi.length ? `<h2>Data-processing inequality: layer pairs where a deeper layer has more information</h2>
<table><tr><th>study</th><th>cell</th><th>estimator</th><th>I(X;T): share, largest (bits)</th><th>I(T;Y): share, largest (bits)</th></tr>
${s.dpi.map((d) => `<tr><td>${escapeHtml(d.study)}</td><td>${escapeHtml(d.cell)}</td><td>${escapeHtml(d.estimator)}</td><td>${(d.ixt.share * 100).toFixed(1)}%, ${f3(d.ixt.largest)}</td><td>${(d.ity.share * 100).toFixed(1)}%, ${f3(d.ity.largest)}</td></tr>`).join('')}</table>` : '';
  const studyList = s.studies.map((x) => `<li><a href="${escapeHtml(x.report)}">${escapeHtml(x.name)}</a>: ${escapeHtml(x.title)} (${x.networks} networks)</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>infoplane: reproduction of Shwartz-Ziv and Tishby 2017</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 16px 24px; max-width: 1250px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 26px; } table { border-collapse: collapse; margin: 6px 0; }
td, th { border-top: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; font-size: 13px; }
.m { font: 12px/1.5 ui-monospace, monospace; white-space: nowrap; } .small { font-size: 11px; color: #555; }
.v { color: #fff; border-radius: 4px; padding: 1px 6px; white-space: nowrap; font-size: 12px; font-weight: normal; }
.rule { color: #444; font-size: 13px; } .notes { font-size: 13px; color: #5a4500; } .figs { display: flex; flex-wrap: wrap; gap: 8px; }
section.claim { border-top: 2px solid #eee; margin-top: 18px; }
figure { margin: 0; } .figs svg { max-width: 100%; height: auto; }
</style></head><body>
<h1>Reproduction of "Opening the Black Box of Deep Neural Networks via Information" (Shwartz-Ziv and Tishby, 2017)</h1>
<p>${s.scale === 'quick' ? '<b>Quick version</b> (fewer networks and epochs than the paper): ' : ''}${s.settings.repeats} networks per setting, ${s.settings.epochs} epochs,
MI on the reference code's log schedule with ${s.settings.miPoints} points, first seed ${seed}; ${s.seconds.toFixed(0)} s on ${s.settings.threads} thread(s)${s.settings.relaxedSimd ? ' with relaxed SIMD (fused multiply-add: the low bits depend on the host)' : ''}.
Every quantity is measured per network, then summarized by its mean, a seeded BCa bootstrap 95% CI over networks and n; verdicts come from the stated rule and test
(<code>reproduced</code>, <code>not reproduced</code>, or <code>inconclusive</code> when the interval straddles the threshold or there are too few networks).
Thresholds are noise floors measured on the same networks. The method is in docs/SCIENCE.md of the infoplane repository.</p>
<table><tr><th>claim</th><th></th><th>verdict</th><th>effect [95% CI] n (threshold)</th><th>p</th></tr>${summaryRows}</table>
${s.claims.map((c) => `<a id="${escapeHtml(c.id)}"></a>${claimSection(c, figs(c))}`).join('\n')}
${sens}
${explo}
${dpi}
<h2>Studies</h2><ul>${studyList}</ul>
</body></html>`;
}
