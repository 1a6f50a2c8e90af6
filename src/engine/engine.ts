// The wasm core, instantiated once per thread. Kernels take pointers, so the host keeps typed-array
// views over memory.buffer; every view is made on demand because memory growth detaches old ones.
// The exports' types come from the AssemblyScript build (build/infoplane.d.ts, written by
// `npm run build:wasm`), so the interface is declared once, in assembly/.
import type { instantiate } from '../../build/infoplane.js';
import { Team, teamMemory, TEAM_IMPORTS, type TeamFunction, type TeamHelper } from './team.js';

/** The core's exports as the build declares them (functions, the memory, the layout globals). */
export type CoreExports = Awaited<ReturnType<typeof instantiate>>;

/** Byte offsets of the network header's fields (the core's NET_* and LAYER_* globals). */
export interface CoreLayout {
  net: Record<'LAYERS' | 'BATCH' | 'ROWS' | 'ROWS_PAD' | 'CLASSES' | 'INPUTS' | 'PARAMS' | 'PARAM' | 'GRAD' | 'X' | 'Y' | 'IDX' | 'NLL' | 'XR_ROWS' | 'QUANT' | 'LAYER0', number>;
  layer: Record<'SIZE' | 'IN' | 'OUT' | 'ACT' | 'W' | 'B' | 'ACT_TRAIN' | 'ACT_EVAL', number>;
}

/** The layout globals of an instance's exports, by prefix: NET_X -> net.X, LAYER_SIZE -> layer.SIZE. */
function readLayout(exports: WebAssembly.Exports): CoreLayout {
  const net: Record<string, number> = {}, layer: Record<string, number> = {};
  for (const [name, v] of Object.entries(exports)) {
    if (!(v instanceof WebAssembly.Global)) continue;
    const m = /^(NET|LAYER)_(.+)$/.exec(name);
    if (m) (m[1] === 'NET' ? net : layer)[m[2]] = Number(v.value) >>> 0;
  }
  return { net, layer } as CoreLayout;
}

const IMPORTS = { env: { abort: () => { throw new Error('infoplane wasm core aborted'); } } };

export class Engine {
  readonly exports: CoreExports;
  readonly layout: CoreLayout;
  /** Helper threads sharing this engine's memory (a threads-build engine), else undefined. */
  readonly team?: Team;
  private constructor(instance: WebAssembly.Instance, team?: Team) {
    this.exports = instance.exports as unknown as CoreExports;
    this.layout = readLayout(instance.exports);
    this.team = team;
  }

  static async create(module: WebAssembly.Module): Promise<Engine> {
    return new Engine(await WebAssembly.instantiate(module, IMPORTS));
  }

  /** Synchronous instantiation (Node, or a worker: browsers refuse it on the main thread for
   *  modules over 4 KB). */
  static createSync(module: WebAssembly.Module): Engine {
    return new Engine(new WebAssembly.Instance(module, IMPORTS));
  }

  /** An engine of `threads` threads over one shared memory, from the threads build of the core
   *  (build/infoplane-mt.wasm): a network on it trains with every thread, bit for bit as on one.
   *  `spawn` starts one helper (see team.ts). */
  static async createTeam(module: WebAssembly.Module, threads: number, spawn: () => TeamHelper): Promise<Engine> {
    const memory = teamMemory();
    const instance = await WebAssembly.instantiate(module, TEAM_IMPORTS(memory));
    (instance.exports as unknown as CoreExports).thread_init(0);
    return new Engine(instance, threads > 1 ? await Team.start(module, memory, threads, spawn) : undefined);
  }

  /** Threads that run one network on this engine. */
  get threads(): number { return this.team?.size ?? 1; }

  /** fn(...args, t, T) on every thread of this engine at once (the helpers started first, thread 0
   *  here; T = threads); on a one-thread engine just fn(...args, 0, 1), which is what each plain
   *  export (net_train_epoch, net_eval, kde_mi, mi_binned) calls. Returns thread 0's result. */
  together(fn: TeamFunction, args: number[]): number {
    this.team?.call(fn, args);
    return (this.exports[fn] as unknown as (...a: number[]) => number)(...args, 0, this.threads);
  }

  /** Stops the helper threads: the engine must not train afterwards. */
  close(): void { this.team?.close(); }

  /** Free everything: call before building the next network on this engine. */
  reset(): void { this.exports.arena_reset(); }
  alloc(bytes: number): number { return this.exports.alloc(bytes) >>> 0; }

  // pointers past 2 GiB come back from wasm as negative i32: >>> 0 makes them offsets again
  f32(ptr: number, n: number): Float32Array { return new Float32Array(this.exports.memory.buffer, ptr >>> 0, n); }
  f64(ptr: number, n: number): Float64Array { return new Float64Array(this.exports.memory.buffer, ptr >>> 0, n); }
  i32(ptr: number, n: number): Int32Array { return new Int32Array(this.exports.memory.buffer, ptr >>> 0, n); }
  /** One i32 (or u32 pointer) at ptr, e.g. a header field. */
  word(ptr: number): number { return new Int32Array(this.exports.memory.buffer, ptr >>> 0, 1)[0]; }
  ptrAt(ptr: number): number { return this.word(ptr) >>> 0; }
}

export const ACTIVATION_CODE: Record<string, number> = { linear: 0, tanh: 1, relu: 2, sigmoid: 3, softsign: 4, softplus: 5 };
export const OPTIMIZER_CODE: Record<string, number> = { sgd: 0, momentum: 1, adam: 2 };
export const BIN_MODE = { edges: 0, width: 1, levels: 3 } as const;
