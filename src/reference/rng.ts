/**
 * Reference PRNG, exactly as docs/ABI.md specifies it (bit for bit for the integer parts).
 *
 * State: 4 x u32 (xoshiro128**), seeded by splitmix64 (done with BigInt, mod 2^64).
 *
 * API
 *   refRngSeedState(seed, stream) -> Uint32Array(4)   the state rng_seed(state, seed, stream) writes
 *   class RefRng
 *     new RefRng(seed, stream)        or RefRng.fromState(Uint32Array(4))
 *     state: Uint32Array(4)           current state (s0..s3)
 *     next() -> u32                   rng_next
 *     below(n) -> u32 in [0, n)       rng_below (Lemire; n >= 1)
 *     uniform() -> f64 in (0, 1)      rng_uniform: ((a * 2^26 + b) + 0.5) / 2^53, a = next >>> 5 first,
 *                                     then b = next >>> 6
 *     normal() -> f64                 rng_normal: Box-Muller without caching,
 *                                     sqrt(-2 ln u1) * cos(2 pi u2), u1 drawn before u2
 *     shuffle(arr)                    rng_shuffle: Fisher-Yates, i = n-1 down to 1, j = below(i+1)
 *     truncatedNormalRaw(n, std) -> Float64Array   z * std before f32 rounding (z redrawn while |z| > 2)
 *     truncatedNormal(n, std) -> Float32Array      init_truncated_normal: f32(z * std)
 */

const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const MUL1 = 0xbf58476d1ce4e5b9n;
const MUL2 = 0x94d049bb133111ebn;

export function refRngSeedState(seed: number, stream: number): Uint32Array {
  const s = new Uint32Array(4);
  let sm = ((BigInt(seed >>> 0) << 32n) | BigInt(stream >>> 0)) & MASK64;
  for (let i = 0; i < 4; i++) {
    sm = (sm + GOLDEN) & MASK64;
    let z = sm;
    z = ((z ^ (z >> 30n)) * MUL1) & MASK64;
    z = ((z ^ (z >> 27n)) * MUL2) & MASK64;
    z = z ^ (z >> 31n);
    s[i] = Number(z & 0xffffffffn);
  }
  return s;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class RefRng {
  state: Uint32Array;

  constructor(seed: number, stream: number) {
    this.state = refRngSeedState(seed, stream);
  }

  static fromState(state: ArrayLike<number>): RefRng {
    const r = new RefRng(0, 0);
    for (let i = 0; i < 4; i++) r.state[i] = state[i] >>> 0;
    return r;
  }

  /** xoshiro128**: one u32. */
  next(): number {
    const s = this.state;
    const s0 = s[0], s1 = s[1];
    let s2 = s[2], s3 = s[3];
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    const n1 = (s1 ^ s2) >>> 0;
    const n0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    s[0] = n0; s[1] = n1; s[2] = s2; s[3] = s3;
    return result;
  }

  /** Uniform integer in [0, n), Lemire's multiply-and-reject (n must be >= 1). */
  below(n: number): number {
    n = n >>> 0;
    if (n === 0) throw new Error('RefRng.below: n must be >= 1');
    const N = BigInt(n);
    let m = BigInt(this.next()) * N;
    let l = Number(m & 0xffffffffn);
    if (l < n) {
      const t = (4294967296 - n) % n;
      while (l < t) {
        m = BigInt(this.next()) * N;
        l = Number(m & 0xffffffffn);
      }
    }
    return Number(m >> 32n);
  }

  /** ((a * 2^26 + b) + 0.5) / 2^53 with a = next >>> 5 drawn first, b = next >>> 6. */
  uniform(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b + 0.5) / 9007199254740992;
  }

  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  shuffle(arr: { length: number; [i: number]: number }): void {
    for (let i = arr.length - 1; i >= 1; i--) {
      const j = this.below(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
  }

  truncatedNormalRaw(n: number, std: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = this.normal();
      while (Math.abs(z) > 2) z = this.normal();
      out[i] = z * std;
    }
    return out;
  }

  truncatedNormal(n: number, std: number): Float32Array {
    return Float32Array.from(this.truncatedNormalRaw(n, std));
  }
}
