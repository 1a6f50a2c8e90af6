// infoplane reproduce: the paper's studies and their controls with the documented settings, then
// a claim-by-claim judgement over networks (reproduce/claims.ts) as JSON and HTML.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { num, posInt, threadCount, UsageError } from '../../config/flags.js';
import { QUANT_FULL, QUANT_QUICK, quantizedRows, quantizedStudies } from '../../reproduce/quantized.js';
import { FULL, QUICK, studies, type StudyName } from '../../reproduce/studies.js';
import { effectText, evaluateClaims } from '../../reproduce/claims.js';
import { renderReproduction, type ReproductionSummary } from '../../reproduce/report.js';
import { sweepWithProgress } from './sweep.js';
import { addRelaxedSimdOption, applyRelaxedSimd } from '../terminal.js';
import { writeFileAtomic } from '../../node/atomic.js';
import type { CellResult } from '../../record/sweep.js';

interface ReproduceFlags { quick?: boolean; repeats?: string; epochs?: string; miPoints?: string; seed?: string; threads?: string; relaxedSimd?: boolean; out: string; only?: string }

export function register(program: Command): void {
  addRelaxedSimdOption(program.command('reproduce')
    .description("run the paper's studies with their controls (linear net, shuffled labels, full-batch, noisy labels) and judge each claim over networks; resumable")
    .option('--quick', `reduced version: ${QUICK.repeats} networks x ${QUICK.epochs} epochs per setting (full: ${FULL.repeats} x ${FULL.epochs})`)
    .option('--repeats <n>', 'override the networks per setting')
    .option('--epochs <n>', 'override the epochs')
    .option('--mi-points <n>', 'override the points of the log MI schedule')
    .option('--seed <n>', 'first seed of every study (network r uses seed + r)', '0')
    .option('--threads <n>', 'worker threads (default: number of cores)'))
    .option('--out <dir>', 'output folder: DIR/reproduce.json, DIR/reproduce.html and one sweep per study', 'runs/reproduce')
    .option('--only <part>', 'shwartz-ziv (their studies) or lorenzen (quantized nets, exact planes); default both')
    .action(async (flags: ReproduceFlags) => {
      if (flags.only !== undefined && flags.only !== 'shwartz-ziv' && flags.only !== 'lorenzen') throw new UsageError(`--only: "${flags.only}" is not shwartz-ziv or lorenzen`);
      const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
      const relaxed = applyRelaxedSimd(flags.relaxedSimd);
      const scale = { ...(flags.quick ? QUICK : FULL) };
      if (flags.repeats !== undefined) scale.repeats = posInt('repeats', flags.repeats);
      if (flags.epochs !== undefined) scale.epochs = posInt('epochs', flags.epochs);
      if (flags.miPoints !== undefined) scale.miPoints = posInt('mi-points', flags.miPoints);
      scale.seed = num('seed', flags.seed ?? '0', (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 31, 'a whole number in 0..2^31-1');
      const t0 = performance.now();
      const results = new Map<StudyName, CellResult[]>();
      const full = !flags.quick && scale.repeats >= FULL.repeats && scale.epochs >= FULL.epochs;
      const summary: ReproductionSummary = {
        format: 'infoplane-reproduction/2', scale: full ? 'full' : 'quick',
        settings: { ...scale, threads, ...(relaxed ? { relaxedSimd: true as const } : {}) }, seconds: 0, studies: [], claims: [], exploratory: [], sensitivity: [], dpi: [],
      };
      for (const study of flags.only === 'lorenzen' ? [] : studies(scale)) {
        // every study is a resumable sweep: rerunning the command continues where it stopped
        const r = await sweepWithProgress(study.spec, join(flags.out, study.name), { threads, resume: true }, study.name);
        results.set(study.name, r.merged!.cells);
        summary.studies.push({ name: study.name, title: study.title, report: `${study.name}/report.html`, networks: r.networks });
      }
      // Lorenzen et al. 2022: quantized nets and their exact planes, beside float nets binned
      const qScale = { ...(flags.quick ? QUANT_QUICK : QUANT_FULL) };
      if (flags.repeats !== undefined) qScale.repeats = scale.repeats;
      if (flags.epochs !== undefined) qScale.epochs = scale.epochs;
      if (flags.miPoints !== undefined) qScale.miPoints = scale.miPoints;
      const qCells: Record<string, CellResult[]> = {};
      for (const study of flags.only === 'shwartz-ziv' ? [] : quantizedStudies(qScale)) {
        const r = await sweepWithProgress(study.spec, join(flags.out, study.name), { threads, resume: true }, study.name);
        qCells[study.name] = r.merged!.cells;
        summary.studies.push({ name: study.name, title: study.title, report: `${study.name}/report.html`, networks: r.networks });
      }
      summary.seconds = (performance.now() - t0) / 1000;
      Object.assign(summary, evaluateClaims(results, scale.seed));
      if (qCells.quantized) summary.claims.push(...quantizedRows(qCells.quantized, qCells.float, scale.seed));
      writeFileAtomic(join(flags.out, 'reproduce.json'), JSON.stringify(summary, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
      const report = join(flags.out, 'reproduce.html');
      writeFileAtomic(report, renderReproduction(summary, results));
      for (const c of summary.claims) process.stdout.write(`${c.id.padEnd(7)} ${c.verdict.padEnd(15)} ${effectText(c.effect)}  ${c.title}\n`);
      process.stdout.write(`reproduction (${summary.scale}) in ${summary.seconds.toFixed(0)} s; report: ${report}\n`);
    });
}
