// Which epochs get measured. Activations are taken at the start of a logged epoch (epoch 0 = the
// initial weights), as in the reference code.
import type { MiSchedule } from '../config/config.js';

/** The epochs in [0, epochs) at which MI is measured, ascending. */
export function loggedEpochs(s: MiSchedule, epochs: number): number[] {
  const out: number[] = [];
  if (s.kind === 'log') {
    // unique(floor(logspace(0, log2(E), n, base=2))) - 1, as ravidziv/IDNNs
    const top = Math.log2(epochs), n = s.points;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const e = Math.floor(2 ** (n === 1 ? 0 : (top * i) / (n - 1))) - 1;
      if (e !== last && e < epochs) out.push(e);
      last = e;
    }
  } else if (s.kind === 'saxe') {
    // every epoch < 20, every 5th < 100, every 20th < 2000, then every 100th (artemyk/ibsgd)
    for (let e = 0; e < epochs; e++) {
      if (e < 20 || (e < 100 && e % 5 === 0) || (e < 2000 && e % 20 === 0) || e % 100 === 0) out.push(e);
    }
  } else if (s.kind === 'all') {
    for (let e = 0; e < epochs; e++) out.push(e);
  } else {
    for (let e = 0; e < epochs; e += s.k) out.push(e);
  }
  return out;
}
