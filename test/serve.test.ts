// `infoplane serve` under abuse, all on 127.0.0.1: huge (sparse) files, files that cannot be opened
// or fail while being read, FIFOs and folders named like files, symlinks out of the root, foreign
// Host headers (DNS rebinding), many downloads at once; plus the security headers and the CSP
// hashes of inline scripts. The scripted run drives the real CLI (`bin/infoplane.js serve`); the
// failure injections use the server module in-process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { open as fsOpen, type FileHandle } from 'node:fs/promises';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes, loopbackHost, webServer } from '../src/node/serve.js';
import { BIN, cli } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infoplane-serve-'));
const root = path.join(tmp, 'root');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer; bytes: number }

/** One request; `maxBytes` stops reading (and drops the connection) after that many body bytes. */
function get(port: number, urlPath: string, opts: { host?: string | null; method?: string; maxBytes?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.host !== null) headers.host = opts.host ?? `127.0.0.1:${port}`;
    const req = request({ host: '127.0.0.1', port, path: urlPath, method: opts.method ?? 'GET', headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= 1 << 20) chunks.push(c);
        if (opts.maxBytes !== undefined && bytes >= opts.maxBytes) { res.destroy(); resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), bytes }); }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function rssPeakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

beforeAll(() => {
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title><script>1+1</script><script type="application/json">{"a":1}</script><script src="a.js"></script>');
  fs.writeFileSync(path.join(root, 'sub', 'a.txt'), 'hello');
  fs.writeFileSync(path.join(root, 'small.bin'), 'abc');
  // a 3 GiB file without 3 GiB of disk: reading it whole fails with ERR_FS_FILE_TOO_LARGE
  fs.closeSync(fs.openSync(path.join(root, 'huge.bin'), 'w'));
  fs.truncateSync(path.join(root, 'huge.bin'), 3 * 2 ** 30);
  fs.closeSync(fs.openSync(path.join(root, 'big.bin'), 'w'));
  fs.truncateSync(path.join(root, 'big.bin'), 100 * 2 ** 20);
  fs.writeFileSync(path.join(root, 'locked.bin'), 'secret');
  fs.chmodSync(path.join(root, 'locked.bin'), 0o000);
  fs.mkdirSync(path.join(root, 'folder.bin')); // a folder named like a file
  expect(spawnSync('mkfifo', [path.join(root, 'pipe.bin')]).status).toBe(0); // opening it for reading would wait for a writer
  fs.writeFileSync(path.join(tmp, 'outside.txt'), 'outside');
  fs.symlinkSync('/', path.join(root, 'rootdir'));
  fs.symlinkSync(path.join(tmp, 'outside.txt'), path.join(root, 'out-link.txt'));
  fs.symlinkSync('/dev/zero', path.join(root, 'zero.bin'));
  fs.symlinkSync('sub/a.txt', path.join(root, 'in-link.txt')); // inside the root: fine
});

