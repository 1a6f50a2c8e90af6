// The activation dump layout: written by `run --dump-activations` and by the Python loggers in
// python/, read by `infoplane plane --dump DIR`. Pure: no Node imports.
//
//   DIR/dump.json   {"format": "infoplane-dump/1", "layers": [...], "epochs": [...],
//                    "activations": "activations/e{epoch}_{layer}.npy", "labels": "labels.npy",
//                    "inputs": "inputs.npy" (optional), "metrics": "metrics.csv" (optional),
//                    "source": "who wrote it", "quantized": {"bits", "layers": {name: [lo, hi]}} (optional),
//                    "activationFunctions": {name: "tanh" | ...} (optional), "seed": N (optional)}
//   DIR/activations/e{epoch}_{layer}.npy  float32 (float64 accepted) [rows][units], C order
//   DIR/labels.npy  integer class per row;  DIR/inputs.npy  float32 [rows][inputs]
//   DIR/metrics.csv  header `epoch,train_loss,train_acc,test_loss,test_acc` (any subset after epoch)
import { InputError } from './errors.js';

export const DUMP_FORMAT = 'infoplane-dump/1';
export const DUMP_ACTIVATIONS = 'activations/e{epoch}_{layer}.npy';
/** metrics.csv columns and the result series they fill. */
export const METRIC_COLUMNS = { train_loss: 'trainLoss', train_acc: 'trainAcc', test_loss: 'testLoss', test_acc: 'testAcc' } as const;

export interface DumpManifest {
  format: typeof DUMP_FORMAT;
  layers: string[];
  epochs: number[];
  activations: string;
  labels: string;
  inputs?: string;
  metrics?: string;
  source?: string;
  quantized?: { bits: number; layers: Record<string, [number, number]> };
  /** Per layer, the function that produced it (EBAB's lower edge depends on it). */
  activationFunctions?: Record<string, string>;
  /** The network's seed: the KDE row subsample of `run` is drawn with it. */
  seed?: number;
}

/** A path pattern's placeholders replaced. */
export function fillPattern(pattern: string, epoch: number, layer: string): string {
  return pattern.replaceAll('{epoch}', String(epoch)).replaceAll('{layer}', layer);
}

/** Checks dump.json's content; `file` names it in errors. */
export function parseDumpManifest(text: string, file: string): DumpManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, '', `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(file, 'top level', 'expected an object');
  const m = v as Record<string, unknown>;
  const bad = (key: string, want: string): never => { throw new InputError(file, key, `expected ${want}, found ${JSON.stringify(m[key])?.slice(0, 60)}`); };
  if (m.format !== DUMP_FORMAT) bad('format', `"${DUMP_FORMAT}"`);
  const layers = m.layers;
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((x) => typeof x !== 'string' || x === '')) bad('layers', 'a non-empty array of layer names');
  if (new Set(layers as string[]).size !== (layers as string[]).length) bad('layers', 'distinct layer names');
  const epochs = m.epochs;
  if (!Array.isArray(epochs) || epochs.length === 0 || epochs.some((x) => !Number.isSafeInteger(x) || (x as number) < 0)) bad('epochs', 'a non-empty array of epochs (integers >= 0)');
  for (let k = 1; k < (epochs as number[]).length; k++) {
    if ((epochs as number[])[k] <= (epochs as number[])[k - 1]) throw new InputError(file, `epochs[${k}]`, `epochs must increase (${(epochs as number[])[k]} after ${(epochs as number[])[k - 1]})`);
  }
  const str = (key: string, optional: boolean) => {
    if (m[key] === undefined && optional) return undefined;
    if (typeof m[key] !== 'string' || m[key] === '') bad(key, 'a relative path');
    return m[key] as string;
  };
  const activations = str('activations', true) ?? DUMP_ACTIVATIONS;
  if (!activations.includes('{epoch}') || !activations.includes('{layer}')) bad('activations', 'a path with {epoch} and {layer}');
  const out: DumpManifest = { format: DUMP_FORMAT, layers: layers as string[], epochs: epochs as number[], activations, labels: str('labels', true) ?? 'labels.npy' };
  for (const key of ['inputs', 'metrics'] as const) { const s = str(key, true); if (s !== undefined) out[key] = s; }
  if (m.source !== undefined) out.source = String(m.source);
  if (m.quantized !== undefined) {
    const q = m.quantized as { bits?: unknown; layers?: unknown };
    if (q === null || typeof q !== 'object' || !Number.isInteger(q.bits) || (q.bits as number) < 1 || q.layers === null || typeof q.layers !== 'object') {
      bad('quantized', '{"bits": B, "layers": {name: [lo, hi]}}');
    }
    out.quantized = q as DumpManifest['quantized'];
  }
  if (m.activationFunctions !== undefined) {
    const a = m.activationFunctions as Record<string, unknown>;
    if (a === null || typeof a !== 'object' || Object.values(a).some((x) => typeof x !== 'string')) bad('activationFunctions', '{layer: name}');
    out.activationFunctions = a as Record<string, string>;
  }
  if (m.seed !== undefined) {
    if (!Number.isInteger(m.seed) || (m.seed as number) < 0 || (m.seed as number) >= 2 ** 32) bad('seed', 'an integer in 0..2^32-1');
    out.seed = m.seed as number;
  }
  return out;
}

/** Where a plane's activations came from (`infoplane plane`, infoplaneOfActivations). */
export interface PlaneOrigin {
  /** How they were read: `dump` (a dump.json folder), `pattern` (an --activations spec), `arrays` (the library). */
  kind: 'dump' | 'pattern' | 'arrays';
  /** The dump folder or the spec. */
  path?: string;
  /** The dump's own `source` text (who wrote it). */
  writer?: string;
  labels?: string;
  inputs?: string;
  metrics?: string;
  /** A quantized dump's bits and per-layer ranges (dump.json `quantized`). */
  quantized?: { bits: number; layers: Record<string, [number, number]> };
}
