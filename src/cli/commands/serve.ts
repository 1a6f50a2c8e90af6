// infoplane serve: the web app (dist/web, built by `npm run web`) on localhost only.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../config/flags.js';
import { webServer } from '../../node/serve.js';

/** dist/web beside this file's dist/cli/commands/. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

async function serveCommand(flags: { port: string; root?: string }): Promise<void> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port: "${flags.port}" is not a port number in 0..65535`);
  const root = flags.root ?? WEB_ROOT;
  if (flags.root !== undefined ? !statSync(root, { throwIfNoEntry: false })?.isDirectory() : !existsSync(join(root, 'index.html'))) {
    throw new UsageError(flags.root !== undefined ? `--root: ${root} is not a folder` : 'the web app is not built: run `npm run web` first');
  }
  const server = webServer(root);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new UsageError(`--port: ${port} is in use`) : e));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  process.stdout.write(`infoplane: serving the web app at http://127.0.0.1:${actual}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => { server.close(() => resolve()); server.closeAllConnections(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program.command('serve')
    .option('--port <p>', 'TCP port; 0 picks a free one', '8080')
    .option('--root <dir>', 'serve this folder (e.g. of reports) instead of dist/web')
    .action(serveCommand);
}
