// infoplane serve: the web app (dist/web, built by `npm run web`) on localhost only.
import type { Command } from 'commander';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../config/flags.js';

/** dist/web beside this file's dist/cli/commands/. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** A static file server for `root`, refusing anything outside it. */
export function webServer(root: string): Server {
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD' }).end(); return; }
    let path: string;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname); } catch { res.writeHead(400).end(); return; }
    const file = normalize(join(base, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

async function serveCommand(flags: { port: string; root?: string }): Promise<void> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port: "${flags.port}" is not a port number in 0..65535`);
  const root = flags.root ?? WEB_ROOT;
  if (!existsSync(join(root, 'index.html'))) {
    throw new UsageError(flags.root ? `--root: no index.html in ${root}` : 'the web app is not built: run `npm run web` first');
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
    .description('serve the live web app (built by `npm run web`) on http://127.0.0.1 only')
    .option('--port <p>', 'TCP port; 0 picks a free one', '8080')
    .option('--root <dir>', 'serve this folder instead of dist/web')
    .action(serveCommand);
}
