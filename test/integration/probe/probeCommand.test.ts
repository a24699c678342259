import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { ensureBuilt } from '../../support/DemoProcess';
import { freePort } from '../../support/freePort';

// statuskit-probe as Docker runs it: the built bin in a child process, against real HTTP servers on
// ephemeral ports, judged by its exit code, its one line of output and how long it took.
const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/src/probe/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

function probe(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, PORT: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - t0 }));
  });
}

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<{ url: string; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, paths };
}

beforeAll(() => ensureBuilt(bin), 120_000);

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

describe('statuskit-probe exit codes', () => {
  it('exits 0 on a 2xx answer and prints one line with the status', async () => {
    const s = await serve((_req, res) => res.writeHead(204).end());
    const run = await probe([`${s.url}/readyz`]);
    expect(run).toMatchObject({ code: 0, stdout: `204 ${s.url}/readyz\n`, stderr: '' });
  });

  it.each([503, 500, 404, 301])('exits 1 on a %i answer, saying so on stderr', async (status) => {
    const s = await serve((_req, res) =>
      res.writeHead(status, { location: '/elsewhere' }).end('not ready: OUTAGE'),
    );
    const run = await probe([`${s.url}/readyz`]);
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `${status} ${s.url}/readyz not ready: OUTAGE\n`,
    });
  });

  it('exits 1 when the connection is refused', async () => {
    const port = await freePort(); // free a moment ago: nothing listens there
    const run = await probe([`http://127.0.0.1:${port}/readyz`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('exits 1 when the host name does not resolve', async () => {
    const run = await probe(['http://statuskit-probe-test.invalid/readyz', '--timeout', '5000']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('statuskit-probe over https', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  beforeAll(async () => {
    // A throw-away certificate for 127.0.0.1, trusted only through NODE_EXTRA_CA_CERTS.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-probe-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = https.createServer(
      { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 on a 2xx from a server whose certificate Node trusts', async () => {
    const run = await probe([url], { NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') });
    expect(run).toMatchObject({ code: 0, stdout: `200 ${url} ok\n` });
  });

  it('exits 1 when the certificate is not trusted: it never skips verification', async () => {
    const run = await probe([url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/self[- ]signed/i);
  });
});

describe('statuskit-probe never outlives its --timeout', () => {
  // The process itself takes a while to start on a loaded machine; the bound is the timeout plus
  // that, and the lower bound proves it waited for the answer instead of giving up early.
  const TIMEOUT_MS = 700;
  const START_MARGIN_MS = 4000;

  it('exits 1 within the timeout when the server accepts and never answers', async () => {
    const s = await serve(() => undefined);
    const run = await probe([`${s.url}/readyz`, '--timeout', String(TIMEOUT_MS)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`no complete answer within ${TIMEOUT_MS} ms\n`);
    expect(run.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(run.elapsedMs).toBeLessThan(TIMEOUT_MS + START_MARGIN_MS);
    expect(s.paths).toEqual(['/readyz']);
  });

  it('exits 1 within the timeout when a 200 sends its headers and stalls in the body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('ok, and then nothing');
    });
    const run = await probe([`${s.url}/readyz`, `--timeout=${TIMEOUT_MS}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`no complete answer within ${TIMEOUT_MS} ms\n`);
    expect(run.elapsedMs).toBeLessThan(TIMEOUT_MS + START_MARGIN_MS);
  });
});

describe('statuskit-probe arguments', () => {
  it('probes http://127.0.0.1:$PORT/readyz by default', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const run = await probe([], { PORT: String(s.port) });
    expect(run).toMatchObject({ code: 0, stdout: `200 ${s.url}/readyz ok\n` });
    expect(s.paths).toEqual(['/readyz']);
  });

  it('falls back to port 3000 when PORT is empty', async () => {
    // Whatever holds port 3000 here (most likely nothing), the probe names that URL.
    const run = await probe(['--timeout', '1500'], { PORT: '' });
    expect(run.stdout + run.stderr).toMatch(/127\.0\.0\.1:3000/);
  });

  it.each([
    [['ftp://127.0.0.1/readyz'], '`url` must be an http:// or https:// URL, got "ftp://127.0.0.1/readyz"'],
    [['127.0.0.1:3000/readyz'], '`url` must be an http:// or https:// URL'],
    [['not a url'], '`url` must be an http:// or https:// URL, got "not a url"'],
    [['--timeout', 'soon'], '`--timeout` must be a number of milliseconds, got "soon"'],
    [['--timeout'], '`--timeout` must be a number of milliseconds, got undefined'],
    [['--timeout=0'], '`--timeout` must be an integer ≥ 1 ≤ 600000, got 0'],
    [['--timeout', '1.5'], '`--timeout` must be an integer'],
    [['--retries', '3'], '`arguments` must be a URL or --timeout ms, got "--retries"'],
    [['http://a/', 'http://b/'], '`arguments` must be one URL only, got "http://b/"'],
  ])('exits 2 with a one-line message for %p', async (args, message) => {
    const run = await probe(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`statuskit-probe: ${message}`);
    expect(run.stderr).toMatch(/^[^\n]+\n$/); // one line
  });

  it('exits 2 when PORT is not a port', async () => {
    const run = await probe([], { PORT: 'http' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^statuskit-probe: `PORT` must be an integer ≥ 1 ≤ 65535, got "http"[^\n]*\n$/,
    );
  });

  it('keeps a password in the URL out of its message', async () => {
    const run = await probe(['ftp://admin:s3cret@127.0.0.1/']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('s3cret');
  });
});

describe('statuskit-probe against healthRoutes', () => {
  it('fails before the first round of checks and passes after, on /readyz and /startupz', async () => {
    const manager = new DependencyManager({ registry: false });
    manager.register({ id: 'db', urgency: 'REQUIRED', check: () => undefined });
    const s = await serve(express().use(healthRoutes(manager)));
    try {
      expect((await probe([], { PORT: String(s.port) })).code).toBe(1);
      expect((await probe([`${s.url}/startupz`])).code).toBe(1);
      await manager.start();
      expect(await probe([], { PORT: String(s.port) })).toMatchObject({
        code: 0,
        stdout: `200 ${s.url}/readyz ok\n`,
      });
      expect((await probe([`${s.url}/startupz`])).code).toBe(0);
      manager.drain();
      expect(await probe([`${s.url}/readyz`])).toMatchObject({
        code: 1,
        stderr: `503 ${s.url}/readyz not ready: draining\n`,
      });
    } finally {
      await manager.stop();
    }
  });
});
