// Which build of the wasm core to load. One source (assembly/), four builds: one thread or a team
// (threads), each plain or relaxed. The plain builds round every multiply-add twice, so a seed
// gives the same bits on every runtime. The relaxed builds use f32x4.relaxed_madd (assembly/util.ts
// madd), which the runtime may fuse into one rounding (x86 FMA, ARM fmla) or not: faster where it
// fuses, but the low bits then depend on the host, so relaxed is opt-in. No Node imports.

/** The file name of a build, as `npm run build:wasm` writes it to build/ (and the web app serves it). */
export function coreFile(build: { threads?: boolean; relaxed?: boolean } = {}): string {
  return `infoplane${build.threads ? '-mt' : ''}${build.relaxed ? '-relaxed' : ''}.wasm`;
}

// (func (param v128) (result v128) local.get 0 local.get 0 local.get 0 f32x4.relaxed_madd)
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b, // type: (v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd = 0xfd 0x105
]);

/** Whether this runtime compiles relaxed SIMD (validates a tiny module that uses relaxed_madd). */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(PROBE);
  } catch {
    return false;
  }
}

/** What was asked for and what will run, with a one-line note when relaxed was asked for but is
 *  unavailable (the plain build runs instead). */
export interface CoreChoice { relaxed: boolean; note?: string }

export const RELAXED_UNAVAILABLE = 'relaxed SIMD is not available in this runtime: using the plain core ' +
  '(same bits on every host, no fused multiply-add)';

/** The build to run when relaxed SIMD is `requested`; `supported` is the detection (injectable so
 *  that tests can force it unavailable). */
export function chooseCore(requested: boolean, supported: () => boolean = relaxedSimdSupported): CoreChoice {
  if (!requested) return { relaxed: false };
  return supported() ? { relaxed: true } : { relaxed: false, note: RELAXED_UNAVAILABLE };
}
