/**
 * Loads build/infoplane.wasm with a plain WebAssembly.instantiate (no generated bindings, no
 * loader) and gives tests small helpers to move typed arrays in and out of the exported memory.
 * This doubles as the check that the ABI is usable without the TypeScript host.
 *
 * Views over memory.buffer are re-created on every access, since alloc / net_create / mi_create
 * may grow memory and detach old views.
 *
 * u32 results (rng_next, rng_below) come back from wasm as signed i32: use `>>> 0`.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WASM_PATH = fileURLToPath(new URL('../../build/infoplane.wasm', import.meta.url));

/** The exports docs/ABI.md promises, with their parameter counts. */
export const ABI_EXPORTS: Record<string, number> = {
  alloc: 1, arena_reset: 0, arena_top: 0,
  rng_seed: 3, rng_next: 1, rng_below: 2, rng_uniform: 1, rng_normal: 1, rng_shuffle: 3,
  init_truncated_normal: 4,
  act_forward: 4, act_backward: 5, dense_forward: 8, dense_backward: 10,
  softmax_ce_forward: 6, softmax_ce_backward: 6,
  sgd_step: 4, momentum_step: 6, adam_step: 10,
  mi_create: 3, mi_binned: 11,
};

export interface Kernels {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  arena_reset(): void;
  arena_top(): number;
  rng_seed(state: number, seed: number, stream: number): void;
  rng_next(state: number): number;
  rng_below(state: number, n: number): number;
  rng_uniform(state: number): number;
  rng_normal(state: number): number;
  rng_shuffle(state: number, ptr: number, n: number): void;
  init_truncated_normal(state: number, ptr: number, n: number, std: number): void;
  act_forward(out: number, z: number, n: number, kind: number): void;
  act_backward(dz: number, da: number, a: number, n: number, kind: number): void;
  dense_forward(out: number, inp: number, W: number, b: number, nIn: number, nOut: number, B: number, act: number): void;
  dense_backward(dInp: number, dW: number, db: number, dOut: number, inp: number, W: number,
    nIn: number, nOut: number, B: number, actIn: number): void;
  softmax_ce_forward(p: number, z: number, y: number, K: number, B: number, n: number): number;
  softmax_ce_backward(dz: number, p: number, y: number, K: number, B: number, n: number): void;
  sgd_step(p: number, g: number, n: number, lr: number): void;
  momentum_step(p: number, g: number, v: number, n: number, lr: number, mu: number): void;
  adam_step(p: number, g: number, m: number, v: number, n: number,
    lr: number, b1: number, b2: number, eps: number, t: number): void;
  mi_create(maxN: number, maxUnits: number, K: number): number;
  mi_binned(ctx: number, act: number, nUnits: number, N: number, B: number, y: number,
    mode: number, p1: number, p2: number, nbins: number, out: number): void;
}

export interface Wasm {
  ex: Kernels;
  instance: WebAssembly.Instance;
  /** alloc(bytes), zero-filled, 16-byte aligned. */
  alloc(bytes: number): number;
  allocF32(n: number): number;
  allocF64(n: number): number;
  allocI32(n: number): number;
  /** alloc + copy in; returns the pointer. */
  putF32(data: ArrayLike<number>): number;
  putF64(data: ArrayLike<number>): number;
  putI32(data: ArrayLike<number>): number;
  /** overwrite memory at ptr with data */
  writeF32(ptr: number, data: ArrayLike<number>): void;
  writeI32(ptr: number, data: ArrayLike<number>): void;
  writeU32(ptr: number, data: ArrayLike<number>): void;
  /** copies out (safe to keep across later allocations) */
  getF32(ptr: number, n: number): Float32Array;
  getF64(ptr: number, n: number): Float64Array;
  getI32(ptr: number, n: number): Int32Array;
  getU32(ptr: number, n: number): Uint32Array;
  /** a copy of all of memory's bytes */
  snapshot(): Uint8Array;
  reset(): void;
}

export function wasmExists(): boolean {
  return existsSync(WASM_PATH);
}

export async function loadWasm(): Promise<Wasm> {
  const bytes = readFileSync(WASM_PATH);
  const imports = {
    env: {
      abort(): never {
        throw new Error('abort');
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  const ex = instance.exports as unknown as Kernels;
  const mem = () => ex.memory.buffer;

  const checkPtr = (ptr: number, bytes: number) => {
    if (ptr <= 0 || ptr % 4 !== 0 || ptr + bytes > mem().byteLength) {
      throw new Error(`bad pointer ${ptr} for ${bytes} bytes (memory ${mem().byteLength})`);
    }
  };
  const alloc = (bytes: number) => {
    const p = ex.alloc(Math.max(bytes, 0)) >>> 0;
    checkPtr(p, bytes);
    if (p % 16 !== 0) throw new Error(`alloc returned ${p}, not 16-byte aligned`);
    return p;
  };

  const w: Wasm = {
    ex,
    instance,
    alloc,
    allocF32: (n) => alloc(4 * n),
    allocF64: (n) => alloc(8 * n),
    allocI32: (n) => alloc(4 * n),
    putF32(data) {
      const p = alloc(4 * data.length);
      new Float32Array(mem(), p, data.length).set(data);
      return p;
    },
    putF64(data) {
      const p = alloc(8 * data.length);
      new Float64Array(mem(), p, data.length).set(data);
      return p;
    },
    putI32(data) {
      const p = alloc(4 * data.length);
      new Int32Array(mem(), p, data.length).set(data);
      return p;
    },
    writeF32(ptr, data) {
      new Float32Array(mem(), ptr, data.length).set(data);
    },
    writeI32(ptr, data) {
      new Int32Array(mem(), ptr, data.length).set(data);
    },
    writeU32(ptr, data) {
      new Uint32Array(mem(), ptr, data.length).set(data);
    },
    getF32: (ptr, n) => new Float32Array(mem(), ptr, n).slice(),
    getF64: (ptr, n) => new Float64Array(mem(), ptr, n).slice(),
    getI32: (ptr, n) => new Int32Array(mem(), ptr, n).slice(),
    getU32: (ptr, n) => new Uint32Array(mem(), ptr, n).slice(),
    snapshot: () => new Uint8Array(mem()).slice(),
    reset: () => ex.arena_reset(),
  };
  return w;
}
