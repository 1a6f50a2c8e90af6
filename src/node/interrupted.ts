// Work stopped through its AbortSignal (Ctrl-C, SIGTERM): the CLI prints the message and exits 130.
// A module of its own so that the CLI can recognise it without loading the worker pool.
export class Interrupted extends Error {
  constructor(message = 'interrupted') { super(message); }
}
