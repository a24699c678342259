import express from 'express';
import fc from 'fast-check';
import { flagsAdmin } from '../../../middleware/flags/flagsAdmin';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { MemoryFlagStore } from '../../../src/flags/MemoryFlagStore';
import { method, pathSegment, plainText, printable, queryString } from '../support/arbitraries';
import { scaled } from '../support/budget';
import { ensure, send, type Probe } from '../support/inject';
import { unsafeParts } from '../support/safeBody';

const TOKEN = 'reliability-token-0123456789abcdef';
const RUNS = scaled(1500, 20_000);

/** The test's own reading of `Authorization` (RFC 6750): is this the right bearer token? */
function authorized(header: string | undefined): boolean {
  const m = header === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m !== null && m[1] === TOKEN;
}

const authorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Bearer ${TOKEN}`),
  fc.constantFrom(
    `bearer ${TOKEN}`,
    `Bearer \t${TOKEN} `,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN.toUpperCase()}`,
    `Basic ${TOKEN}`,
    `Bearer ${TOKEN} ${TOKEN}`,
    TOKEN,
    'Bearer',
    'Bearer ',
  ),
  printable(80).map((s) => `Bearer ${s}`),
  printable(80),
);

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset="',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json, text/plain',
    '',
  ),
  printable(60),
);

const description = fc.oneof(
  plainText(40),
  fc.integer({ min: 1000, max: 1100 }).map((n) => 'd'.repeat(n)),
);
const fieldName = fc.stringMatching(/^[A-Za-z_]{1,12}$/);

/** Bodies: well-formed flag changes, JSON of every shape, broken JSON, binary, oversized. */
const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .record({ enabled: fc.boolean(), description }, { requiredKeys: ['enabled'] })
    .map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record({ enabled: fc.jsonValue({ maxDepth: 1 }), description: fc.jsonValue({ maxDepth: 1 }) })
    .map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc
    .integer({ min: 3900, max: 9000 })
    .map((n) => JSON.stringify({ enabled: true, description: 'x'.repeat(n) })),
  fc.constantFrom(
    '',
    '{',
    '{"enabled":tru}',
    'null',
    '[]',
    '"enabled"',
    '{"enabled":true,"enabled":"no"}',
    '{"__proto__":{"enabled":true}}',
    '{"constructor":{"prototype":{"enabled":true}}}',
    '\ufeff{"enabled":true}',
  ),
);

/** Mostly the valid value, sometimes anything: most cases differ from a good request in a field or two. */
function mostly<T>(valid: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: any });
}

const goodBody = fc
  .record({ enabled: fc.boolean(), description: plainText(40) }, { requiredKeys: ['enabled'] })
  .map((b) => JSON.stringify(b));

const probe: fc.Arbitrary<Probe> = fc
  .record({
    method: mostly(fc.constant('PUT'), method),
    target: mostly(
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/).map((k) => `/admin/flags/${k}`),
      fc.oneof(
        fc.constantFrom('/admin/flags', '/admin/flags/', '/admin/flags/checkout', '/admin/flags/beta.search'),
        pathSegment.map((s) => `/admin/flags/${s}`),
        fc.tuple(pathSegment, pathSegment).map(([a, b]) => `/admin/flags/${a}/${b}`),
      ),
    ),
    query: mostly(fc.constant(''), queryString),
    authorization: mostly(fc.constant(`Bearer ${TOKEN}`), authorization),
    contentType: mostly(fc.constant('application/json'), contentType),
    contentEncoding: mostly(
      fc.constant(undefined),
      fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
    ),
    actor: mostly(fc.option(plainText(20), { nil: undefined }), printable(140)),
    body: mostly(goodBody, body),
  })
  .map((r) => {
    const headers: Record<string, string> = {};
    if (r.authorization !== undefined) headers.authorization = r.authorization;
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    if (r.contentEncoding !== undefined) headers['content-encoding'] = r.contentEncoding;
    if (r.actor !== undefined) headers['x-statuskit-actor'] = r.actor;
    const p: Probe = { method: r.method, url: r.target + r.query, headers };
    if (r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD') p.body = r.body;
    return p;
  });

/** Whether the URL, once dot segments are resolved as every HTTP client does, lies under the API. */
function reachesAdmin(url: string): boolean {
  return /^\/admin\/flags(?:\/|$)/i.test(pathOf(url));
}

/** The path as the server sees it: dot segments resolved, `\\` read as `/` (WHATWG URL). */
function pathOf(url: string): string {
  return new URL(url, 'http://host').pathname;
}

/** A request the API must accept: authorized, valid key, JSON body within every limit. */
function mustAccept(p: Probe): boolean {
  if (p.method !== 'PUT' || !authorized(p.headers.authorization)) return false;
  const key = /^\/admin\/flags\/([^/]+)$/.exec(pathOf(p.url))?.[1];
  if (key === undefined || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(key)) return false;
  if (!['application/json', 'application/json; charset=utf-8'].includes(p.headers['content-type'] ?? '')) {
    return false;
  }
  const enc = p.headers['content-encoding'];
  if (enc !== undefined && enc !== 'identity') return false;
  const actor = p.headers['x-statuskit-actor'];
  if (actor !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9 ]*[A-Za-z0-9])?$/.test(actor)) return false;
  if (typeof p.body !== 'string' || Buffer.byteLength(p.body) > 4096) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const b = parsed as Record<string, unknown>;
  if (Object.keys(b).some((k) => k !== 'enabled' && k !== 'description')) return false;
  if (typeof b.enabled !== 'boolean') return false;
  return b.description === undefined || (typeof b.description === 'string' && b.description.length <= 1024);
}

