// Getting a compiled core without Node: from bytes, from a URL (fetch), or from base64 text inlined
// into a page (file:// pages cannot fetch). Engine.create takes the resulting WebAssembly.Module.
import { Engine } from './engine.js';

/** Anything the core can be made from: a compiled module, its bytes, or where to fetch it. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

/** Decode base64 (standard alphabet, padding optional, whitespace ignored) without Buffer. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Compile the core from its bytes. */
export function compileWasm(bytes: ArrayBuffer | ArrayBufferView): Promise<WebAssembly.Module> {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return WebAssembly.compile(view as Uint8Array<ArrayBuffer>);
}

/** Compile the core from base64 text (e.g. an inlined `infoplane-wasm.js` on a file:// page). */
export function compileWasmBase64(b64: string): Promise<WebAssembly.Module> {
  return compileWasm(base64ToBytes(b64));
}

/** Fetch and compile the core; streams when the server sends application/wasm. */
export async function fetchWasmModule(url: string | URL): Promise<WebAssembly.Module> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch the wasm core from ${String(url)}: HTTP ${res.status}`);
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return compileWasm(await res.arrayBuffer());
}

/** A WebAssembly.Module from any WasmSource (strings and URLs are fetched). */
export async function toWasmModule(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) return fetchWasmModule(source);
  return compileWasm(source);
}

/** One engine (one wasm instance with its own memory) from any WasmSource. */
export async function createEngine(source: WasmSource): Promise<Engine> {
  return Engine.create(await toWasmModule(source));
}
