// infoplane report: rebuild DIR/report.html from DIR/infoplane.json.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../data/errors.js';
import { readBytes } from '../../data/files.js';
import type { InfoplaneResult, Timing } from '../../record/schema.js';
import { decodeResultJson } from '../../report/html.js';
import { writeReport } from '../../report/write-node.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { planeInputFromResult, planeModel, planeSvg, svgFileName } from '../../report/plane.js';

function reportCommand(dir: string, opts: { svg?: boolean }): void {
  const file = join(dir, 'infoplane.json');
  const text = Buffer.from(readBytes(file)).toString('utf8');
  let result: InfoplaneResult;
  try { result = decodeResultJson(text); } catch (e) { throw new InputError(file, '', `not an infoplane result: ${(e as Error).message}`); }
  if (result?.format !== 'infoplane/1') throw new InputError(file, '', 'not an infoplane result (no "format": "infoplane/1")');
  const problem = resultProblem(result);
  if (problem) throw new InputError(file, '', `not a complete infoplane result: ${problem}`);
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

/** The parts of a result the report reads, checked so a truncated or hand-made file is one line. */
function resultProblem(r: InfoplaneResult): string | null {
  const obj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(r.config) || typeof r.config.name !== 'string') return '"config" is missing or incomplete';
  if (!obj(r.dataset) || !['nRows', 'nInputs', 'nClasses', 'hY', 'log2N'].every((k) => typeof (r.dataset as unknown as Record<string, unknown>)[k] === 'number')) return '"dataset" is missing or incomplete';
  if (!Array.isArray(r.layers) || r.layers.length === 0 || !r.layers.every((l) => obj(l) && typeof l.name === 'string')) return '"layers" is missing or empty';
  if (!Array.isArray(r.epochs)) return '"epochs" is missing';
  const K = r.epochs.length, L = r.layers.length;
  for (const k of ['trainLoss', 'trainAcc', 'testLoss', 'testAcc'] as const) {
    if (!Array.isArray(r[k]) || r[k].length !== K) return `"${k}" is not a list of ${K} values`;
  }
  for (const k of ['gradMean', 'gradStd'] as const) {
    if (!Array.isArray(r[k]) || !r[k].every((row) => Array.isArray(row) && row.length === K)) return `"${k}" is not a list of layers of ${K} values`;
  }
  if (!obj(r.mi)) return '"mi" is missing';
  for (const [name, s] of Object.entries(r.mi)) {
    const ok = obj(s) && [s.ixt, s.ity].every((g) => Array.isArray(g) && g.length === L && g.every((row) => Array.isArray(row) && row.length === K));
    if (!ok) return `"mi.${name}" is not ${L} layers of ${K} values for I(X;T) and I(T;Y)`;
  }
  if (!Array.isArray(r.runs)) return '"runs" is missing';
  return null;
}

export function register(program: Command): void {
  program.command('report')
    .argument('<dir>', 'a folder written by `infoplane run`')
    .option('--svg', 'also write each estimator\'s information plane as a vector figure, DIR/plane-<estimator>.svg')
    .action(reportCommand);
}
