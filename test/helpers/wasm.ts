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
import type { CoreExports } from '../../src/engine/engine.js';

export const WASM_PATH = fileURLToPath(new URL('../../build/infoplane.wasm', import.meta.url));

/** The core's exports, typed by the build's declarations (build/infoplane.d.ts). */
export type Kernels = CoreExports;

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

/** An instance of build/infoplane.wasm, or of another one-thread build at `path`. */
export async function loadWasm(path = WASM_PATH): Promise<Wasm> {
  const bytes = readFileSync(path);
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
