/**
 * Reference activations (plain float64, written for clarity, not speed).
 *
 * API
 *   ACT                                  activation codes of docs/ABI.md: linear 0, tanh 1, relu 2,
 *                                        sigmoid 3, softsign 4, softplus 5
 *   ACT_NAMES                            code -> name
 *   refAct(kind, z) -> number            f(z)
 *   refActDeriv(kind, a) -> number       f'(z) written through the output a = f(z), as the ABI
 *                                        states it (tanh 1 - a^2, relu a > 0, sigmoid a(1 - a),
 *                                        softsign (1 - |a|)^2, softplus 1 - exp(-a), linear 1)
 *   refActForward(z, kind) -> Float64Array             out[i] = f(z[i])
 *   refActBackward(da, a, kind) -> Float64Array        dz[i] = da[i] * f'(a[i])
 */

export const ACT = { linear: 0, tanh: 1, relu: 2, sigmoid: 3, softsign: 4, softplus: 5 } as const;
export type ActKind = (typeof ACT)[keyof typeof ACT];
export const ACT_NAMES: readonly string[] = ['linear', 'tanh', 'relu', 'sigmoid', 'softsign', 'softplus'];
export const ALL_ACTS: readonly number[] = [0, 1, 2, 3, 4, 5];

/** f(z) in float64. */
export function refAct(kind: number, z: number): number {
  switch (kind) {
    case ACT.linear:
      return z;
    case ACT.tanh:
      return Math.tanh(z);
    case ACT.relu:
      return z > 0 ? z : 0;
    case ACT.sigmoid:
      // 1 / (1 + e^-z), written so that neither branch overflows
      if (z >= 0) return 1 / (1 + Math.exp(-z));
      return Math.exp(z) / (1 + Math.exp(z));
    case ACT.softsign:
      if (z === Infinity) return 1;
      if (z === -Infinity) return -1;
      return z / (1 + Math.abs(z));
    case ACT.softplus:
      // ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|)
      if (z === Infinity) return Infinity;
      return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    default:
      throw new Error(`unknown activation code ${kind}`);
  }
}

/** f'(z) expressed through the output a = f(z), exactly as docs/ABI.md lists it. */
export function refActDeriv(kind: number, a: number): number {
  switch (kind) {
    case ACT.linear:
      return 1;
    case ACT.tanh:
      return 1 - a * a;
    case ACT.relu:
      return a > 0 ? 1 : 0;
    case ACT.sigmoid:
      return a * (1 - a);
    case ACT.softsign: {
      const d = 1 - Math.abs(a);
      return d * d;
    }
    case ACT.softplus:
      // 1 - e^-a (= sigmoid(z)); -expm1(-a) is the same value without cancellation near a = 0
      return -Math.expm1(-a);
    default:
      throw new Error(`unknown activation code ${kind}`);
  }
}

export function refActForward(z: ArrayLike<number>, kind: number): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = refAct(kind, z[i]);
  return out;
}

export function refActBackward(da: ArrayLike<number>, a: ArrayLike<number>, kind: number): Float64Array {
  if (da.length !== a.length) throw new Error('refActBackward: da and a differ in length');
  const dz = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) dz[i] = da[i] * refActDeriv(kind, a[i]);
  return dz;
}
