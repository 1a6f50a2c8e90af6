// A sweep's grid: run options with several values each, expanded into cells (the cartesian
// product, in the order the options were given). Every cell is validated before any work starts.
import { parse as parseYaml } from 'yaml';
import type { ExperimentConfig } from '../config/config.js';
import { configFromFlags, UsageError, type RunFlags } from '../config/flags.js';
import type { GridAxis } from '../record/sweep.js';

/** Run options whose one value is itself a comma list, or a file path that may hold commas: their
 *  grid values are separated by ':'. `name` is never split. */
const LIST_VALUED = new Set(['layers', 'estimators', 'binRange', 'dataset']);
const SINGLE_VALUED = new Set(['name']);

export interface SweepSpec { name: string; base: RunFlags; axes: GridAxis[] }
export interface Cell { index: number; id: string; label: string; values: Record<string, string>; config: ExperimentConfig }

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
export const flagName = (k: string) => `--${kebab(k)}`;

/** Split one flag's text into grid values. */
export function splitValues(key: string, text: string): string[] {
  if (SINGLE_VALUED.has(key)) return [text];
  const parts = text.split(LIST_VALUED.has(key) ? ':' : ',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${flagName(key)}: "${text}" has an empty grid value`);
  return parts;
}

/** A spec from the CLI flags: every flag with several values is an axis, the rest is the base. */
export function specFromFlags(name: string, flags: RunFlags): SweepSpec {
  const base: RunFlags = {}, axes: GridAxis[] = [];
  for (const [k, v] of Object.entries(flags) as [keyof RunFlags, unknown][]) {
    if (v === undefined) continue;
    if (typeof v !== 'string') { (base as Record<string, unknown>)[k] = v; continue; }
    const values = splitValues(k, v);
    if (values.length > 1) axes.push({ key: k, values });
    else (base as Record<string, unknown>)[k] = values[0];
  }
  return { name, base, axes };
}

/** A spec from a JSON or YAML file: {name?, base: {flag: value}, grid: {flag: [values]}}. */
export function specFromText(text: string, file: string, known: readonly string[]): SweepSpec {
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file}: expected an object with "grid" (and optional "base", "name")`);
  const d = doc as Record<string, unknown>;
  const norm = (where: string, k: string) => {
    const c = camel(k);
    if (!known.includes(c)) throw new UsageError(`${file}: ${where}.${k} is not a run option`);
    return c as keyof RunFlags;
  };
  const str = (where: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v.join(','); // layers as [10, 7]
    throw new UsageError(`${file}: ${where} = ${JSON.stringify(v)} is not a number or a string`);
  };
  const base: RunFlags = {};
  for (const [k, v] of Object.entries((d.base ?? {}) as Record<string, unknown>)) {
    const key = norm('base', k);
    (base as Record<string, unknown>)[key] = str(`base.${k}`, v);
  }
  const axes: GridAxis[] = [];
  const grid = d.grid;
  if (!grid || typeof grid !== 'object' || Array.isArray(grid)) throw new UsageError(`${file}: "grid" must map run options to lists of values`);
  for (const [k, v] of Object.entries(grid as Record<string, unknown>)) {
    const key = norm('grid', k);
    if (!Array.isArray(v) || v.length === 0) throw new UsageError(`${file}: grid.${k} must be a non-empty list`);
    axes.push({ key, values: v.map((x, i) => str(`grid.${k}[${i}]`, x)) });
  }
  return { name: typeof d.name === 'string' ? d.name : file.replace(/^.*\//, '').replace(/\.\w+$/, ''), base, axes };
}

/** All cells, validated: an invalid value fails here, naming the flag and the value. */
export function expandGrid(spec: SweepSpec): Cell[] {
  const cells: Cell[] = [];
  const total = spec.axes.reduce((n, a) => n * a.values.length, 1);
  for (let index = 0; index < total; index++) {
    const values: Record<string, string> = {};
    let rest = index;
    // the last axis varies fastest
    for (let a = spec.axes.length - 1; a >= 0; a--) {
      const ax = spec.axes[a];
      values[ax.key] = ax.values[rest % ax.values.length];
      rest = Math.floor(rest / ax.values.length);
    }
    const ordered: Record<string, string> = {};
    for (const ax of spec.axes) ordered[ax.key] = values[ax.key];
    const label = spec.axes.map((ax) => `${kebab(ax.key)}=${ordered[ax.key]}`).join(' ') || 'base';
    // the name the user gave is checked as --name; the cell's label is added after the check, so a
    // long generated name (long dataset paths, many axes) is not mistaken for a bad --name
    const config = configFromFlags({ ...spec.base, ...ordered, name: spec.name });
    config.name = `${spec.name} ${label}`;
    cells.push({ index, id: `c${String(index).padStart(3, '0')}`, label, values: ordered, config });
  }
  return cells;
}

/** Networks of a sweep in a fixed order (cell-major, then repeat); a shard i/n takes every n-th. */
export function sweepJobs(cells: Cell[], shard?: { i: number; n: number }): { cell: Cell; repeat: number }[] {
  const all = cells.flatMap((cell) => Array.from({ length: cell.config.repeats }, (_, repeat) => ({ cell, repeat })));
  return shard ? all.filter((_, j) => j % shard.n === shard.i) : all;
}

export function parseShard(text: string): { i: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const i = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i >= n) throw new UsageError(`--shard: "${text}" is not i/n with 0 <= i < n (e.g. 0/4 for the first of 4)`);
  return { i, n };
}
