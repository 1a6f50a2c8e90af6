// Node-only: which matrix holds layer l at logged epoch k, for a dump folder or an --activations
// spec (see activation-source.ts for the layouts), plus where the labels, inputs and metrics are.
// Everything is checked before any matrix is measured.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors.js';
import { fillPattern, parseDumpManifest, type DumpManifest } from './dump.js';
import { containerOf, splitContainerSpec, where, type MatrixLoc, type MatrixReader } from './activation-source.js';
import type { PlaneOrigin } from './dump.js';

export interface Catalog {
  layers: string[];
  epochs: number[];
  /** [layer][k]. */
  locs: MatrixLoc[][];
  origin: PlaneOrigin;
  labels?: MatrixLoc;
  inputs?: MatrixLoc;
  metrics?: string;
  /** From a dump.json: the layers' activation functions and the network's seed. */
  activationFns?: Record<string, string>;
  seed?: number;
}

/** Natural order: digit runs compare as numbers (L2 < L10). */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [], pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x), dy = /^\d/.test(y);
    if (dx && dy) { const d = Number(x) - Number(y); if (d !== 0) return d; return x.length - y.length; }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** A DIR/dump.json folder. */
export function catalogFromDump(dir: string): Catalog {
  const file = path.join(dir, 'dump.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'no dump.json here (not a dump folder, or an unfinished dump)' : `cannot read file (${code})`);
  }
  const m: DumpManifest = parseDumpManifest(text, file);
  const at = (p: string) => path.join(dir, p);
  return {
    layers: m.layers, epochs: m.epochs,
    locs: m.layers.map((layer) => m.epochs.map((epoch) => ({ file: at(fillPattern(m.activations, epoch, layer)) }))),
    origin: { kind: 'dump', path: dir, ...(m.source !== undefined ? { writer: m.source } : {}), labels: at(m.labels),
      ...(m.inputs ? { inputs: at(m.inputs) } : {}), ...(m.metrics ? { metrics: at(m.metrics) } : {}), ...(m.quantized ? { quantized: m.quantized } : {}) },
    labels: { file: at(m.labels) },
    ...(m.inputs ? { inputs: { file: at(m.inputs) } } : {}),
    ...(m.metrics ? { metrics: at(m.metrics) } : {}),
    ...(m.activationFunctions ? { activationFns: m.activationFunctions } : {}),
    ...(m.seed !== undefined ? { seed: m.seed } : {}),
  };
}

