// The paper's claims (docs/SCIENCE.md, The paper's claims) checked against the studies' averaged results: what the paper
// says, what was measured (numbers), and a verdict. No Node imports.
import type { TrainingResult as InfoplaneResult } from '../record/schema.js';
import type { CellResult } from '../record/sweep.js';
import { epochsToTrainError, finalValue } from '../record/sweep.js';
import { phasesOf } from '../record/phases.js';
import type { StudyName } from './studies.js';
import { DEFAULTS } from '../config/config.js';
import { DEPTH_TARGET_ERROR } from '../report/sweep.js';

export type Verdict = 'reproduced' | 'not reproduced' | 'depends on estimator';
export interface Claim { id: number; claim: string; paper: string; measured: string; verdict: Verdict; figures: string[] }

/** Bits a layer's I(X;T) must fall from its peak to count as compressing (the run default). */
export const COMPRESSION_BITS = DEFAULTS.compressionThreshold;
/** Training error that counts as converged for the depth claim (the sweep report's depth panel). */
export const CONVERGED_ERROR = DEPTH_TARGET_ERROR;
/** Spearman rank correlation between depth and epochs-to-converge that counts as "fewer with depth". */
export const TREND = -0.6;

/** Spearman's rank correlation (average ranks for ties; Infinity ranks last). */
export function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((i, j) => v[i] - v[j] || i - j);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a), rb = rank(b), n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n, mb = rb.reduce((s, x) => s + x, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (ra[i] - ma) * (rb[i] - mb); da += (ra[i] - ma) ** 2; db += (rb[i] - mb) ** 2; }
  return da && db ? num / Math.sqrt(da * db) : 0;
}

const f2 = (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '-' : v.toFixed(2));
const hidden = (r: InfoplaneResult) => r.layers.length - 1;

/** Per estimator: how many of the hidden layers past the first two compress (record/phases.ts). */
function compressing(r: InfoplaneResult, est: string): { layers: number; of: number; amounts: number[]; onsets: (number | null)[] } {
  const c = (r.phases ?? phasesOf(r, COMPRESSION_BITS)).compression[est]?.slice(0, hidden(r)) ?? [];
  const deep = c.slice(Math.min(2, c.length - 1));
  return {
    layers: deep.filter((x) => x.onset !== null).length, of: deep.length,
    amounts: c.map((x) => x.amount ?? NaN), onsets: c.map((x) => x.onset),
  };
}