describe('serve: the scripted abuse run against the CLI on 127.0.0.1', () => {
  let server: ChildProcess, port = 0, stderr = '';
  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (d) => { stderr += d; });
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => { out += d; const m = /127\.0\.0\.1:(\d+)\//.exec(out); if (m) resolve(Number(m[1])); });
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
  });
  afterAll(() => { server?.kill('SIGTERM'); });
  const alive = async () => {
    expect(server.exitCode).toBeNull();
    expect((await get(port, '/sub/a.txt')).body.toString()).toBe('hello');
  };

  it('streams a 3 GiB file (no whole-file read) and stays up', async () => {
    const r = await get(port, '/huge.bin', { maxBytes: 4 << 20 });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(3 * 2 ** 30));
    expect(r.bytes).toBeGreaterThanOrEqual(4 << 20);
    await alive();
  }, 60_000);

  it('10 parallel downloads of a 100 MB file: all complete, memory stays bounded', async () => {
    const rs = await Promise.all(Array.from({ length: 10 }, () => get(port, '/big.bin')));
    for (const r of rs) { expect(r.status).toBe(200); expect(r.bytes).toBe(100 * 2 ** 20); }
    // reading whole files held ~10 x 100 MB at once; streaming keeps a few 64 KB chunks per client
    expect(rssPeakMb(server.pid!)).toBeLessThan(300);
    await alive();
  }, 120_000);

  it('folders and FIFOs named like files are 404, at once', async () => {
    expect((await get(port, '/folder.bin')).status).toBe(404);
    expect((await get(port, '/pipe.bin')).status).toBe(404);
    expect((await get(port, '/sub')).status).toBe(404);
    await alive();
  });

  it('a mode-000 file: root may read it (tests run as root), any other user gets 403 (see the in-process test)', async () => {
    const r = await get(port, '/locked.bin');
    expect(r.status).toBe(process.getuid?.() === 0 ? 200 : 403);
    await alive();
  });

  it('symlinks leading out of the root are refused; inside it they work', async () => {
    expect((await get(port, '/rootdir/etc/hostname')).status).toBe(404);
    expect((await get(port, '/rootdir/')).status).toBe(404);
    expect((await get(port, '/out-link.txt')).status).toBe(404);
    expect((await get(port, '/zero.bin')).status).toBe(404);
    expect((await get(port, '/in-link.txt')).body.toString()).toBe('hello');
    for (const p of ['/../outside.txt', '/%2e%2e/outside.txt', '/sub/..%2f..%2foutside.txt', '/%00', '/%E0%A4%A']) {
      expect([400, 404]).toContain((await get(port, p)).status);
    }
    await alive();
  });

  it('only loopback Host headers are answered (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost:${port + 1}`, `127.0.0.2:${port}`, `localhost.:${port}`]) {
      const r = await get(port, '/sub/a.txt', { host });
      expect(r.status, host).toBe(421);
      expect(r.body.toString()).not.toContain('hello');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await get(port, '/sub/a.txt', { host })).status, host).toBe(200);
    }
    await alive();
  });

  it('many requests at once: every one is answered (200 or 503 busy), the server stays up', async () => {
    const rs = await Promise.all(Array.from({ length: 150 }, (_, i) => get(port, i % 2 ? '/big.bin' : '/small.bin', { maxBytes: 1 })));
    for (const r of rs) expect([200, 503]).toContain(r.status);
    expect(rs.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(32);
    await alive();
  }, 60_000);

  it('security headers on every answer, errors included', async () => {
    for (const p of ['/sub/a.txt', '/nope', '/index.html']) {
      const h = (await get(port, p)).headers;
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['x-frame-options']).toBe('DENY');
      expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(h['cross-origin-opener-policy']).toBe('same-origin');
      expect(h['cross-origin-embedder-policy']).toBe('require-corp');
    }
    expect((await get(port, '/x', { method: 'POST' })).status).toBe(405);
    await alive();
    expect(stderr).toBe('');
  });
});

