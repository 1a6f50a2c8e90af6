// Merging sweep folders (shards, or one interrupted-and-resumed sweep) into per-cell results and
// the sweep report. The result depends only on the grid and the seeds, not on how it was split.
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { datasetKey, datasetOf } from '../node/datasets.js';
import { inside, lockFolder, prepareOutDir, writeFileAtomic } from '../node/atomic.js';
import { buildResult } from '../record/result.js';
import { UsageError } from '../config/flags.js';
import { writeReport } from '../report/write-node.js';
import { renderSweepReport } from '../report/sweep.js';
import { loadUplotAssets } from '../report/assets-node.js';
import { cellResultPath, readManifest, readRuns, writeRun, type RunFile } from './store.js';
import type { CellResult, SweepManifest } from '../record/sweep.js';

export interface MergeOutcome { manifest: SweepManifest; cells: CellResult[]; report: string }

/** `data`: datasets already loaded (by datasetKey), e.g. by runSweep; the others are loaded here. */
export function mergeSweeps(dirs: string[], out: string, data = new Map<string, Dataset>()): MergeOutcome {
  const manifests = dirs.map(readManifest);
  const manifest = manifests[0];
  manifests.forEach((m, i) => {
    if (JSON.stringify(m.cells) !== JSON.stringify(manifest.cells)) throw new UsageError(`${dirs[i]}: a different grid from ${dirs[0]}`);
  });
  const datasetFor = (config: SweepManifest['cells'][number]['config']) => {
    const key = datasetKey(config);
    if (!data.has(key)) data.set(key, datasetOf(config));
    return data.get(key)!;
  };
  const byKey = new Map<string, RunFile>();
  dirs.forEach((d) => {
    const { runs, invalid } = readRuns(d, manifest, (config) => Math.log2(datasetFor(config).nRows));
    if (invalid.length) {
      const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid file(s))` : '';
      throw new UsageError(`${invalid[0].file}: ${invalid[0].problem}${more}; not merged: rerun the sweep into ${d} with --resume to redo it`);
    }
    for (const run of runs) {
      const key = `${run.cell}/${run.repeat}`, text = JSON.stringify(run.record), seen = byKey.get(key);
      if (seen && JSON.stringify(seen.record) !== text) throw new UsageError(`${d}: network ${key} differs from the same network in another folder`);
      byKey.set(key, run);
    }
  });
  const missing: string[] = [];
  for (const c of manifest.cells) for (let r = 0; r < c.config.repeats; r++) if (!byKey.has(`${c.id}/${r}`)) missing.push(`${c.id}/r${r}`);
  if (missing.length) {
    throw new UsageError(`${missing.length} network(s) missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}): run the missing shards or --resume`);
  }
  prepareOutDir(out);
  const release = lockFolder(out);
  try {
    const assets = loadUplotAssets();
    const cells: CellResult[] = manifest.cells.map((c) => {
      const runs = Array.from({ length: c.config.repeats }, (_, r) => byKey.get(`${c.id}/${r}`)!);
      for (const run of runs) if (!dirs.includes(out)) writeRun(out, run);
      const result = buildResult(c.config, datasetFor(c.config), runs.map((r) => r.record));
      writeFileAtomic(cellResultPath(out, c.id), JSON.stringify(result));
      writeReport(inside(out, join(out, 'cells', c.id)), result, undefined, assets);
      return { id: c.id, label: c.label, values: c.values, result };
    });
    writeFileAtomic(join(out, 'sweep.json'), JSON.stringify(manifest, null, 1));
    const report = join(out, 'report.html');
    writeFileAtomic(report, renderSweepReport(manifest, cells, assets));
    return { manifest, cells, report };
  } finally {
    release();
  }
}
