// The wasm core, instantiated once per thread. Kernels take pointers, so the host keeps typed-array
// views over memory.buffer; every view is made on demand because memory growth detaches old ones.

export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  arena_reset(): void;
  arena_top(): number;
  rng_seed(state: number, seed: number, stream: number): void;
  rng_next(state: number): number;
  rng_shuffle(state: number, ptr: number, n: number): void;
  mi_create(maxN: number, maxUnits: number, K: number): number;
  mi_binned(ctx: number, act: number, nUnits: number, N: number, B: number, y: number, mode: number, p1: number, p2: number, nbins: number, out: number): void;
  net_create(widths: number, acts: number, L: number, batch: number, nRows: number): number;
  net_init(net: number, seed: number, fanOut: number): void;
  net_field(net: number, f: number): number;
  net_layer_field(net: number, l: number, f: number): number;
  net_train_epoch(net: number, nTrain: number, opt: number, lr: number, mu: number, shuffle: number, gradStats: number): number;
  net_grad_stats(net: number, nb: number, out: number): void;
  net_eval(net: number, nTrain: number, out: number): void;
  net_mi_binned(net: number, ctx: number, mode: number, p1: number, p2: number, nbins: number, out: number): void;
  net_params_finite(net: number): number;
  net_quantize(net: number, bits: number): void;
  sort_scratch_bytes(n: number): number;
  sort_unique_f32(act: number, nUnits: number, N: number, B: number, out: number, scratch: number): number;
  quant_range(quant: number, layer: number, out: number): void;
  act_range(act: number, nUnits: number, N: number, B: number, out: number): void;
  ebab_create(maxValues: number): number;
  ebab_edges(ctx: number, act: number, nUnits: number, N: number, B: number, useLower: number, lower: number, nbins: number, edges: number): number;
  kde_create(maxN: number, maxUnits: number, K: number): number;
  kde_mi(ctx: number, act: number, nUnits: number, N: number, B: number, y: number, rows: number, nRows: number, s2: number, out: number): void;
  [name: string]: unknown;
}

export class Engine {
  readonly exports: CoreExports;
  private constructor(exports: CoreExports) { this.exports = exports; }

  static async create(module: WebAssembly.Module): Promise<Engine> {
    const instance = await WebAssembly.instantiate(module, {
      env: { abort: () => { throw new Error('infoplane wasm core aborted'); } },
    });
    return new Engine(instance.exports as unknown as CoreExports);
  }

  /** Free everything: call before building the next network on this engine. */
  reset(): void { this.exports.arena_reset(); }
  alloc(bytes: number): number { return this.exports.alloc(bytes); }

  f32(ptr: number, n: number): Float32Array { return new Float32Array(this.exports.memory.buffer, ptr, n); }
  f64(ptr: number, n: number): Float64Array { return new Float64Array(this.exports.memory.buffer, ptr, n); }
  i32(ptr: number, n: number): Int32Array { return new Int32Array(this.exports.memory.buffer, ptr, n); }
}

export const ACTIVATION_CODE: Record<string, number> = { linear: 0, tanh: 1, relu: 2, sigmoid: 3, softsign: 4, softplus: 5 };
export const OPTIMIZER_CODE: Record<string, number> = { sgd: 0, momentum: 1, adam: 2 };
export const BIN_MODE = { edges: 0, width: 1, explicit: 2, levels: 3 } as const;
