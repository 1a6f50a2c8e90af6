// infoplane reproduce: the paper's studies with the documented settings, then a claim-by-claim report.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { posInt, threadCount } from '../../config/flags.js';
import { FULL, QUICK, studies, type StudyName } from '../../reproduce/studies.js';
import { evaluateClaims } from '../../reproduce/claims.js';
import { renderReproduction, type ReproductionSummary } from '../../reproduce/report.js';
import { sweepWithProgress } from './sweep.js';
import { writeFileAtomic } from '../../node/atomic.js';
import type { CellResult } from '../../record/sweep.js';

export function register(program: Command): void {
  program.command('reproduce')
    .option('--quick', `reduced version: ${QUICK.repeats} networks x ${QUICK.epochs} epochs per setting (full: ${FULL.repeats} x ${FULL.epochs})`)
    .option('--repeats <n>', 'override the networks per setting')
    .option('--epochs <n>', 'override the epochs')
    .option('--mi-points <n>', 'override the points of the log MI schedule')
    .option('--threads <n>', 'worker threads (default: number of cores)')
    .option('--out <dir>', 'output folder', 'runs/reproduce')
    .action(async (flags: { quick?: boolean; repeats?: string; epochs?: string; miPoints?: string; threads?: string; out: string }) => {
      const threads = flags.threads !== undefined ? threadCount(flags.threads) : cpus().length;
      const scale = { ...(flags.quick ? QUICK : FULL) };
      if (flags.repeats !== undefined) scale.repeats = posInt('repeats', flags.repeats);
      if (flags.epochs !== undefined) scale.epochs = posInt('epochs', flags.epochs);
      if (flags.miPoints !== undefined) scale.miPoints = posInt('mi-points', flags.miPoints);
      const t0 = performance.now();
      const results = new Map<StudyName, CellResult[]>();
      const summary: ReproductionSummary = {
        format: 'infoplane-reproduction/1', scale: flags.quick || scale.repeats < FULL.repeats || scale.epochs < FULL.epochs ? 'quick' : 'full', settings: scale, seconds: 0, studies: [], claims: [],
      };
      for (const study of studies(scale)) {
        // every study is a resumable sweep: rerunning the command continues where it stopped
        const r = await sweepWithProgress(study.spec, join(flags.out, study.name), { threads, resume: true }, study.name);
        results.set(study.name, r.merged!.cells);
        summary.studies.push({ name: study.name, title: study.title, report: `${study.name}/report.html`, networks: r.networks });
      }
      summary.seconds = (performance.now() - t0) / 1000;
      summary.claims = evaluateClaims(results, { main: 'main/report.html', size: 'size/report.html', depth: 'depth/report.html', activation: 'activation/report.html' });
      writeFileAtomic(join(flags.out, 'reproduction.json'), JSON.stringify(summary, null, 1));
      const report = join(flags.out, 'reproduction.html');
      writeFileAtomic(report, renderReproduction(summary));
      for (const c of summary.claims) process.stdout.write(`claim ${c.id}: ${c.verdict.padEnd(20)} ${c.claim}\n`);
      process.stdout.write(`reproduction (${summary.scale}) in ${summary.seconds.toFixed(0)} s; report: ${report}\n`);
    });
}
