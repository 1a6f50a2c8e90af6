// What a reproduction runs (its plan: scale, part, settings) as a list of sweeps, and the same run
// split over processes or machines (`reproduce --shard i/n`). All the studies' networks stand in one
// fixed order (study by study, then cell-major, then repeat) and shard i takes every n-th, so even a
// study of a few networks spreads over the shards. A shard writes only into its own folder: one
// sweep folder per study holding the networks it trained, and SHARD_FILE saying which shard of
// which plan it is and whether it finished. Before merging, checkShards makes sure the folders are
// the n shards of one plan, each once and each finished, and says which one is missing if not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/flags.js';
import { expandGrid, type SweepSpec } from '../sweep/grid.js';
import { writeFileAtomic } from '../node/atomic.js';
import { studies, type StudyScale } from './studies.js';
import { quantizedStudies, type QuantizedScale } from './quantized.js';

export type Part = 'shwartz-ziv' | 'lorenzen';
export const PARTS: readonly Part[] = ['shwartz-ziv', 'lorenzen'];

/** Everything the networks and the verdicts depend on; the shards of one reproduction share it. */
export interface ReproductionPlan { scale: 'full' | 'quick'; only: Part | null; settings: StudyScale; quantized: QuantizedScale }

export interface PlannedStudy { part: Part; name: string; title: string; spec: SweepSpec }

/** The sweeps of a plan in their fixed order: Shwartz-Ziv & Tishby's studies, then Lorenzen et al.'s. */
export function plannedStudies(plan: ReproductionPlan): PlannedStudy[] {
  const sz = plan.only === 'lorenzen' ? [] : studies(plan.settings).map((s) => ({ part: 'shwartz-ziv' as const, ...s }));
  const lz = plan.only === 'shwartz-ziv' ? [] : quantizedStudies(plan.quantized).map((s) => ({ part: 'lorenzen' as const, ...s }));
  return [...sz, ...lz];
}

export type Shard = { i: number; n: number };

/** The slice of each study that shard i/n of the whole reproduction runs, as a sweep's own shard:
 *  global network offset + j is taken when (offset + j) % n === i. */
export function studySlices(specs: SweepSpec[], shard: Shard): Shard[] {
  let offset = 0;
  return specs.map((spec) => {
    const slice = { i: (((shard.i - offset) % shard.n) + shard.n) % shard.n, n: shard.n };
    offset += expandGrid(spec).reduce((s, c) => s + c.config.repeats, 0);
    return slice;
  });
}

export const SHARD_FILE = 'reproduce-shard.json';
const SHARD_FORMAT = 'infoplane-reproduce-shard/1';

/** DIR/SHARD_FILE. `seconds`: the last run of this shard, from start to its last network. */
export interface ShardFile { format: typeof SHARD_FORMAT; shard: Shard; plan: ReproductionPlan; threads: number; seconds: number; done: boolean }

const shardText = (s: Shard) => `${s.i}/${s.n}`;

/** The shard file of `dir`, checked; null when there is none. */
export function readShardFile(dir: string): ShardFile | null {
  const file = join(dir, SHARD_FILE);
  let f: ShardFile;
  try {
    f = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${file}: ${e instanceof SyntaxError ? 'not valid JSON' : `cannot read (${(e as NodeJS.ErrnoException).code})`}`);
  }
  const s = f?.shard;
  if (f?.format !== SHARD_FORMAT) throw new UsageError(`${file}: not a reproduce shard file (format "${String(f?.format)}")`);
  if (!Number.isInteger(s?.n) || !Number.isInteger(s?.i) || s.n < 1 || s.i < 0 || s.i >= s.n) throw new UsageError(`${file}: shard is not i/n with 0 <= i < n`);
  if (typeof f.plan !== 'object' || f.plan === null || typeof f.done !== 'boolean' || !Number.isFinite(f.seconds) || !Number.isInteger(f.threads)) {
    throw new UsageError(`${file}: damaged (plan, done, seconds or threads missing); delete it and run the shard again (its saved networks are kept)`);
  }
  return f;
}

/** Marks `dir` as shard `shard` of `plan`, not finished. A folder already holding another shard or
 *  another plan is refused: a rerun must resume the same work. */
export function startShard(dir: string, shard: Shard, plan: ReproductionPlan, threads: number): ShardFile {
  const old = readShardFile(dir);
  if (old && (shardText(old.shard) !== shardText(shard) || JSON.stringify(old.plan) !== JSON.stringify(plan))) {
    const what = shardText(old.shard) !== shardText(shard) ? `shard ${shardText(old.shard)}, not ${shardText(shard)}` : 'a shard of a reproduction with other settings';
    throw new UsageError(`${dir}: holds ${what}; give each shard its own --out, and the same options to all`);
  }
  const f: ShardFile = { format: SHARD_FORMAT, shard, plan, threads, seconds: 0, done: false };
  writeShardFile(dir, f);
  return f;
}

export function writeShardFile(dir: string, f: ShardFile): void {
  writeFileAtomic(join(dir, SHARD_FILE), JSON.stringify(f, null, 1));
}

/** The folders must be all n shards of one plan, each once, each finished: otherwise one line says
 *  which shard is missing, doubled, unfinished or from another reproduction. */
export function checkShards(dirs: string[]): { plan: ReproductionPlan; shards: ShardFile[] } {
  const shards = dirs.map((d) => {
    const f = readShardFile(d);
    if (!f) throw new UsageError(`${d}: not a reproduce shard (no ${SHARD_FILE}); give the folders of reproduce --shard i/n --out DIR`);
    return f;
  });
  const first = shards[0], n = first.shard.n, plan = JSON.stringify(first.plan);
  const seen = new Map<number, string>();
  shards.forEach((f, k) => {
    if (f.shard.n !== n) throw new UsageError(`${dirs[k]}: shard ${shardText(f.shard)}, but ${dirs[0]} is shard ${shardText(first.shard)}: all must split into the same n`);
    if (JSON.stringify(f.plan) !== plan) throw new UsageError(`${dirs[k]}: a shard of a reproduction with other settings than ${dirs[0]}`);
    const twice = seen.get(f.shard.i);
    if (twice !== undefined) throw new UsageError(`${dirs[k]}: shard ${shardText(f.shard)} again (also ${twice}); give each shard once`);
    seen.set(f.shard.i, dirs[k]);
  });
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) {
    const list = missing.slice(0, 8).map((i) => `${i}/${n}`).join(', ') + (missing.length > 8 ? ', ...' : '');
    throw new UsageError(`${missing.length} of ${n} shard(s) missing: ${list}; give their folders too, or run them (reproduce --shard i/n)`);
  }
  const open = shards.findIndex((f) => !f.done);
  if (open >= 0) {
    throw new UsageError(`${dirs[open]}: shard ${shardText(shards[open].shard)} did not finish; rerun it with the same options and --shard ${shardText(shards[open].shard)} --out ${dirs[open]} (it resumes)`);
  }
  return { plan: first.plan, shards };
}
