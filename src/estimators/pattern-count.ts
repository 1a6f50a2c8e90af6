// Binned-pattern entropies computed chunk by chunk, for activation matrices too large for wasm
// memory (`infoplane mi` on a file of a million rows). The cells follow the wasm kernel's rules
// exactly (docs/ABI.md mi_binned); each row's pattern of cells is reduced to a 128-bit key, and
// only the distinct keys with their per-class counts are kept, so memory grows with the number of
// distinct patterns, not with rows x units. Two different patterns would merge only if their
// 128-bit keys collided: probability below P^2 / 2^129 (1e-26 for a million patterns). Pure.
import type { Binning } from '../config/config.js';

export interface PatternEntropies {
  /** H(T) in bits. */
  hT: number;
  /** sum_y p(y) H(T | Y=y) in bits. */
  hTgivenY: number;
  patterns: number;
  n: number;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** f32(linspace(lo, hi, nbins)) as numpy computes it in f64, last edge exactly hi. */
export function linspaceEdgesF32(lo: number, hi: number, nbins: number): Float32Array {
  const e = new Float32Array(nbins), step = (hi - lo) / (nbins - 1);
  for (let k = 0; k < nbins; k++) e[k] = k === nbins - 1 ? hi : lo + k * step;
  return e;
}

/** digitize(v, edges) - 1, with v below the first edge, NaN and v >= the last edge in the top cell. */
export function edgeCell(v: number, edges: Float32Array): number {
  const top = edges.length - 1;
  if (!(v >= edges[0]) || v >= edges[top]) return top;
  let a = 0, b = top; // edges[a] <= v < edges[b]
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (edges[m] <= v) a = m; else b = m;
  }
  return a;
}

export class PatternCounter {
  private readonly ids = new Map<string, number>();
  private counts: Int32Array;
  private readonly classN: Float64Array;
  private n = 0;
  private readonly edges?: Float32Array;
  private readonly width: number;
  private readonly codes: Uint32Array; // per unit: lo, hi words of the cell code

  constructor(binning: Binning, readonly nUnits: number, readonly K: number) {
    if (binning.kind === 'edges') this.edges = linspaceEdgesF32(binning.lo, binning.hi, binning.bins);
    this.width = binning.kind === 'width' ? binning.width : 0;
    this.counts = new Int32Array(1024 * K);
    this.classN = new Float64Array(K);
    this.codes = new Uint32Array(2 * nUnits);
  }

  /** rows x nUnits values (row-major, float32 like the activations of the core) and their labels 0..K-1. */
  add(data: Float32Array, rows: number, labels: ArrayLike<number>): void {
    const { nUnits, K, codes, edges, width } = this;
    for (let r = 0; r < rows; r++) {
      const base = r * nUnits;
      for (let u = 0; u < nUnits; u++) {
        const v = data[base + u];
        if (edges) { codes[2 * u] = edgeCell(v, edges); codes[2 * u + 1] = 0; continue; }
        const q = Math.floor(v / width);
        if (Number.isNaN(q)) { codes[2 * u] = 1; codes[2 * u + 1] = 0xffffffff; } // NaN: a cell of its own
        else if (q === 0) { codes[2 * u] = 0; codes[2 * u + 1] = 0; } // -0 and +0: one cell
        else { f64[0] = q; codes[2 * u] = u32[0]; codes[2 * u + 1] = u32[1]; }
      }
      const key = patternKey(codes);
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(key, id);
        if ((id + 1) * K > this.counts.length) {
          const bigger = new Int32Array(this.counts.length * 2);
          bigger.set(this.counts);
          this.counts = bigger;
        }
      }
      const y = labels[r];
      this.counts[id * K + y]++;
      this.classN[y]++;
    }
    this.n += rows;
  }

  /** The kernel's sums: H = log2 N - (1/N) sum_t c_t log2 c_t;
   *  H(T|Y) = (1/N) [sum_y N_y log2 N_y - sum_{t,y} c_ty log2 c_ty]. */
  result(): PatternEntropies {
    const { K, n } = this, P = this.ids.size;
    const clog = (c: number) => (c > 1 ? c * Math.log2(c) : 0);
    let sT = 0, sTY = 0, sY = 0;
    for (let p = 0; p < P; p++) {
      let c = 0;
      for (let k = 0; k < K; k++) { const ck = this.counts[p * K + k]; c += ck; sTY += clog(ck); }
      sT += clog(c);
    }
    for (let k = 0; k < K; k++) sY += clog(this.classN[k]);
    return { hT: Math.log2(n) - sT / n, hTgivenY: (sY - sTY) / n, patterns: P, n };
  }
}

/** 128 bits from four differently seeded murmur3-style lanes over the code words, as 8 UTF-16 units. */
function patternKey(words: Uint32Array): string {
  let h0 = 0x9747b28c, h1 = 0x85ebca6b, h2 = 0xc2b2ae35, h3 = 0x27d4eb2f;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    h0 = Math.imul(rotl(h0 ^ Math.imul(w, 0xcc9e2d51), 13), 5) + 0xe6546b64;
    h1 = Math.imul(rotl(h1 ^ Math.imul(w, 0x1b873593), 15), 9) + 0x7fb5d329;
    h2 = Math.imul(rotl(h2 ^ Math.imul(w, 0x38b34ae5), 17), 3) + 0x52dce729;
    h3 = Math.imul(rotl(h3 ^ Math.imul(w, 0xa1e38b93), 11), 7) + 0x165667b1;
  }
  h0 = fmix(h0 ^ words.length); h1 = fmix(h1 ^ words.length); h2 = fmix(h2 ^ words.length); h3 = fmix(h3 ^ words.length);
  return String.fromCharCode(h0 & 0xffff, h0 >>> 16, h1 & 0xffff, h1 >>> 16, h2 & 0xffff, h2 >>> 16, h3 & 0xffff, h3 >>> 16);
}

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
function fmix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
