// infoplane reproduce: the paper's studies and their controls with the documented settings, then
// a claim-by-claim judgement over networks (reproduce/claims.ts) as JSON and HTML. With --shard i/n
// it only trains its slice of every study into its own folder (reproduce/plan.ts); --merge combines
// the shard folders and judges, giving the same reproduce.json as one unsharded run.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { num, posInt, threadCount, UsageError } from '../../config/flags.js';
import { QUANT_FULL, QUANT_QUICK, quantizedRows } from '../../reproduce/quantized.js';
import { FULL, QUICK, type StudyName } from '../../reproduce/studies.js';
import { effectText, evaluateClaims } from '../../reproduce/claims.js';
import { renderReproduction, type ReproductionSummary } from '../../reproduce/report.js';
import { checkShards, PARTS, plannedStudies, startShard, studySlices, writeShardFile, type Part, type PlannedStudy, type ReproductionPlan } from '../../reproduce/plan.js';
import { parseShard } from '../../sweep/grid.js';
import { mergeSweeps } from '../../sweep/merge.js';
import { sweepWithProgress } from './sweep.js';
import { addRelaxedSimdOption, applyRelaxedSimd } from '../terminal.js';
import { lockFolder, prepareOutDir, writeFileAtomic } from '../../node/atomic.js';
import type { CellResult } from '../../record/sweep.js';
import { Interrupted } from '../../node/pool.js';

