// The sweep's self-contained HTML report: one information plane per grid cell (averaged over its
// repeats, linking to the cell's full report) and comparison panels per grid axis: training-set
// size (the paper's 5/45/85% figure), depth (epochs to a stated training error: the paper's claim 4)
// and activation (tanh vs ReLU, Saxe et al.), drawn in the page by sweep-client.ts. No Node imports.
import type { SweepManifest, CellResult } from '../record/sweep.js';
import { epochsToTrainError } from '../record/sweep.js';
import { escapeHtml, escapeScript, escapeStyle, scriptSafeJson, type UplotAssets } from './html.js';

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
<script>${escapeScript(assets.sweepJs)}</script>
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
