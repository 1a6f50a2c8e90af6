// infoplane report: rebuild DIR/report.html from DIR/infoplane.json.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, unreadable } from '../../data/errors.js';
import type { InfoplaneResult, Timing } from '../../record/schema.js';
import { decodeResultJson } from '../../report/html.js';
import { writeReport } from '../../report/write-node.js';

function reportCommand(dir: string): void {
  const file = join(dir, 'infoplane.json');
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw unreadable(file, e); }
  let result: InfoplaneResult;
  try { result = decodeResultJson(text); } catch (e) { throw new InputError(file, '', `not an infoplane result: ${(e as Error).message}`); }
  if (result?.format !== 'infoplane/1') throw new InputError(file, '', 'not an infoplane result (no "format": "infoplane/1")');
  let timing: Timing | undefined;
  try { timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8')); } catch { timing = undefined; }
  process.stdout.write(`report: ${writeReport(dir, result, timing)}\n`);
}

export function register(program: Command): void {
  program.command('report')
    .argument('<dir>', 'a folder written by `infoplane run`')
    .action(reportCommand);
}
