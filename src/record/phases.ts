// The paper's two phases as numbers (docs/SCIENCE.md §9, §11): per layer, the logged epoch where
// the mini-batch gradients turn from drift to diffusion, and per estimator the epoch from which
// I(X;T) compresses. The paper claims the two coincide; the report puts them side by side.
import type { CompressionPhase, Phases, Series } from './schema.js';

/**
 * The first logged epoch from which gradient SNR = mean / std stays below 1 at every later logged
 * epoch; null if the last SNR is >= 1. Epochs where the SNR is not a number (0/0, missing after a
 * divergence) are skipped; std = 0 with mean > 0 gives SNR = Infinity (drift).
 */
export function snrTransition(epochs: readonly number[], gradMean: readonly number[], gradStd: readonly number[]): number | null {
  let at: number | null = null;
  for (let k = epochs.length - 1; k >= 0; k--) {
    const mean = gradMean[k], std = gradStd[k];
    if (typeof mean !== 'number' || typeof std !== 'number') continue; // null in a reloaded file
    const snr = mean / std;
    if (Number.isNaN(snr)) continue;
    if (snr < 1) at = epochs[k];
    else break;
  }
  return at;
}

/** Logged epochs in the SNR median window: a single noisy epoch (or two) cannot move a median of 5. */
export const SNR_WINDOW = 5;

/** The median of each centred window of `w` values (clipped at the ends; non-finite values skipped). */
export function windowedMedian(values: readonly number[], w: number): number[] {
  const h = Math.floor(w / 2), out = new Array<number>(values.length), buf: number[] = [];
  for (let k = 0; k < values.length; k++) {
    buf.length = 0;
    for (let j = Math.max(0, k - h); j <= Math.min(values.length - 1, k + h); j++) {
      const v = values[j];
      if (typeof v === 'number' && !Number.isNaN(v)) buf.push(v);
    }
    if (!buf.length) { out[k] = NaN; continue; }
    buf.sort((a, b) => a - b);
    const m = buf.length >> 1;
    out[k] = buf.length % 2 ? buf[m] : (buf[m - 1] + buf[m]) / 2;
  }
  return out;
}

/** Gradient SNR = mean / std per logged epoch (NaN for 0/0 or a missing value). */
export function snrSeries(gradMean: readonly number[], gradStd: readonly number[]): number[] {
  return gradMean.map((m, k) => (typeof m === 'number' && typeof gradStd[k] === 'number' ? m / gradStd[k] : NaN));
}

/**
 * The drift-to-diffusion switch on the smoothed SNR: the first logged epoch from which the
 * windowed median (SNR_WINDOW logged epochs) of mean / std stays below 1; null if it never does.
 */
export function snrSwitch(epochs: readonly number[], gradMean: readonly number[], gradStd: readonly number[], window = SNR_WINDOW): number | null {
  const smooth = windowedMedian(snrSeries(gradMean, gradStd), window);
  return snrTransition(epochs, smooth, smooth.map(() => 1));
}

/**
 * Compression of one layer's I(X;T) series: peak = its maximum (first logged epoch that reaches
 * it), amount = peak minus the last finite value, onset = the peak's epoch if amount > threshold,
 * else null. All null when the series has no finite value.
 */
export function compressionOf(epochs: readonly number[], ixt: readonly number[], threshold: number): CompressionPhase {
  let peak = -Infinity, peakK = -1, last = NaN;
  for (let k = 0; k < epochs.length; k++) {
    const v = ixt[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v > peak) { peak = v; peakK = k; }
    last = v;
  }
  if (peakK < 0) return { onset: null, peak: null, amount: null };
  const amount = peak - last;
  return { onset: amount > threshold ? epochs[peakK] : null, peak, amount };
}

/** Phases of one series (one network or the average over repeats). */
export function phasesOf(s: Series, threshold: number): Required<Phases> {
  return {
    threshold,
    snrTransition: s.gradMean.map((mean, l) => snrTransition(s.epochs, mean, s.gradStd[l] ?? [])),
    snrSwitch: s.gradMean.map((mean, l) => snrSwitch(s.epochs, mean, s.gradStd[l] ?? [])),
    compression: Object.fromEntries(Object.entries(s.mi).map(([name, mi]) =>
      [name, mi.ixt.map((row) => compressionOf(s.epochs, row, threshold))])),
  };
}
