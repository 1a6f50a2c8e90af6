// Lorenzen, Igel & Nielsen (ICLR 2022) on the synthetic task: networks trained with quantized
// activations, their exact information planes, and their three findings as claim rows with
// per-network statistics (src/stats): fitting in every layer, compression of the output layer,
// hidden-layer compression that depends on the activation. Beside them, float networks measured
// with 30-bin binning: does binning the float net tell the same story as the exact plane?
import type { RunFlags } from '../config/flags.js';
import type { SweepSpec } from '../sweep/grid.js';
import type { CellResult } from '../record/sweep.js';
import type { RunRecord } from '../record/schema.js';
import { combine, differenceExceeds, exceeds, measure, within, type ClaimRow, type ControlRow, type Effect, type Judged, type Verdict } from '../stats/index.js';

export interface QuantizedScale { repeats: number; epochs: number; miPoints: number }
/** The paper's 50 networks x 8,000 epochs per setting; quick: 5 x 2,000 (the fewest the rank
 *  tests can decide with). */
export const QUANT_FULL: QuantizedScale = { repeats: 50, epochs: 8000, miPoints: 400 };
export const QUANT_QUICK: QuantizedScale = { repeats: 5, epochs: 2000, miPoints: 100 };
/** Bits of the main comparison (the paper's main body) and of the extra setting. */
export const MAIN_BITS = '8';
export const BITS = [MAIN_BITS, '4'];
/** The float control: 30 edges over each layer's observed range (fixed [-1, 1] would clip ReLU). */
export const FLOAT_BINNING = { bins: '30', binRangeMode: 'observed' } as const;

export function quantizedStudies(scale: QuantizedScale): { name: string; title: string; spec: SweepSpec }[] {
  const base: RunFlags = { preset: 'lorenzen', epochs: String(scale.epochs), repeats: String(scale.repeats), miPoints: String(scale.miPoints) };
  return [
    {
      name: 'quantized', title: 'Lorenzen et al.: 12-10-7-5-4-3-2, tanh and ReLU, activations quantized to 8 and 4 bits, exact planes',
      spec: { name: 'quantized', base, axes: [{ key: 'activation', values: ['tanh', 'relu'] }, { key: 'quantize', values: BITS }] },
    },
    {
      name: 'float', title: 'The same nets in float, 30-bin binning over each layer\'s observed range',
      spec: { name: 'float', base: { ...base, quantize: 'off', estimators: 'bin', ...FLOAT_BINNING }, axes: [{ key: 'activation', values: ['tanh', 'relu'] }] },
    },
  ];
}

const ok = (r: RunRecord) => r.status === 'ok';
const finalOf = (s: number[]) => { for (let k = s.length - 1; k >= 0; k--) if (Number.isFinite(s[k])) return s[k]; return NaN; };
const peakOf = (s: number[]) => Math.max(...s.filter(Number.isFinite));
/** Compression of one series: peak - final (bits, >= 0). */
export const compressionOf = (s: number[]) => peakOf(s) - finalOf(s);
/** Fitting of one series: peak - first (bits, >= 0). */
export const fittingOf = (s: number[]) => peakOf(s) - s.find(Number.isFinite)!;

/**
 * The noise floor of a measure: three times the median over networks and layers of the standard
 * deviation of the series over its last 10% of logged epochs (late training, where the plane
 * only jitters). Exact MI has no estimation error, but a trained net still moves between epochs:
 * an amount smaller than that movement is not a phase.
 */
export function noiseFloor(series: number[][]): number {
  const sds: number[] = [];
  for (const s of series) {
    const v = s.filter(Number.isFinite);
    const tail = v.slice(Math.floor(v.length * 0.9));
    if (tail.length < 3) continue;
    const m = tail.reduce((a, b) => a + b, 0) / tail.length;
    sds.push(Math.sqrt(tail.reduce((a, b) => a + (b - m) ** 2, 0) / (tail.length - 1)));
  }
  sds.sort((a, b) => a - b);
  const med = sds.length ? sds[Math.floor(sds.length / 2)] : NaN;
  return Math.max(3 * med, 1e-3);
}

