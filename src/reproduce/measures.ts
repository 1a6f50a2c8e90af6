// Per-network measurements the claims are judged on (docs/SCIENCE.md §9, §11).
// Every quantity is computed on one network's series; statistics over networks come afterwards
// (stats/). Series are smoothed by a windowed median over logged epochs so that one noisy epoch
// moves neither a peak nor a final value. No Node imports.
import type { IBPoint } from '../bound/ib.js';
import { boundAt } from '../bound/ib.js';
import { SNR_WINDOW, snrSeries, snrSwitch, windowedMedian } from '../record/phases.js';
import type { RunRecord } from '../record/schema.js';
import { finiteMean } from '../stats/bootstrap.js';

/** Logged epochs in the median window of I(X;T), I(T;Y) and error series. */
export const SMOOTH_WINDOW = 5;
/** A noise floor is this many standard deviations of the late epoch-to-epoch jitter. */
export const FLOOR_SDS = 3;
/** Hidden layers from this index on are the "deeper" layers of claims 1, 2 and Saxe et al. */
export const DEEP_FROM = 2;

export const smooth = (v: readonly number[]) => windowedMedian(v, SMOOTH_WINDOW);

/** Indices of the late logged epochs: the second half of training (at least the last 3 points). */
export function lateIndices(epochs: readonly number[]): number[] {
  const E = epochs[epochs.length - 1] ?? 0;
  const late = epochs.map((e, k) => (e >= E / 2 ? k : -1)).filter((k) => k >= 0);
  if (late.length >= 3) return late;
  return epochs.map((_, k) => k).slice(-Math.min(3, epochs.length));
}

/**
 * The per-epoch noise of a series late in training: sqrt(mean of squared differences between
 * neighbouring logged values / 2), i.e. the SD of independent jitter around a slow trend.
 */
export function lateJitter(epochs: readonly number[], v: readonly number[]): number {
  const idx = lateIndices(epochs);
  let s = 0, c = 0;
  for (let i = 1; i < idx.length; i++) {
    const a = v[idx[i - 1]], b = v[idx[i]];
    if (Number.isFinite(a) && Number.isFinite(b)) { s += (b - a) ** 2; c++; }
  }
  return c ? Math.sqrt(s / c / 2) : NaN;
}

/** Smoothed peak, its epoch, the initial and final values, the fall from the peak, and relative compression. */
export interface Fall { peak: number; peakEpoch: number; initial: number; final: number; amount: number; relative: number; k: number }

/** Fall of a series from its smoothed maximum to its smoothed final value. */
export function fallOf(epochs: readonly number[], v: readonly number[]): Fall {
  const s = smooth(v);
  let k = -1, peak = -Infinity, last = -1;
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i])) continue;
    if (s[i] > peak) { peak = s[i]; k = i; }
    last = i;
  }
  if (k < 0) return { peak: NaN, peakEpoch: NaN, initial: NaN, final: NaN, amount: NaN, relative: NaN, k: -1 };
  const initial = s.find((x) => Number.isFinite(x))!, final = s[last];
  const amount = peak - final, span = peak - Math.min(initial, final);
  return { peak, peakEpoch: epochs[k], initial, final, amount, relative: span > 0 ? amount / span : 0, k };
}

const meanOf = finiteMean;

/** Hidden layer indices (the softmax output excluded) from `from` on. */
export const hiddenLayers = (r: Pick<RunRecord, 'gradMean'>, from = 0) =>
  Array.from({ length: Math.max(0, r.gradMean.length - 1) }, (_, l) => l).slice(Math.min(from, Math.max(0, r.gradMean.length - 2)));

/** Claim 1 and the compression rows: one network, one estimator, the deeper hidden layers. */
export interface CompressionMeasure {
  /** Mean fall of I(X;T) from its peak over the deeper layers, bits. */
  amount: number;
  /** Mean relative compression (peak - final) / (peak - min(initial, final)). */
  relative: number;
  /** Mean peak - min(initial, final) over the deeper layers, bits (the denominator of `relative`). */
  span: number;
  /** Per deeper layer: fall (bits), onset epoch (the smoothed peak of I(X;T)). */
  perLayer: { layer: number; amount: number; onset: number; relative: number }[];
  /** Latest onset over the deeper layers / the last epoch. */
  onsetShare: number;
  /** Mean rise of I(T;Y) from the first logged epoch to the onset, bits. */
  rise: number;
  /** Mean share of I(T;Y)'s total gain (first to final) reached at the onset. */
  fittedAtOnset: number;
  /** Noise floor of I(X;T) for this network: FLOOR_SDS x the mean late jitter of the deeper layers. */
  floor: number;
  /** The same for I(T;Y). */
  ityFloor: number;
  /** Training error at the onset (mean over the deeper layers). */
  trainErrorAtOnset: number;
}