describe('serve: failures injected in-process', () => {
  const listen = async (s: Server) => { await new Promise<void>((r) => s.listen(0, '127.0.0.1', r)); return (s.address() as { port: number }).port; };
  const close = (s: Server) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });

  it('an open that fails with EACCES (an unreadable file for a non-root user) is 403; EIO is 500; the server stays up', async () => {
    // tests run as root, for whom mode 000 does not stop reading: the failure is injected at open
    const lines: string[] = [];
    const s = webServer(root, {
      log: (l) => lines.push(l),
      open: async (p, flags) => {
        if (p.endsWith('small.bin')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        if (p.endsWith('locked.bin')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return fsOpen(p, flags);
      },
    });
    const port = await listen(s);
    try {
      expect((await get(port, '/small.bin')).status).toBe(403);
      expect((await get(port, '/locked.bin')).status).toBe(500);
      expect(lines.join('\n')).toMatch(/locked\.bin: EIO/);
      expect((await get(port, '/sub/a.txt')).status).toBe(200);
    } finally { await close(s); }
  });

  it('a file whose read fails midway: the body is cut (no silent short file), the server stays up', async () => {
    const lines: string[] = [];
    const s = webServer(root, {
      log: (l) => lines.push(l),
      open: async (p, flags) => {
        const fh = await fsOpen(p, flags);
        if (!p.endsWith('big.bin')) return fh;
        // a handle whose stream gives 1 MB and then EIO, as a failing disk would
        return new Proxy(fh, {
          get(t, k) {
            if (k === 'createReadStream') {
              return () => {
                let sent = 0;
                return new Readable({
                  read() {
                    if (sent >= 1 << 20) { this.destroy(Object.assign(new Error('EIO'), { code: 'EIO' })); void t.close(); return; }
                    sent += 65536; this.push(Buffer.alloc(65536));
                  },
                });
              };
            }
            const v = Reflect.get(t, k);
            return typeof v === 'function' ? v.bind(t) : v;
          },
        }) as FileHandle;
      },
    });
    const port = await listen(s);
    try {
      const r = await get(port, '/big.bin').catch((e: Error) => ({ status: -1, error: e.message }));
      // headers were sent with the full length; the connection is dropped before it is reached
      expect('error' in r ? r.error : (r as Answer).bytes).not.toBe(100 * 2 ** 20);
      expect(lines.join('\n')).toMatch(/big\.bin: EIO while sending/);
      expect((await get(port, '/sub/a.txt')).status).toBe(200);
    } finally { await close(s); }
  });

  it('bounded concurrency: beyond maxStreams downloads a request gets 503 at once; a freed slot serves again', async () => {
    const s = webServer(root, { maxStreams: 2 });
    const port = await listen(s);
    const held: ReturnType<typeof request>[] = [];
    try {
      // two downloads that never read their body hold both slots
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve) => {
          const req = request({ host: '127.0.0.1', port, path: '/huge.bin', agent: false }, (res) => { res.pause(); resolve(); });
          held.push(req); req.end();
        });
      }
      const busy = await get(port, '/sub/a.txt');
      expect(busy.status).toBe(503);
      expect(busy.headers['retry-after']).toBe('1');
      held[0].destroy();
      await new Promise((r) => setTimeout(r, 200));
      expect((await get(port, '/sub/a.txt')).status).toBe(200);
    } finally { for (const h of held) h.destroy(); await close(s); }
  });
});

describe('serve: the Content-Security-Policy lets exactly the page\'s own scripts run', () => {
  it('inline executable scripts are allowed by their sha256; data blocks and src scripts need no hash', () => {
    const hashes = inlineScriptHashes('<script>a()</script><script type="module">b()</script><script type="application/json">{}</script><script src="x.js"></script>');
    expect(hashes).toHaveLength(2);
    const csp = contentSecurityPolicy(hashes);
    expect(csp).toContain(`'${hashes[0]}'`);
    // scripts: no 'unsafe-inline', no 'unsafe-eval' ('wasm-unsafe-eval' allows WebAssembly only)
    expect(csp.split('; ').find((d) => d.startsWith('script-src'))).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  });

  it('a report\'s inline scripts (uPlot, client) are all hashed', () => {
    const r = cli(['run', '--epochs', '3', '--layers', '4', '--repeats', '1', '--out', path.join(tmp, 'run')]);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(tmp, 'run', 'report.html'), 'utf8');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(inlineScriptHashes(html)).toHaveLength(scripts.length);
  });

  it('loopback hosts only, with the right port', () => {
    expect(loopbackHost('127.0.0.1:8080', 8080)).toBe(true);
    expect(loopbackHost('[::1]:8080', 8080)).toBe(true);
    expect(loopbackHost('localhost', 80)).toBe(true);
    expect(loopbackHost('localhost', 8080)).toBe(false);
    expect(loopbackHost(undefined, 8080)).toBe(false);
    expect(loopbackHost('127.0.0.1:8080@evil', 8080)).toBe(false);
  });
});