interface Cell { activation: string; bits: string; runs: RunRecord[]; layers: number; hY: number }
function cellsOf(cells: CellResult[]): Cell[] {
  return cells.map((c) => ({
    activation: c.values.activation, bits: c.values.quantize ?? 'off', runs: c.result.runs.filter(ok),
    layers: c.result.layers.length, hY: c.result.dataset.hY ?? 1,
  }));
}
const perNet = (runs: RunRecord[], est: string, key: 'ixt' | 'ity', l: number, f: (s: number[]) => number) =>
  runs.map((r) => f(r.mi[est]?.[key][l] ?? []));
const control = (j: Judged, name: string, note?: string): ControlRow => ({ name, verdict: j.verdict, effect: j.effect, ...(note ? { note } : {}) });
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function quantizedRows(quantized: CellResult[], float: CellResult[], seed = 0): ClaimRow[] {
  const q = cellsOf(quantized), fl = cellsOf(float);
  const main = q.filter((c) => c.bits === MAIN_BITS), extra = q.filter((c) => c.bits !== MAIN_BITS);
  if (!main.length) return [];
  const L = main[0].layers;
  const rows: ClaimRow[] = [];
  const ityFloor = noiseFloor(q.flatMap((c) => c.runs.flatMap((r) => r.mi.exact?.ity ?? [])));
  const ixtFloor = noiseFloor(q.flatMap((c) => c.runs.flatMap((r) => r.mi.exact?.ixt ?? [])));
  const floorNote = (f: number, what: string) => `floor ${fmt(f)} bits = 3 x the median late-training standard deviation of ${what} (last 10% of logged epochs) over networks and layers`;

  // 1. fitting in every layer: I(T;Y) rises from its first value to its peak, in every layer of
  //    both activations; layers that start at H(Y) (nothing to fit) are named, not judged
  {
    const judged: Judged[] = [], measures: Effect[] = [], notes: string[] = [];
    for (const c of main) {
      for (let l = 0; l < L; l++) {
        const first = c.runs.map((r) => (r.mi.exact?.ity[l] ?? []).find(Number.isFinite) ?? NaN);
        const name = `${c.activation} layer ${l + 1}: I(T;Y) peak - first`;
        if (first.every((v) => v >= c.hY - ityFloor)) { notes.push(`${c.activation} layer ${l + 1} starts at I(T;Y) = H(Y) (its first value is within the floor of ${fmt(c.hY)} bits): nothing to fit`); measures.push(measure(name, perNet(c.runs, 'exact', 'ity', l, fittingOf), seed)); continue; }
        judged.push(exceeds(name, perNet(c.runs, 'exact', 'ity', l, fittingOf), ityFloor, seed));
      }
    }
    const worst = judged.reduce((a, b) => (a.effect.estimate - a.effect.floor <= b.effect.estimate - b.effect.floor ? a : b), judged[0]);
    rows.push({
      id: 'lorenzen-fitting', title: `Lorenzen et al. 2022: a fitting phase in every layer (exact, ${MAIN_BITS}-bit, tanh and ReLU)`,
      verdict: judged.length ? combine(judged.map((j) => j.verdict)) : 'inconclusive',
      rule: `per network and layer: I(T;Y) peak minus its first logged value; each layer reproduced when the mean's BCa 95% CI lies above the floor and a one-sided Wilcoxon signed-rank test rejects (p < 0.05); the row combines all layers of both activations (${floorNote(ityFloor, 'exact I(T;Y)')})`,
      effect: worst?.effect ?? measure('no layer to judge', [], seed), test: worst?.test ?? { name: 'none', p: NaN },
      controls: judged.filter((j) => j !== worst).map((j) => control(j, j.effect.name)),
      measures, notes: [...notes, 'the effect shown is the layer closest to its floor'],
    });
  }

  // 2. the output layer compresses in every experiment: its exact I(X;T) falls from its peak
  {
    const judged = main.map((c) => exceeds(`${c.activation} ${c.bits}-bit output layer: I(X;T) peak - final`, perNet(c.runs, 'exact', 'ixt', L - 1, compressionOf), ixtFloor, seed));
    const extras = extra.map((c) => exceeds(`${c.activation} ${c.bits}-bit output layer: I(X;T) peak - final`, perNet(c.runs, 'exact', 'ixt', L - 1, compressionOf), ixtFloor, seed));
    const floatOut = fl.map((c) => exceeds(`float ${c.activation}, 30-bin binning: output layer I(X;T) peak - final`, perNet(c.runs, 'bin', 'ixt', L - 1, compressionOf), ixtFloor, seed));
    const all = [...judged, ...extras];
    const worst = all.reduce((a, b) => (a.effect.estimate <= b.effect.estimate ? a : b));
    rows.push({
      id: 'lorenzen-output-compression', title: 'Lorenzen et al. 2022: the output layer compresses in every experiment (exact)',
      verdict: combine(all.map((j) => j.verdict)),
      rule: `per network: exact I(X;T) of the softmax output (quantized on [0, 1]) at its peak minus at the last logged epoch; each setting (tanh, ReLU x ${BITS.join(', ')} bits) reproduced when the BCa 95% CI of the mean lies above the floor and a one-sided Wilcoxon signed-rank test rejects; the row combines the settings (${floorNote(ixtFloor, 'exact I(X;T)')})`,
      effect: worst.effect, test: worst.test,
      controls: [...all.filter((j) => j !== worst).map((j) => control(j, j.effect.name)),
        ...floatOut.map((j) => control(j, j.effect.name, 'the float net, binned: the same question by the estimator the debate used'))],
    });
  }

  // 3. hidden-layer compression depends on the activation: the largest compression of a hidden
  //    layer per network, tanh against ReLU
  {
    const hiddenComp = (c: Cell, est: string) => c.runs.map((r) => Math.max(...Array.from({ length: L - 1 }, (_, l) => compressionOf(r.mi[est]?.ixt[l] ?? []))));
    const byAct = (cs: Cell[], a: string) => cs.find((c) => c.activation === a);
    const t = byAct(main, 'tanh'), r = byAct(main, 'relu');
    if (t && r) {
      const tv = hiddenComp(t, 'exact'), rv = hiddenComp(r, 'exact');
      const j = differenceExceeds(`${MAIN_BITS}-bit: largest hidden-layer compression, tanh - ReLU`, tv, rv, ixtFloor, seed);
      const reverse = differenceExceeds(`${MAIN_BITS}-bit: largest hidden-layer compression, ReLU - tanh`, rv, tv, ixtFloor, seed);
      // the finding is a difference in either direction
      const verdict: Verdict = j.verdict === 'reproduced' || reverse.verdict === 'reproduced' ? 'reproduced'
        : j.verdict === 'not reproduced' && reverse.verdict === 'not reproduced' ? 'not reproduced' : 'inconclusive';
      const controls: ControlRow[] = [
        control(exceeds(`tanh ${MAIN_BITS}-bit: largest hidden-layer compression`, tv, ixtFloor, seed), 'tanh alone'),
        control(exceeds(`ReLU ${MAIN_BITS}-bit: largest hidden-layer compression`, rv, ixtFloor, seed), 'ReLU alone'),
        control(reverse, 'the other direction'),
      ];
      for (const c of extra) controls.push(control(exceeds(`${c.activation} ${c.bits}-bit: largest hidden-layer compression`, hiddenComp(c, 'exact'), ixtFloor, seed), `${c.bits} bits`));
      const ft = byAct(fl, 'tanh'), fr = byAct(fl, 'relu');
      if (ft && fr) controls.push(control(differenceExceeds('float, 30-bin binning: largest hidden-layer compression, tanh - ReLU', hiddenComp(ft, 'bin'), hiddenComp(fr, 'bin'), ixtFloor, seed), 'float nets, binned'));
      const per = (c: Cell) => Array.from({ length: L - 1 }, (_, l) => measure(`${c.activation} ${c.bits}-bit hidden layer ${l + 1}: I(X;T) peak - final`, perNet(c.runs, 'exact', 'ixt', l, compressionOf), seed, ixtFloor));
      rows.push({
        id: 'lorenzen-hidden-compression', title: 'Lorenzen et al. 2022: whether hidden layers compress depends on the activation (exact)',
        verdict, rule: `per network: the largest exact compression (I(X;T) peak - final) over the hidden layers; reproduced when tanh and ReLU differ by more than the floor in either direction (BCa 95% CI of the difference of means beyond the floor and a one-sided Mann-Whitney U test rejecting); not reproduced when both directions are ruled out (${floorNote(ixtFloor, 'exact I(X;T)')})`,
        effect: j.effect, test: j.test, controls, measures: [...per(t), ...per(r)],
      });
    }
  }

  // 4. beside them: does 30-bin binning of the float net agree with the exact plane of the 8-bit
  //    net? Per hidden layer, the compression amounts of the two, networks paired by seed (same
  //    initial weights and batch order; the trajectories then part)
  {
    const judged: Judged[] = [], notes: string[] = [];
    for (const c of main) {
      const f = fl.find((x) => x.activation === c.activation);
      if (!f) continue;
      for (let l = 0; l < L; l++) {
        const bySeed = new Map(f.runs.map((r) => [r.seed, compressionOf(r.mi.bin?.ixt[l] ?? [])]));
        const diffs = c.runs.filter((r) => bySeed.has(r.seed)).map((r) => compressionOf(r.mi.exact?.ixt[l] ?? []) - (bySeed.get(r.seed) as number));
        judged.push(within(`${c.activation} layer ${l + 1}: compression, exact ${c.bits}-bit - float 30-bin`, diffs, ixtFloor, seed));
      }
      const finals = (cell: Cell, est: string) => Array.from({ length: L }, (_, l) => fmt(perNet(cell.runs, est, 'ixt', l, finalOf).reduce((a, b) => a + b, 0) / cell.runs.length)).join(' / ');
      notes.push(`${c.activation}: mean final I(X;T) per layer, exact ${c.bits}-bit ${finals(c, 'exact')}; float 30-bin ${finals(f, 'bin')} bits`);
    }
    if (judged.length) {
      const agree = judged.filter((j) => j.verdict === 'reproduced').length, disagree = judged.filter((j) => j.verdict === 'not reproduced').length;
      const worst = judged.reduce((a, b) => (Math.abs(a.effect.estimate) >= Math.abs(b.effect.estimate) ? a : b));
      rows.push({
        id: 'lorenzen-binning-agreement', title: `Beside them: 30-bin binning of the float net against the exact plane of the ${MAIN_BITS}-bit net`,
        verdict: agree === judged.length ? 'reproduced' : disagree > 0 ? 'not reproduced' : 'inconclusive',
        rule: `per layer and activation, networks paired by seed: exact compression of the ${MAIN_BITS}-bit net minus 30-bin compression of the float net; agreement when the BCa 95% CI of the mean difference lies within +-floor and both one-sided signed-rank tests reject (TOST); reproduced = every layer agrees, not reproduced = some layer's CI lies wholly outside (${floorNote(ixtFloor, 'exact I(X;T)')})`,
        effect: worst.effect, test: worst.test,
        controls: judged.filter((j) => j !== worst).map((j) => control(j, j.effect.name)),
        notes: [`${agree} of ${judged.length} layer comparisons agree, ${disagree} disagree; the effect shown is the largest difference`, ...notes],
      });
    }
  }
  return rows;
}
