// Checks a result reports about its own estimates (docs/SCIENCE.md §12). The data-processing
// inequality: each layer is a function of the one before, so for layers l < m no exact estimate
// can give T_m more information about X or Y than T_l. Binned and KDE estimates can break it; how
// often, and by how much, says how far to trust differences between layers.
import type { DpiCheck, DpiChecks, RunRecord } from './schema.js';

/** Excess below this counts as equal (float rounding of sums of logs). */
const TOL = 1e-9;

function check(grids: readonly (readonly (readonly number[])[])[]): DpiCheck {
  let pairs = 0, bad = 0, largest = 0;
  for (const g of grids) {
    const L = g.length, K = g[0]?.length ?? 0;
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < L; l++) {
        const a = g[l][k];
        if (typeof a !== 'number' || !Number.isFinite(a)) continue;
        for (let m = l + 1; m < L; m++) {
          const b = g[m][k];
          if (typeof b !== 'number' || !Number.isFinite(b)) continue;
          pairs++;
          if (b - a > TOL) { bad++; largest = Math.max(largest, b - a); }
        }
      }
    }
  }
  return { pairs, share: pairs ? bad / pairs : 0, largest };
}

/** Per estimator, over every network's series. */
export function dpiChecks(runs: readonly Pick<RunRecord, 'mi'>[]): DpiChecks {
  const names = Object.keys(runs[0]?.mi ?? {});
  return Object.fromEntries(names.map((name) => [name, {
    ixt: check(runs.map((r) => r.mi[name].ixt)),
    ity: check(runs.map((r) => r.mi[name].ity)),
  }]));
}