export function compressionMeasure(r: RunRecord, estimator: string, from = DEEP_FROM): CompressionMeasure {
  const mi = r.mi[estimator];
  const layers = hiddenLayers(r, from);
  const E = r.epochs[r.epochs.length - 1] || 1;
  const trainErr = smooth(r.trainAcc.map((a) => 1 - a));
  const perLayer = layers.map((l) => {
    const f = fallOf(r.epochs, mi.ixt[l]);
    return { layer: l, amount: f.amount, onset: f.peakEpoch, relative: f.relative, k: f.k, span: f.peak - Math.min(f.initial, f.final) };
  });
  const rises: number[] = [], fitted: number[] = [], errs: number[] = [];
  for (const p of perLayer) {
    if (p.k < 0) continue;
    const y = smooth(mi.ity[p.layer]);
    const first = y.find(Number.isFinite) ?? NaN;
    let final = NaN;
    for (let k = y.length - 1; k >= 0; k--) if (Number.isFinite(y[k])) { final = y[k]; break; }
    rises.push(y[p.k] - first);
    const gain = final - first;
    fitted.push(gain > 0 ? (y[p.k] - first) / gain : NaN);
    errs.push(trainErr[p.k]);
  }
  return {
    amount: meanOf(perLayer.map((p) => p.amount)),
    relative: meanOf(perLayer.map((p) => p.relative)),
    span: meanOf(perLayer.map((p) => p.span)),
    perLayer: perLayer.map(({ layer, amount, onset, relative }) => ({ layer, amount, onset, relative })),
    onsetShare: Math.max(...perLayer.map((p) => p.onset).filter(Number.isFinite)) / E,
    rise: meanOf(rises), fittedAtOnset: meanOf(fitted),
    floor: FLOOR_SDS * meanOf(layers.map((l) => lateJitter(r.epochs, mi.ixt[l]))),
    ityFloor: FLOOR_SDS * meanOf(layers.map((l) => lateJitter(r.epochs, mi.ity[l]))),
    trainErrorAtOnset: meanOf(errs),
  };
}

/** Claim 2: per deeper layer, the smoothed-SNR switch and the compression onset. */
export interface SwitchMeasure {
  perLayer: { layer: number; switch: number | null; onset: number }[];
  /** Mean over the deeper layers with a switch of log10((onset + 1) / (switch + 1)). */
  logRatio: number;
  /** Deeper layers whose smoothed SNR never stays below 1. */
  noSwitch: number;
  /** Mean smoothed SNR of the deeper layers' weights over the late epochs. */
  lateSnr: number;
}

export function switchMeasure(r: RunRecord, estimator: string, from = DEEP_FROM): SwitchMeasure {
  const c = compressionMeasure(r, estimator, from);
  const perLayer = c.perLayer.map((p) => ({ layer: p.layer, switch: snrSwitch(r.epochs, r.gradMean[p.layer], r.gradStd[p.layer]), onset: p.onset }));
  const ratios = perLayer.filter((p) => p.switch !== null && Number.isFinite(p.onset)).map((p) => Math.log10((p.onset + 1) / (p.switch! + 1)));
  const late = lateIndices(r.epochs);
  const snr = c.perLayer.map((p) => windowedMedian(snrSeries(r.gradMean[p.layer], r.gradStd[p.layer]), SNR_WINDOW));
  return {
    perLayer, logRatio: meanOf(ratios), noSwitch: perLayer.filter((p) => p.switch === null).length,
    lateSnr: meanOf(snr.flatMap((s) => late.map((k) => s[k]))),
  };
}

/** Inverse of the bound: the least I(X;T) at which the bound reaches I(T;Y) = ity (interpolated;
 *  the bound's last I(X;T) when ity is at or above its top). */
