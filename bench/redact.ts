/**
 * Cost of `redact` per call. It runs when a result lands (and when an error is stored or a line is
 * logged), never per request, so this is the price of one result, not of one probe.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/redact.js   (BENCH_QUICK=1: shorter)
 * Not part of `npm run bench`'s suites: a micro-benchmark of one pure function.
 */
import { redact } from '../src/redaction/redact';

const QUICK = process.env.BENCH_QUICK === '1';

const INPUTS: Record<string, string> = {
  'plain (40 chars)': 'connect ECONNREFUSED 127.0.0.1:6379 oops',
  'plain check message (90 chars)':
    'GET https://api.example.com/v1/items → 503 in 12 ms; token refresh failed, retry in 5 s',
  'five secrets (200 chars)':
    'redis://user:p@ss/w+rd@cache:6379 client_secret=cs_8a7b6c password="correct horse battery" ' +
    'Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG',
  'error with a stack (1 KB)': `Error: boom\n${'    at fn (/app/dist/src/module.js:12:34)\n'.repeat(24)}`,
  'long prose (4 KB)': 'the upstream answered slowly and the pool is warm again; '.repeat(72),
  'one 64 KB base64 run': 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789'.repeat(1456),
  // Adversarial: the worst shapes found for the patterns (each part of a key and a URL is bounded).
  'adversarial 64 KB "x://" run': 'x://'.repeat(16384),
  'adversarial 64 KB "token-" run': 'token-'.repeat(10923),
  'adversarial 64 KB "AB_KEY_" run': 'AB_KEY_'.repeat(9363),
};

function perCallUs(text: string): number {
  const budgetMs = QUICK ? 150 : 600;
  const warmup = text.length > 10_000 ? 3 : 200;
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += redact(text).length; // warm up
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const batch = text.length > 10_000 ? 1 : 50;
    for (let i = 0; i < batch; i++) sink += redact(text).length;
    calls += batch;
  }
  const us = ((performance.now() - t0) * 1000) / calls;
  if (sink === 0) throw new Error('unreachable');
  return us;
}

for (const [name, text] of Object.entries(INPUTS)) {
  console.log(`${name.padEnd(32)} ${perCallUs(text).toFixed(2).padStart(10)} µs/call`);
}
