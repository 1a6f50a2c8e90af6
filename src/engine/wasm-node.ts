// Node-only: compile build/infoplane.wasm once per process (the Module can be sent to workers).
import { readFileSync } from 'node:fs';

let cached: WebAssembly.Module | undefined;

export function wasmPath(): URL {
  return new URL('../../build/infoplane.wasm', import.meta.url);
}

export function loadWasmModule(): WebAssembly.Module {
  if (!cached) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(wasmPath());
    } catch {
      throw new Error(`wasm core not found at ${wasmPath().pathname}: run \`npm run build\` first`);
    }
    cached = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  }
  return cached;
}
