// What the commands do on the terminal: a progress bar on stderr, and Ctrl-C / SIGTERM turned into
// an AbortSignal for the library code (which never touches the process itself).
import cliProgress from 'cli-progress';

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
