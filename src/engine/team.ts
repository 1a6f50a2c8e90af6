// Several threads for one network: the threads build of the core (build/infoplane-mt.wasm, which
// imports one shared memory) is instantiated once per thread over the same memory. Thread 0 is
// the engine's own instance and allocates everything; helpers only run the *_team exports with
// their thread id, meeting thread 0 at the barriers inside the core (assembly/team.ts). Nothing
// here needs Node: a host passes a `spawn` that starts a helper (a worker_thread, a Web Worker).

/** The exports that threads run together (each also takes t and T last). */
export type TeamFunction = 'net_train_epoch_team' | 'net_eval_team' | 'kde_mi_team' | 'mi_binned_team';

export type TeamRequest =
  | { kind: 'team-init'; module: WebAssembly.Module; memory: WebAssembly.Memory; t: number }
  | { kind: 'team-call'; fn: TeamFunction; args: number[]; T: number };
export type TeamReply = { kind: 'team-ready' } | { kind: 'team-error'; message: string };

/** A helper thread as the host sees it. */
export interface TeamHelper {
  post(m: TeamRequest): void;
  /** Resolves with the helper's first reply. */
  ready: Promise<TeamReply>;
  close(): void;
}

/** Whether `SharedArrayBuffer` can be used here (browsers: only with cross-origin isolation). */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated !== false;
}

/** The shared memory of a team: wasm32's most, reserved but not committed until it grows. */
export function teamMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
}

export const TEAM_IMPORTS = (memory: WebAssembly.Memory) => ({
  env: { memory, abort: () => { throw new Error('infoplane wasm core aborted'); } },
});

/** The helper's side of the protocol: call with each request; `reply` posts to thread 0. */
export function teamHelper(reply: (m: TeamReply) => void): (m: TeamRequest) => void {
  let ex: Record<string, (...a: number[]) => number> | undefined;
  let t = 0;
  return (m) => {
    try {
      if (m.kind === 'team-init') {
        const instance = new WebAssembly.Instance(m.module, TEAM_IMPORTS(m.memory));
        ex = instance.exports as unknown as Record<string, (...a: number[]) => number>;
        t = m.t;
        ex.thread_init(t);
        reply({ kind: 'team-ready' });
      } else {
        ex![m.fn](...m.args, t, m.T);
      }
    } catch (err) {
      reply({ kind: 'team-error', message: (err as Error).message });
    }
  };
}

/** Thread 0's handle on its helpers. */
export class Team {
  private constructor(readonly size: number, private readonly helpers: TeamHelper[]) {}

  /** Starts size - 1 helpers over `memory`; resolves when all have instantiated. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number, spawn: () => TeamHelper): Promise<Team> {
    const helpers = Array.from({ length: size - 1 }, spawn);
    helpers.forEach((h, i) => h.post({ kind: 'team-init', module, memory, t: i + 1 }));
    const replies = await Promise.all(helpers.map((h) => h.ready));
    const bad = replies.find((r) => r.kind === 'team-error');
    if (bad) {
      helpers.forEach((h) => h.close());
      throw new Error(`a helper thread failed to start: ${(bad as { message: string }).message}`);
    }
    return new Team(size, helpers);
  }

  /** Starts `fn(...args, t, size)` on every helper; thread 0 then makes the same call itself. */
  call(fn: TeamFunction, args: number[]): void {
    for (const h of this.helpers) h.post({ kind: 'team-call', fn, args, T: this.size });
  }

  close(): void { for (const h of this.helpers) h.close(); }
}
