// The static file server behind `infoplane serve`: a folder (the web app, or reports) on loopback
// only. It is meant for one user's browser, and assumes that any web page that user opens may try
// to reach it (DNS rebinding) and that the folder may hold anything (huge or unreadable files,
// symlinks out of it, FIFOs). So: only loopback Host headers; paths checked after resolving
// symlinks; files streamed with backpressure (memory does not grow with file size or clients);
// every failure is a status code, never an exception that ends the process; at most `maxStreams`
// files in flight; security headers on every answer, including cross-origin isolation so the app
// may use SharedArrayBuffer (wasm threads).
import { createHash } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { open as fsOpen, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

export interface ServeOptions {
  /** Files being sent at once; a request beyond it gets 503 (default 32). */
  maxStreams?: number;
  /** An HTML file larger than this is sent without hashes for its inline scripts (default 64 MiB);
   *  at most 4 HTML files are read whole at once, so they hold at most 4 x this much memory. */
  htmlHashLimit?: number;
  /** Socket idle time before a stalled download is dropped and its slot freed (default 60 s). */
  idleMs?: number;
  /** Opens a file for reading (tests inject failures here). */
  open?: (path: string, flags: number) => Promise<FileHandle>;
  /** One line per unexpected failure (default: stderr). */
  log?: (line: string) => void;
}

/** The Content-Security-Policy sent with every answer. `scriptHashes`: 'sha256-...' sources of the
 *  inline scripts of the HTML file being sent (reports inline uPlot and their client script). */
export function contentSecurityPolicy(scriptHashes: string[] = []): string {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' allows WebAssembly.compile only, not eval or new Function
    `script-src 'self' 'wasm-unsafe-eval'${scriptHashes.map((h) => ` '${h}'`).join('')}`,
    // styles may be inline (reports inline theirs; uPlot sets element styles); styles cannot run code
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "connect-src 'self'", "worker-src 'self'", "font-src 'self'",
    "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // cross-origin isolation: SharedArrayBuffer (wasm threads) needs both
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/** sha256 CSP sources of the executable inline <script> elements of an HTML text. */
export function inlineScriptHashes(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1];
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1].toLowerCase();
    if (type && !['module', 'text/javascript', 'application/javascript'].includes(type)) continue; // data blocks do not run
    out.add(`sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}`);
  }
  return [...out];
}

/** The Host header names this server on loopback: 127.0.0.1, localhost or [::1], with its port. */
export function loopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i.exec(host);
  if (!m) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const STATUS_OF: Record<string, number> = { ENOENT: 404, ENOTDIR: 404, ELOOP: 404, EISDIR: 404, EACCES: 403, EPERM: 403, ENAMETOOLONG: 414 };

