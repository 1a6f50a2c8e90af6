// The `infoplane` command: a thin shell over the library, one file per command in commands/.
// Bad input: one line on stderr, exit 2.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../config/flags.js';
import { InputError } from '../data/errors.js';
import { Interrupted } from '../node/interrupted.js';

interface CommandModule { register(program: Command): void }

/** Every command: what it does (its line in the help) and its module, loaded only when that
 *  command runs, so that `infoplane --help` or `infoplane mi` loads no training, server or HDF5 code. */
const COMMANDS: Record<string, { description: string; load: () => Promise<CommandModule> }> = {
  run: { description: 'train networks, measure MI at logged epochs, write DIR/infoplane.json and DIR/report.html', load: () => import('./commands/run.js') },
  plane: { description: 'the information plane of a run trained elsewhere: activation dumps in, DIR/infoplane.json and DIR/report.html out', load: () => import('./commands/plane.js') },
  mi: { description: 'I(X;T) and I(T;Y) of activation matrices (rows = samples), one JSON line per file', load: () => import('./commands/mi.js') },
  dataset: { description: 'write a built-in dataset as CSV (input columns, then y)', load: () => import('./commands/dataset.js') },
  report: { description: 'rebuild DIR/report.html from DIR/infoplane.json', load: () => import('./commands/report.js') },
  sweep: { description: 'run a grid of run options: a list of values for any option (--layers and --estimators lists are separated by ":"), or --grid FILE', load: () => import('./commands/sweep.js') },
  merge: { description: 'combine sweep folders (e.g. the shards of one sweep) into per-cell results and a sweep report', load: () => import('./commands/sweep.js') },
  bound: { description: 'the information bottleneck bound of a dataset (iterative IB, reverse annealing over beta), as JSON points', load: () => import('./commands/bound.js') },
  reproduce: { description: "run the paper's studies (main net, training-set size, depth, tanh vs ReLU) and write a reproduction report; resumable", load: () => import('./commands/reproduce.js') },
  serve: { description: 'serve the live web app (built by `npm run web`) on http://127.0.0.1 only', load: () => import('./commands/serve.js') },
  bench: { description: 'measure training and MI speed against the TS reference and the installed peers (TensorFlow.js, PyTorch, numpy)', load: () => import('./commands/bench.js') },
};

/** The program for argv: the named command in full (`infoplane help CMD` too), the others as
 *  one-line entries of the command list. With `all`, every command in full (e.g. for tests). */
export async function buildProgram(argv: readonly string[] = [], all = false): Promise<Command> {
  const program = new Command('infoplane')
    .description('Train small networks and put every layer on the information plane (Shwartz-Ziv & Tishby 2017).')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const first = argv[0] === 'help' ? argv[1] : argv[0];
  const names = Object.keys(COMMANDS);
  const full = all ? names : names.filter((n) => n === first);
  for (const name of full) {
    if (program.commands.some((c) => c.name() === name)) continue; // one module may register several
    (await COMMANDS[name].load()).register(program);
  }
  for (const name of names) {
    const c = program.commands.find((x) => x.name() === name);
    if (c) c.description(COMMANDS[name].description);
    else program.command(name).description(COMMANDS[name].description);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: 'user' });
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