describe('flagsAdmin under generated input (fast-check)', () => {
  let store: MemoryFlagStore;
  let flags: FeatureFlags;
  let app: express.Express;

  beforeAll(async () => {
    store = new MemoryFlagStore([
      { key: 'checkout', enabled: true, description: 'New checkout', updatedAt: 1, updatedBy: 'seed' },
    ]);
    flags = new FeatureFlags({ store, defaults: { 'beta.search': false }, registry: false });
    await flags.start();
    app = express();
    // Express's own final handler shows the stack of any error a router passes on, in every env
    // but 'production' ('test' only keeps it off the console): an error escaping flagsAdmin shows.
    app.set('env', 'test');
    app.use('/admin', flagsAdmin(flags, { token: TOKEN }));
  });
  afterAll(() => flags.stop());

  async function state(): Promise<string> {
    return JSON.stringify({ list: flags.list(), stored: await store.load() });
  }

  it(
    'never answers 5xx, never shows a stack or the token, and changes nothing unless it says 200',
    async () => {
      let accepted = 0;
      let refusedAuth = 0;
      await fc.assert(
        fc.asyncProperty(probe, async (p) => {
          const before = await state();
          const res = await send(app, p);
          ensure(res.status < 500, 'answered 5xx', p, res);
          const unsafe = unsafeParts(res.text, [TOKEN], `${p.url} ${String(p.body)}`);
          ensure(unsafe.length === 0, `unsafe answer (${unsafe.join(', ')})`, p, res);
          // A dot segment may lead elsewhere (Express's 404): then only the state is judged.
          if (reachesAdmin(p.url) && !authorized(p.headers.authorization)) {
            refusedAuth++;
            ensure(
              res.status === 401 || res.status === 403,
              'let a request without the token through',
              p,
              res,
            );
          }
          if (mustAccept(p)) ensure(res.status === 200, 'refused a valid change', p, res);
          if (p.method === 'PUT' && res.status === 200) {
            accepted++;
            const key = decodeURIComponent(/^\/admin\/flags\/([^/]+)/.exec(pathOf(p.url))![1]);
            const sent = JSON.parse(String(p.body).replace(/^\ufeff/, '')) as { enabled: boolean }; // JSON parsers skip a BOM
            ensure(flags.isEnabled(key) === sent.enabled, 'answered 200 without storing the change', p, res);
          } else {
            ensure((await state()) === before, `changed state while answering ${res.status}`, p, res);
          }
        }),
        { numRuns: RUNS },
      );
      // The generators must reach both sides of the gate, or the property proves little.
      expect(accepted).toBeGreaterThan(RUNS / 100);
      expect(refusedAuth).toBeGreaterThan(RUNS / 10);
    },
    scaled(120_000, 600_000),
  );
});