export function boundInverse(points: readonly IBPoint[], ity: number): number {
  if (!points.length || !Number.isFinite(ity)) return NaN;
  if (ity <= points[0].ity) return points[0].ixt;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1], b = points[i];
    if (ity <= b.ity) return b.ity === a.ity ? a.ixt : a.ixt + ((b.ixt - a.ixt) * (ity - a.ity)) / (b.ity - a.ity);
  }
  return points[points.length - 1].ixt;
}

/** Claim 3: per hidden layer at one logged index k (smoothed), the gaps to the bound. */
export interface GapMeasure {
  /** bound(I(X;T)) - I(T;Y), bits: > 0 below the bound, < 0 above it (impossible for exact MI). */
  vertical: number[];
  /** I(X;T) - the least I(X;T) the bound needs for the layer's I(T;Y), bits (> 0: more than needed). */
  horizontal: number[];
  ixt: number[]; ity: number[];
  /** FLOOR_SDS x the mean late jitter of I(T;Y) over the hidden layers. */
  floor: number;
}

export function gapMeasure(r: RunRecord, estimator: string, bound: readonly IBPoint[], at: 'final' | 'initial'): GapMeasure {
  const mi = r.mi[estimator];
  const layers = hiddenLayers(r);
  const pick = (v: readonly number[]) => {
    if (at === 'initial') return v[0];
    const s = smooth(v);
    for (let k = s.length - 1; k >= 0; k--) if (Number.isFinite(s[k])) return s[k];
    return NaN;
  };
  const ixt = layers.map((l) => pick(mi.ixt[l])), ity = layers.map((l) => pick(mi.ity[l]));
  return {
    ixt, ity,
    vertical: layers.map((_, i) => boundAt(bound, ixt[i]) - ity[i]),
    horizontal: layers.map((_, i) => ixt[i] - boundInverse(bound, ity[i])),
    floor: FLOOR_SDS * meanOf(layers.map((l) => lateJitter(r.epochs, mi.ity[l]))),
  };
}

/** Claim 4: the first logged epoch at which the smoothed test error is <= target (else the last epoch, censored). */
export function epochsToTestError(r: RunRecord, target: number): { epochs: number; reached: boolean } {
  const err = smooth(r.testAcc.map((a) => 1 - a));
  for (let k = 0; k < err.length; k++) if (err[k] <= target) return { epochs: r.epochs[k], reached: true };
  return { epochs: r.epochs[r.epochs.length - 1], reached: false };
}

/** Final smoothed value of a series. */
export function finalSmoothed(v: readonly number[]): number {
  const s = smooth(v);
  for (let k = s.length - 1; k >= 0; k--) if (Number.isFinite(s[k])) return s[k];
  return NaN;
}

/** Claim 5: the late fall of the last hidden layer's I(T;Y), and the rise of the test loss after its minimum. */
export interface OverfitMeasure { ityDrop: number; ityPeakEpoch: number; lossRise: number; ityFloor: number; lossFloor: number }

export function overfitMeasure(r: RunRecord, estimator: string): OverfitMeasure {
  const l = Math.max(0, r.gradMean.length - 2), mi = r.mi[estimator];
  const f = fallOf(r.epochs, mi.ity[l]);
  const loss = smooth(r.testLoss);
  let min = Infinity;
  for (const v of loss) if (Number.isFinite(v) && v < min) min = v;
  return {
    ityDrop: f.amount, ityPeakEpoch: f.peakEpoch, lossRise: finalSmoothed(r.testLoss) - min,
    ityFloor: FLOOR_SDS * lateJitter(r.epochs, mi.ity[l]), lossFloor: FLOOR_SDS * lateJitter(r.epochs, r.testLoss),
  };
}

/** Exploratory: relaxation time of each hidden layer's I(X;T) after its peak: epochs until the
 *  smoothed series has covered 1 - 1/e of its fall (NaN without a fall above `floor`). */
export function relaxationTimes(r: RunRecord, estimator: string, floor: number): number[] {
  const mi = r.mi[estimator];
  return hiddenLayers(r).map((l) => {
    const f = fallOf(r.epochs, mi.ixt[l]);
    if (!(f.amount > floor)) return NaN;
    const s = smooth(mi.ixt[l]), target = f.peak - (1 - Math.exp(-1)) * f.amount;
    for (let k = f.k; k < s.length; k++) if (s[k] <= target) return r.epochs[k] - f.peakEpoch;
    return NaN;
  });
}
