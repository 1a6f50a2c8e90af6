// infoplane report: rebuild DIR/report.html from DIR/infoplane.json.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, unreadable } from '../../data/errors.js';
import type { InfoplaneResult, Timing } from '../../record/schema.js';
import { decodeResultJson } from '../../report/html.js';
import { writeReport } from '../../report/write-node.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { planeInputFromResult, planeModel, planeSvg, svgFileName } from '../../report/plane.js';

function reportCommand(dir: string, opts: { svg?: boolean }): void {
  const file = join(dir, 'infoplane.json');
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw unreadable(file, e); }
  let result: InfoplaneResult;
  try { result = decodeResultJson(text); } catch (e) { throw new InputError(file, '', `not an infoplane result: ${(e as Error).message}`); }
  if (result?.format !== 'infoplane/1') throw new InputError(file, '', 'not an infoplane result (no "format": "infoplane/1")');
  let timing: Timing | undefined;
  try { timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8')); } catch { timing = undefined; }
  process.stdout.write(`report: ${writeReport(dir, result, timing)}\n`);
  if (opts.svg) {
    for (const est of Object.keys(result.mi ?? {})) {
      const file = join(dir, svgFileName(est));
      writeFileAtomic(file, planeSvg(planeModel(planeInputFromResult(result, est))));
      process.stdout.write(`svg: ${file}\n`);
    }
  }
}

export function register(program: Command): void {
  program.command('report')
    .description('rebuild DIR/report.html from DIR/infoplane.json')
    .argument('<dir>', 'a folder written by `infoplane run`')
    .option('--svg', 'also write each estimator\'s information plane as a vector figure, DIR/plane-<estimator>.svg')
    .action(reportCommand);
}