export function evaluateClaims(studies: Map<StudyName, CellResult[]>, links: Record<StudyName, string>): Claim[] {
  const claims: Claim[] = [];
  const main = studies.get('main')?.[0]?.result;
  if (main) {
    const ests = Object.keys(main.mi);
    const E = main.config.epochs;
    const per = ests.map((e) => ({ e, ...compressing(main, e) }));
    const yes = per.filter((p) => p.of > 0 && p.layers * 2 >= p.of);
    const binC = per.find((p) => p.e === 'bin') ?? per[0];
    const deepOnsets = (binC?.onsets.slice(2) ?? []).filter((o): o is number => o !== null);
    const onsetShare = deepOnsets.length ? Math.max(...deepOnsets) / E : NaN;
    claims.push({
      id: 1, claim: 'Most epochs are spent compressing, after a short fitting phase',
      paper: 'I(X;T) of the deeper layers rises during a short fitting phase, then falls for most of training',
      measured: per.map((p) => `${p.e}: I(X;T) falls by ${p.amounts.map(f2).join(' / ')} bits per hidden layer from its peak ` +
        `(compression from epochs ${p.onsets.map((o) => o ?? '-').join(' / ')}); ${p.layers} of ${p.of} deeper layers compress by > ${COMPRESSION_BITS} bits`).join('\n') +
        `\nthe latest compression onset is at ${(onsetShare * 100).toFixed(1)}% of training (bin)`,
      verdict: yes.length === per.length && onsetShare < 0.5 ? 'reproduced' : yes.length === 0 ? 'not reproduced' : 'depends on estimator',
      figures: [links.main],
    });
    const snr = (main.phases ?? phasesOf(main, COMPRESSION_BITS)).snrTransition;
    const onsets = binC ? binC.onsets : [];
    const pairs = snr.slice(0, hidden(main)).map((t, l) => ({ t, o: onsets[l] }))
      .filter((p): p is { t: number; o: number } => p.t !== null && p.o !== null);
    const close = pairs.filter((p) => Math.abs(Math.log10((p.o + 1) / (p.t + 1))) <= 0.5);
    claims.push({
      id: 2, claim: 'Compression starts when SGD switches from drift to diffusion',
      paper: 'the epoch where gradient mean falls below its std coincides with the start of compression',
      measured: `SNR < 1 from epoch ${snr.map((t) => (t === null ? 'never' : String(t))).join(' / ')} per layer\n` +
        `compression (bin) from ${onsets.map((o) => o ?? 'none').join(' / ')}; within a factor of 3 for ${close.length} of ${pairs.length} layers that have both`,
      verdict: pairs.length > 0 && close.length * 2 > pairs.length ? 'reproduced' : 'not reproduced',
      figures: [links.main],
    });
    const gaps = main.boundGap;
    if (gaps && gaps.bin) {
      const final = gaps.bin.map(finalValue);
      const worst = Math.max(...final.slice(0, hidden(main)).filter(Number.isFinite));
      claims.push({
        id: 3, claim: 'Converged layers lie on or near the IB bound',
        paper: 'the final layers sit close to the information bottleneck curve of the data',
        measured: `gap in I(T;Y) below the bound at the last epoch (bin): ${final.map(f2).join(' / ')} bits per layer`,
        verdict: worst <= 0.1 ? 'reproduced' : 'not reproduced',
        figures: [links.main],
      });
    }
  }
  const depth = studies.get('depth');
  if (depth) {
    // a depth that never converges counts as slower than every depth that does
    const ep = depth.map((c) => ({ d: hidden(c.result), e: epochsToTrainError(c.result, CONVERGED_ERROR) }));
    const rho = spearman(ep.map((x) => x.d), ep.map((x) => x.e ?? Infinity));
    const first = ep[0], last = ep[ep.length - 1];
    claims.push({
      id: 4, claim: 'More hidden layers reach good generalisation in far fewer epochs',
      paper: 'the number of epochs to converge drops sharply with the number of hidden layers',
      measured: `epochs to training error <= ${CONVERGED_ERROR}: ${ep.map((x) => `${x.d} layer(s): ${x.e ?? 'not reached'}`).join(', ')}\n` +
        `rank correlation of depth and epochs ${f2(rho)} (reproduced when <= ${TREND} and the deepest net needs at most half the epochs of the shallowest)`,
      verdict: last.e !== null && (first.e === null || last.e * 2 <= first.e) && rho <= TREND ? 'reproduced' : 'not reproduced',
      figures: [links.depth],
    });
  }
  const size = studies.get('size');
  if (size) {
    const rows = size.map((c) => {
      const r = c.result, ity = r.mi.bin?.ity[hidden(r) - 1] ?? [];
      const peak = Math.max(...ity.filter(Number.isFinite));
      return { f: c.values.trainFraction, acc: finalValue(r.testAcc), drop: peak - finalValue(ity) };
    });
    const small = rows[0], large = rows[rows.length - 1];
    claims.push({
      id: 5, claim: 'Training-set size matters: with 5% of the data the last layers overfit',
      paper: 'with a small training set I(T;Y) of the last layers falls late in training; test accuracy grows with the training set',
      measured: rows.map((x) => `${Number(x.f) * 100}%: test accuracy ${f2(x.acc)}, last hidden layer I(T;Y) falls ${f2(x.drop)} bits from its peak`).join('\n'),
      verdict: small.drop > large.drop + 0.02 && small.acc < large.acc ? 'reproduced' : 'not reproduced',
      figures: [links.size],
    });
  }
  const act = studies.get('activation');
  if (act) {
    const rows = act.map((c) => ({ a: c.values.activation, ...compressing(c.result, 'bin') }));
    const tanh = rows.find((x) => x.a === 'tanh'), relu = rows.find((x) => x.a === 'relu');
    claims.push({
      id: 6, claim: 'Saxe et al. 2018: compression depends on the activation',
      paper: 'not this paper: Saxe et al. found, with the same binning, that tanh layers compress and ReLU layers do not',
      measured: rows.map((x) => `${x.a}: I(X;T) falls ${x.amounts.map(f2).join(' / ')} bits per hidden layer; ${x.layers} of ${x.of} deeper layers compress`).join('\n'),
      verdict: tanh && relu && tanh.layers > 0 && relu.layers === 0 ? 'reproduced' : 'not reproduced',
      figures: [links.activation],
    });
  }
  return claims;
}
