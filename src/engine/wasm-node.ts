// Node-only: compile the core's builds from build/ once per process (a Module can be sent to
// workers), and the process-wide choice between the plain and the relaxed builds (engine/cores.ts).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { chooseCore, coreFile, relaxedSimdSupported, type CoreChoice } from './cores.js';

const cached = new Map<string, WebAssembly.Module>();
let relaxed = false;

export function wasmPath(file = coreFile()): URL {
  return new URL(`../../build/${file}`, import.meta.url);
}

/** A build of the core by file name (engine/cores.ts coreFile), compiled once per process. */
export function loadCore(file: string): WebAssembly.Module {
  let m = cached.get(file);
  if (!m) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(wasmPath(file));
    } catch {
      throw new Error(`wasm core not found at ${wasmPath(file).pathname}: run \`npm run build\` first`);
    }
    m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    cached.set(file, m);
  }
  return m;
}

/** The one-thread core: the relaxed build after useRelaxedSimd(true) succeeded, else the plain one. */
export function loadWasmModule(): WebAssembly.Module {
  return loadCore(coreFile({ relaxed }));
}

/** Relaxed SIMD in this Node: Node 22+ has it; Node 20 (V8 11.3) only behind
 *  --experimental-wasm-relaxed-simd, which V8 still honours when set before the first relaxed
 *  module is compiled. The flag is process-wide, so worker threads get it too. */
export function nodeRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return relaxedSimdSupported();
}

/** Chooses the builds loadWasmModule (and node/team.ts loadThreadsModule) return from now on in this thread
 *  (workers are told in their setup message). `supported` is injectable for tests. */
export function useRelaxedSimd(requested: boolean, supported: () => boolean = nodeRelaxedSimd): CoreChoice {
  const choice = chooseCore(requested, supported);
  relaxed = choice.relaxed;
  return choice;
}

/** Whether this thread loads the relaxed builds. */
export function relaxedInUse(): boolean {
  return relaxed;
}
