// The `infoplane` command: a thin shell over the library, one file per command in commands/.
// Bad input: one line on stderr, exit 2.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../config/flags.js';
import { InputError } from '../data/errors.js';
import { Interrupted } from '../node/pool.js';
import * as run from './commands/run.js';
import * as mi from './commands/mi.js';
import * as dataset from './commands/dataset.js';
import * as report from './commands/report.js';
import * as sweep from './commands/sweep.js';
import * as reproduce from './commands/reproduce.js';
import * as bench from './commands/bench.js';
import * as bound from './commands/bound.js';
import * as serve from './commands/serve.js';
import * as plane from './commands/plane.js';

const COMMANDS = [run, plane, mi, dataset, report, sweep, bound, reproduce, serve, bench];

export function buildProgram(): Command {
  const program = new Command('infoplane')
    .description('Train small networks and put every layer on the information plane (Shwartz-Ziv & Tishby 2017).')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of COMMANDS) c.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; commander has already printed its one-line error
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`infoplane: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Interrupted) {
      process.stderr.write(`infoplane: ${err.message}\n`);
      return 130;
    }
    process.stderr.write(`infoplane: ${(err as Error).message}\n`);
    return 1;
  }
}