/** The regex of a pattern: {epoch} an integer, {layer} a name without '/'; a repeat must match the same text. */
function patternRegex(pattern: string): RegExp {
  const seen = new Set<string>();
  let re = '';
  for (const part of pattern.split(/(\{epoch\}|\{layer\})/)) {
    if (part === '{epoch}' || part === '{layer}') {
      const name = part.slice(1, -1);
      re += seen.has(name) ? `\\k<${name}>` : name === 'epoch' ? '(?<epoch>\\d+)' : '(?<layer>[^/]+?)';
      seen.add(name);
    } else {
      re += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Files under the pattern's fixed leading folder, as paths relative to it (posix separators). */
function listFiles(pattern: string): { base: string; rel: string[]; relPattern: string } {
  const parts = pattern.split('/');
  let i = 0;
  while (i < parts.length - 1 && !parts[i].includes('{')) i++;
  const base = parts.slice(0, i).join('/') || (pattern.startsWith('/') ? '/' : '.');
  const depth = parts.length - i;
  const rel: string[] = [];
  const walk = (dir: string, prefix: string, left: number) => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (prefix === '') throw new InputError(dir, '', `cannot list folder (${(e as NodeJS.ErrnoException).code})`);
      return;
    }
    for (const d of names) {
      const r = prefix ? `${prefix}/${d.name}` : d.name;
      if (left > 1 && d.isDirectory()) walk(path.join(dir, d.name), r, left - 1);
      else if (left === 1 && !d.isDirectory()) rel.push(r);
    }
  };
  walk(base, '', depth);
  return { base, rel, relPattern: parts.slice(i).join('/') };
}

interface Found { layers: Map<string, Map<number, { key: string; text: string }>> }

function match(pattern: string, candidates: string[], shownAs: string): Found {
  const re = patternRegex(pattern);
  const layers = new Map<string, Map<number, { key: string; text: string }>>();
  for (const c of candidates) {
    const m = re.exec(c);
    if (!m) continue;
    const layer = m.groups?.layer ?? '';
    const text = m.groups?.epoch;
    const epoch = text === undefined ? -1 : Number(text);
    let row = layers.get(layer);
    if (!row) layers.set(layer, (row = new Map()));
    const prev = row.get(epoch);
    if (prev) throw new InputError(shownAs, '', `"${prev.key}" and "${c}" are both layer ${layer} at epoch ${epoch}`);
    row.set(epoch, { key: c, text: text ?? '' });
  }
  if (layers.size === 0) throw new InputError(shownAs, '', `nothing matches the pattern (${candidates.length} candidates${candidates.length ? `, e.g. "${candidates[0]}"` : ''})`);
  return { layers };
}

/** Layer order: as --layers names them, else natural sort. */
function chooseLayers(found: string[], wanted: string[] | undefined, shownAs: string): string[] {
  if (!wanted) return found.slice().sort(naturalCompare);
  for (const w of wanted) if (!found.includes(w)) throw new InputError(shownAs, '', `--layers names "${w}", which the pattern does not match (found ${found.slice().sort(naturalCompare).join(', ')})`);
  return wanted;
}

/** --activations SPEC: a file pattern or container:key pattern, per-epoch or stacked. */
export function catalogFromSpec(spec: string, reader: MatrixReader, opts: { layers?: string[]; epochs?: string } = {}): Catalog {
  const { file, key } = splitContainerSpec(spec);
  if (!spec.includes('{layer}')) throw new InputError(spec, '', 'the pattern needs {layer} (and {epoch}, unless each layer is one [epochs][rows][units] array)');
  const stacked = !spec.includes('{epoch}');
  let candidates: string[], toLoc: (c: string) => MatrixLoc, pattern: string;
  if (key !== undefined) {
    if (file.includes('{')) throw new InputError(spec, '', 'placeholders go in the key after ":", not in the container\'s name');
    if (!fs.existsSync(file)) throw new InputError(file, '', 'cannot read file (ENOENT)');
    const kind = containerOf(file);
    pattern = kind === 'h5' && !key.startsWith('/') ? `/${key}` : key;
    candidates = reader.keys(file);
    toLoc = (c) => ({ file, key: c });
  } else {
    const listed = listFiles(spec);
    pattern = listed.relPattern;
    candidates = listed.rel;
    toLoc = (c) => ({ file: listed.base === '.' && !spec.startsWith('./') ? c : path.join(listed.base, c) });
  }
  const found = match(pattern, candidates, spec);
  const layers = chooseLayers([...found.layers.keys()], opts.layers, spec);
  let epochs: number[];
  let locs: MatrixLoc[][];
  if (stacked) {
    epochs = stackedEpochs(spec, file, key, reader, opts.epochs);
    locs = layers.map((l) => {
      const loc = toLoc(found.layers.get(l)!.get(-1)!.key);
      const s = reader.shape(loc);
      if (s.slabs !== epochs.length) throw new InputError(where(loc), '', `${s.slabs} slabs along the first axis for ${epochs.length} epochs (expected [epochs][rows][units])`);
      return epochs.map((_, k) => ({ ...loc, slab: k }));
    });
  } else {
    const all = new Set<number>();
    for (const l of layers) for (const e of found.layers.get(l)!.keys()) all.add(e);
    epochs = [...all].sort((a, b) => a - b);
    for (const l of layers) {
      const row = found.layers.get(l)!;
      const missing = epochs.filter((e) => !row.has(e));
      if (missing.length) throw new InputError(spec, '', `layer ${l} has no matrix for epoch${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} (other layers have them)`);
    }
    locs = layers.map((l) => epochs.map((e) => toLoc(found.layers.get(l)!.get(e)!.key)));
  }
  return { layers, epochs, locs, origin: { kind: 'pattern', path: spec } };
}

/** The epochs of the stacked form: --epochs as a list (0,10,20), a file, a key; default the key `epochs` / epochs.npy. */
function stackedEpochs(spec: string, file: string, key: string | undefined, reader: MatrixReader, given?: string): number[] {
  let values: number[];
  let shown: string;
  if (given !== undefined && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(given)) {
    values = given.split(',').map(Number);
    shown = '--epochs';
  } else {
    const loc = arraySource(given ?? (key !== undefined ? 'epochs' : path.join(path.dirname(spec.split('{')[0] + 'x'), 'epochs.npy')), key !== undefined ? file : undefined);
    shown = where(loc);
    const m = reader.readMatrix(loc);
    if (m.rows !== 1 && m.cols !== 1) throw new InputError(shown, '', `expected a 1-D array of epochs, found ${m.rows} x ${m.cols}`);
    values = Array.from(m.data);
  }
  values.forEach((e, k) => {
    if (!Number.isSafeInteger(e) || e < 0) throw new InputError(shown, `epoch ${k + 1}`, `${e} is not an integer >= 0`);
    if (k > 0 && e <= values[k - 1]) throw new InputError(shown, `epoch ${k + 1}`, `epochs must increase (${e} after ${values[k - 1]})`);
  });
  return values;
}

/** --labels / --inputs / --epochs: FILE, FILE.npz:KEY, FILE.h5:/path, or a bare KEY of the --activations container. */
export function arraySource(src: string, container?: string): MatrixLoc {
  const { file, key } = splitContainerSpec(src);
  if (key !== undefined) return { file, key: containerOf(file) === 'h5' && !key.startsWith('/') ? `/${key}` : key };
  if (container !== undefined && !fs.existsSync(src)) return { file: container, key: containerOf(container) === 'h5' && !src.startsWith('/') ? `/${src}` : src };
  return { file: src };
}
