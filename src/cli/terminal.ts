// What the commands do on the terminal: a progress bar on stderr, and Ctrl-C / SIGTERM turned into
// an AbortSignal for the library code (which never touches the process itself).
import cliProgress from 'cli-progress';
import { useRelaxedSimd } from '../engine/wasm-node.js';

/** A progress bar on stderr; `format` uses cli-progress's {bar}, {value}, {eta_formatted}, ... */
export function progressBar(format: string, etaBuffer = 50): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ stream: process.stderr, hideCursor: true, etaBuffer, format }, cliProgress.Presets.shades_classic);
}

/** Runs work(signal) with SIGINT and SIGTERM aborting the signal, then restores the handlers. */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Epochs per second since t0 (performance.now()), as the bar shows it. */
export const epochRate = (epochs: number, t0: number) => (epochs / ((performance.now() - t0) / 1000)).toFixed(0);

/** --relaxed-simd of run, sweep and reproduce (engine/cores.ts says what it changes). */
export function addRelaxedSimdOption<C extends { option(flags: string, description: string): C }>(command: C): C {
  return command.option('--relaxed-simd', 'train with fused multiply-add (f32x4.relaxed_madd) where the runtime has it: ' +
    'faster, but the low bits may differ between hosts (default: the plain core, the same bits everywhere)');
}

/** Chooses the core for --relaxed-simd; when it is unavailable says so in one line on stderr and
 *  goes on with the plain core. Returns whether the relaxed core runs. */
export function applyRelaxedSimd(requested: boolean | undefined, supported?: () => boolean): boolean {
  const choice = useRelaxedSimd(requested === true, supported);
  if (choice.note) process.stderr.write(`infoplane: ${choice.note}\n`);
  return choice.relaxed;
}
