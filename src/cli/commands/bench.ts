// infoplane bench: the same benchmark as `npm run bench` (bench/bench.js, benchmark.js medians).
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../config/flags.js';

export function register(program: Command): void {
  program.command('bench')
    .option('--json', 'print the medians as JSON')
    .option('--study', "also time the paper's full study of one setting (50 networks x 10,000 epochs)")
    .action((flags: { json?: boolean; study?: boolean }) => {
      const script = fileURLToPath(new URL('../../../bench/bench.js', import.meta.url));
      if (!existsSync(script)) throw new UsageError(`bench: ${script} is missing (a checkout of the repository has it)`);
      const args = [script, ...(flags.json ? ['--json'] : []), ...(flags.study ? ['--study'] : [])];
      const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`bench failed (exit ${r.status})`);
    });
}