interface ReproduceFlags {
  quick?: boolean; repeats?: string; epochs?: string; miPoints?: string; seed?: string; threads?: string; out: string; only?: string;
  shard?: string; merge?: string[]; relaxedSimd?: boolean;
}
/** The options that set the plan: with --merge it comes from the shards instead. */
const PLAN_FLAGS = ['quick', 'repeats', 'epochs', 'miPoints', 'seed', 'only', 'threads', 'shard', 'relaxedSimd'] as const;
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function planFromFlags(flags: ReproduceFlags): ReproductionPlan {
  if (flags.only !== undefined && !(PARTS as readonly string[]).includes(flags.only)) throw new UsageError(`--only: "${flags.only}" is not ${PARTS.join(' or ')}`);
  const settings = { ...(flags.quick ? QUICK : FULL) };
  if (flags.repeats !== undefined) settings.repeats = posInt('repeats', flags.repeats);
  if (flags.epochs !== undefined) settings.epochs = posInt('epochs', flags.epochs);
  if (flags.miPoints !== undefined) settings.miPoints = posInt('mi-points', flags.miPoints);
  settings.seed = num('seed', flags.seed ?? '0', (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 31, 'a whole number in 0..2^31-1');
  // Lorenzen et al. 2022: quantized nets and their exact planes, beside float nets binned
  const quantized = { ...(flags.quick ? QUANT_QUICK : QUANT_FULL) };
  if (flags.repeats !== undefined) quantized.repeats = settings.repeats;
  if (flags.epochs !== undefined) quantized.epochs = settings.epochs;
  if (flags.miPoints !== undefined) quantized.miPoints = settings.miPoints;
  const full = !flags.quick && settings.repeats >= FULL.repeats && settings.epochs >= FULL.epochs;
  return { scale: full ? 'full' : 'quick', only: (flags.only as Part | undefined) ?? null, settings, quantized };
}

/** Judges the claims over the studies' networks; writes OUT/reproduce.json and .html. */
function judge(out: string, plan: ReproductionPlan, list: PlannedStudy[], cells: Map<string, CellResult[]>, threads: number, seconds: number, relaxed = false): void {
  const summary: ReproductionSummary = {
    format: 'infoplane-reproduction/2', scale: plan.scale, settings: { ...plan.settings, threads, ...(relaxed ? { relaxedSimd: true as const } : {}) }, seconds,
    studies: list.map((s) => ({ name: s.name, title: s.title, report: `${s.name}/report.html`, networks: cells.get(s.name)!.reduce((n, c) => n + c.result.runs.length, 0) })),
    claims: [], exploratory: [], sensitivity: [], dpi: [],
  };
  const results = new Map(list.filter((s) => s.part === 'shwartz-ziv').map((s) => [s.name as StudyName, cells.get(s.name)!]));
  Object.assign(summary, evaluateClaims(results, plan.settings.seed));
  const quantized = cells.get('quantized'), float = cells.get('float');
  if (quantized && float) summary.claims.push(...quantizedRows(quantized, float, plan.settings.seed));
  writeFileAtomic(join(out, 'reproduce.json'), JSON.stringify(summary, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
  const report = join(out, 'reproduce.html');
  writeFileAtomic(report, renderReproduction(summary, results));
  for (const c of summary.claims) process.stdout.write(`${c.id.padEnd(7)} ${c.verdict.padEnd(15)} ${effectText(c.effect)}  ${c.title}\n`);
  process.stdout.write(`reproduction (${summary.scale}) in ${summary.seconds.toFixed(0)} s; report: ${report}\n`);
}

/** reproduce [--shard i/n]: every study a resumable sweep (rerunning the command continues where it
 *  stopped); a shard trains its slice only, into its own folder, and does not judge. */
async function reproduceCommand(flags: ReproduceFlags): Promise<void> {
  const plan = planFromFlags(flags);
  const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
  const relaxed = applyRelaxedSimd(flags.relaxedSimd);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const list = plannedStudies(plan);
  const slices = shard ? studySlices(list.map((s) => s.spec), shard) : undefined;
  const t0 = performance.now();
  let release = () => {};
  if (shard) {
    prepareOutDir(flags.out);
    release = lockFolder(flags.out);
  }
  let stopped = false;
  const onSignal = () => { stopped = true; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const file = shard ? startShard(flags.out, shard, plan, threads) : undefined;
    const cells = new Map<string, CellResult[]>();
    let trained = 0;
    for (const [k, study] of list.entries()) {
      // a signal between two studies, when no sweep listens, must stop the rest too
      if (stopped) throw new Interrupted(`interrupted before the study ${study.name}: the networks trained so far are saved in ${flags.out}; rerun the same command to finish`);
      const r = await sweepWithProgress(study.spec, join(flags.out, study.name), { threads, resume: true, shard: slices?.[k] }, study.name);
      trained += r.trained;
      if (r.merged) cells.set(study.name, r.merged.cells);
    }
    const seconds = (performance.now() - t0) / 1000;
    if (!file) return judge(flags.out, plan, list, cells, threads, seconds, relaxed);
    writeShardFile(flags.out, { ...file, seconds, done: true });
    process.stdout.write(`shard ${shard!.i}/${shard!.n}: ${trained} network(s) trained in ${seconds.toFixed(1)} s (${threads} thread(s)) into ${flags.out}; `
      + `when all ${shard!.n} are done: infoplane reproduce --merge DIR... --out OUT\n`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    release();
  }
}

/** reproduce --merge DIR... --out OUT: each study's shard sweeps merged into OUT/<study>, then judged.
 *  `seconds` is the shards' seconds summed plus this merge's, as if one machine ran them in turn. */
function mergeCommand(flags: ReproduceFlags & { merge: string[] }): void {
  const given = PLAN_FLAGS.filter((k) => flags[k] !== undefined);
  if (given.length) throw new UsageError(`--merge: the settings come from the shards; drop ${given.map((k) => `--${kebab(k)}`).join(', ')}`);
  const t0 = performance.now();
  const dirs = flags.merge;
  if (dirs.some((d) => resolve(d) === resolve(flags.out))) throw new UsageError(`--out: ${flags.out} is one of the shard folders; merge into a folder of its own`);
  const { plan, shards } = checkShards(dirs);
  const list = plannedStudies(plan);
  prepareOutDir(flags.out);
  const release = lockFolder(flags.out);
  try {
    const cells = new Map(list.map((s) => [s.name, mergeSweeps(dirs.map((d) => join(d, s.name)), join(flags.out, s.name)).cells]));
    const seconds = shards.reduce((t, f) => t + f.seconds, 0) + (performance.now() - t0) / 1000;
    judge(flags.out, plan, list, cells, Math.max(...shards.map((f) => f.threads)), seconds);
  } finally {
    release();
  }
}

export function register(program: Command): void {
  addRelaxedSimdOption(program.command('reproduce'))
    .description("run the paper's studies with their controls (linear net, shuffled labels, full-batch, noisy labels) and judge each claim over networks; resumable")
    .option('--quick', `reduced version: ${QUICK.repeats} networks x ${QUICK.epochs} epochs per setting (full: ${FULL.repeats} x ${FULL.epochs})`)
    .option('--repeats <n>', 'override the networks per setting')
    .option('--epochs <n>', 'override the epochs')
    .option('--mi-points <n>', 'override the points of the log MI schedule')
    .option('--seed <n>', 'first seed of every study (network r uses seed + r) (default 0)')
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .option('--out <dir>', 'output folder: DIR/reproduce.json, DIR/reproduce.html and one sweep per study', 'runs/reproduce')
    .option('--only <part>', `${PARTS.join(' (their studies) or ')} (quantized nets, exact planes); default both`)
    .option('--shard <i/n>', 'train only the i-th of n disjoint slices of all the networks into --out (one folder per shard), without judging; resumable')
    .option('--merge <dirs...>', 'combine the folders of shards 0/n .. n-1/n into --out and judge (the settings come from the shards)')
    .action((flags: ReproduceFlags) => (flags.merge ? mergeCommand(flags as ReproduceFlags & { merge: string[] }) : reproduceCommand(flags)));
}
