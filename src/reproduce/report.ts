// The reproduction report: one row per claim with the paper's statement, the measured numbers, the
// verdict and links to the studies' figures. No Node imports.
import { escapeHtml } from '../report/html.js';
import type { Claim } from './claims.js';
import type { ClaimRow } from '../stats/index.js';

export interface ReproductionSummary {
  format: 'infoplane-reproduction/1';
  scale: 'full' | 'quick';
  settings: { repeats: number; epochs: number; miPoints: number };
  seconds: number;
  studies: { name: string; title: string; report: string; networks: number }[];
  claims: Claim[];
  /** Lorenzen et al. 2022 (reproduce/quantized.ts): rows with per-network statistics. */
  quantized?: ClaimRow[];
}

const COLORS: Record<string, string> = { reproduced: '#1a7f37', 'not reproduced': '#b42318', 'depends on estimator': '#9a6700', inconclusive: '#9a6700' };

const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/** Rows of claims judged by per-network statistics: effect with its CI, test, controls. */
function statRows(rows: ClaimRow[]): string {
  const eff = (e: { name: string; estimate: number; ci95: [number, number]; n: number; floor: number }) =>
    `${e.name}: ${num(e.estimate)} [${num(e.ci95[0])}, ${num(e.ci95[1])}] (n = ${e.n}, threshold ${num(e.floor)})`;
  return rows.map((c) => `<tr><td><b>${escapeHtml(c.title)}</b><div class="paper">${escapeHtml(c.rule)}</div></td>
<td class="m">${escapeHtml([eff(c.effect), `${c.test.name}: p = ${num(c.test.p)}`,
    ...c.controls.map((x) => `${x.verdict}: ${eff(x.effect)}${x.note ? ` (${x.note})` : ''}`),
    ...(c.measures ?? []).map(eff), ...(c.notes ?? [])].join('\n'))}</td>
<td><span class="v" style="background:${COLORS[c.verdict]}">${escapeHtml(c.verdict)}</span></td></tr>`).join('\n');
}

export function renderReproduction(s: ReproductionSummary): string {
  const rows = s.claims.map((c) => `<tr><td>${c.id}</td><td><b>${escapeHtml(c.claim)}</b><div class="paper">${escapeHtml(c.paper)}</div></td>
<td class="m">${escapeHtml(c.measured)}</td><td><span class="v" style="background:${COLORS[c.verdict]}">${escapeHtml(c.verdict)}</span></td>
<td>${c.figures.map((f) => `<a href="${escapeHtml(f)}">figures</a>`).join(' ')}</td></tr>`).join('\n');
  const studies = s.studies.map((x) => `<li><a href="${escapeHtml(x.report)}">${escapeHtml(x.name)}</a>: ${escapeHtml(x.title)} (${x.networks} networks)</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>infoplane: reproduction of Shwartz-Ziv and Tishby 2017</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 16px 24px; max-width: 1200px; }
h1 { font-size: 20px; } table { border-collapse: collapse; } td, th { border-top: 1px solid #ddd; padding: 6px 8px; vertical-align: top; text-align: left; }
.paper { color: #555; font-size: 13px; } .m { font: 12px/1.5 ui-monospace, monospace; max-width: 600px; white-space: pre-line; }
.v { color: #fff; border-radius: 4px; padding: 1px 6px; white-space: nowrap; font-size: 12px; }
</style></head><body>
<h1>Reproduction of "Opening the Black Box of Deep Neural Networks via Information" (Shwartz-Ziv and Tishby, 2017)</h1>
<p>${s.scale === 'quick' ? '<b>Quick version</b> (fewer networks and epochs than the paper): ' : ''}${s.settings.repeats} networks per setting,
${s.settings.epochs} epochs, MI on the reference code's log schedule with ${s.settings.miPoints} points; ${s.seconds.toFixed(0)} s in all.
Verdicts are computed from the averaged series by stated rules (src/reproduce/claims.ts); the numbers are there to disagree with.</p>
<table><tr><th>#</th><th>claim</th><th>measured</th><th>verdict</th><th></th></tr>
${rows}
</table>
${s.quantized?.length ? `<h2>Lorenzen, Igel and Nielsen 2022: exact planes of quantized networks</h2>
<p>Mean over networks with its BCa bootstrap 95% CI, the test, and the controls (src/reproduce/quantized.ts).</p>
<table><tr><th>finding</th><th>measured</th><th>verdict</th></tr>
${statRows(s.quantized)}
</table>` : ''}
<h2>Studies</h2><ul>${studies}</ul>
</body></html>`;
}