/** A static file server for `root`, refusing anything whose real path is outside it. */
export function webServer(root: string, opts: ServeOptions = {}): Server {
  const realRoot = realpathSync(root);
  const base = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  const maxStreams = opts.maxStreams ?? 32;
  const htmlLimit = opts.htmlHashLimit ?? 64 * 2 ** 20;
  const openFile = opts.open ?? ((p: string, flags: number) => fsOpen(p, flags));
  const log = opts.log ?? ((line: string) => process.stderr.write(`infoplane serve: ${line}\n`));
  let inFlight = 0, htmlInFlight = 0;

  const send = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { ...BASE_HEADERS, 'content-security-policy': contentSecurityPolicy(), 'content-type': 'text/plain; charset=utf-8', ...extra });
    res.end(`${text}\n`);
  };

  /** The real path of the requested file, inside the root, or an HttpError. */
  async function locate(url: string): Promise<string> {
    let path: string;
    try { path = decodeURIComponent(new URL(url, 'http://localhost').pathname); } catch { throw new HttpError(400, 'bad request'); }
    if (path.includes('\0')) throw new HttpError(400, 'bad request');
    const file = join(base, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(base)) throw new HttpError(404, 'not found');
    const real = await realpath(file); // symlinks resolved: a link out of the root is outside
    if (!real.startsWith(base)) throw new HttpError(404, 'not found');
    return real;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const addr = req.socket.localPort ?? 0;
    if (!loopbackHost(req.headers.host, addr)) { send(res, 421, 'this server answers to 127.0.0.1, localhost and [::1] only'); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { send(res, 405, 'method not allowed', { allow: 'GET, HEAD' }); return; }
    if (inFlight >= maxStreams) { send(res, 503, 'busy: too many downloads at once', { 'retry-after': '1' }); return; }
    inFlight++;
    let fh: FileHandle | undefined;
    try {
      const real = await locate(req.url ?? '/');
      // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below as not a file
      fh = await openFile(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      await checkOpened(fh, base);
      const st = await fh.stat();
      if (!st.isFile()) throw new HttpError(404, 'not found');
      const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
      const headers: Record<string, string | number> = { ...BASE_HEADERS, 'content-type': type };
      if (type.startsWith('text/html') && st.size <= htmlLimit) {
        // the page's inline scripts are allowed by hash: read it whole (bounded by htmlLimit)
        if (htmlInFlight >= 4) throw new HttpError(503, 'busy: too many pages at once');
        htmlInFlight++;
        const body = Buffer.alloc(st.size);
        let got = 0;
        try {
          while (got < body.length) {
            const { bytesRead } = await fh.read(body, got, body.length - got, got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
        } finally { htmlInFlight--; }
        const html = body.subarray(0, got);
        res.writeHead(200, { ...headers, 'content-security-policy': contentSecurityPolicy(inlineScriptHashes(html.toString('utf8'))), 'content-length': got });
        res.end(req.method === 'HEAD' ? undefined : html);
        return;
      }
      res.writeHead(200, { ...headers, 'content-security-policy': contentSecurityPolicy(), 'content-length': st.size });
      if (req.method === 'HEAD' || st.size === 0) { res.end(); return; }
      const stream = fh.createReadStream({ start: 0, end: st.size - 1, autoClose: true });
      fh = undefined; // the stream closes it
      await pipeline(stream, res).catch((e: NodeJS.ErrnoException) => {
        // a client that went away is normal; a read error after the headers can only cut the body
        if (e.code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`${real}: ${e.code ?? e.message} while sending; connection closed`);
        res.destroy();
      });
    } catch (e) {
      if (e instanceof HttpError) { send(res, e.status, e.message); return; }
      const code = (e as NodeJS.ErrnoException).code ?? '';
      const status = STATUS_OF[code] ?? 500;
      if (status === 500) log(`${req.url}: ${code || (e as Error).message}`);
      send(res, status, status === 403 ? 'forbidden' : status === 404 ? 'not found' : status === 414 ? 'name too long' : 'server error');
    } finally {
      inFlight--;
      await fh?.close().catch(() => undefined);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => { log(`${req.url}: ${(e as Error).message}`); res.destroy(); });
  });
  server.on('clientError', (_e, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'); else socket.destroy(); });
  // after listen, an error of the listening socket (e.g. EMFILE on accept) is logged, not fatal
  server.on('error', (e: NodeJS.ErrnoException) => { if (server.listening) log(`server: ${e.code ?? e.message}`); });
  // a client that stops reading releases its slot after idleMs
  server.setTimeout(opts.idleMs ?? 60_000, (socket) => socket.destroy());
  return server;
}

/** Linux: the opened descriptor's own path must still be inside the root (closes the window in
 *  which a checked path could be swapped for a symlink before the open). */
async function checkOpened(fh: FileHandle, base: string): Promise<void> {
  let opened: string;
  try { opened = await readlink(`/proc/self/fd/${fh.fd}`); } catch { return; } // not Linux: the realpath check stands
  if (!opened.startsWith(base)) throw new HttpError(404, 'not found');
}
