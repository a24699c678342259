import { redact, redactSafeError, toSafeError } from '../../../src/redaction/redact';

describe('redact masks every form of secret', () => {
  it.each([
    // URL userinfo, whatever it contains
    ['redis://app:s3cret@db:6379', 'redis://***@db:6379'],
    ['redis://:ab/cd+ef@cache:6379', 'redis://***@cache:6379'],
    ['redis://user:p@ss@cache', 'redis://***@cache'],
    ['redis://user:p@ss/w+rd@host', 'redis://***@host'],
    ['connect postgres://shop:s3cret@db:5432/shop failed', 'connect postgres://***@db:5432/shop failed'],
    // k=v
    ['token refresh failed for client_secret=cs_8a7b6c', 'token refresh failed for client_secret=***'],
    ['password=hunter2', 'password=***'],
    ['passwd=hunter2 pwd=hunter3', 'passwd=*** pwd=***'],
    ['secret=abc token=def', 'secret=*** token=***'],
    ['api_key=k1 apikey=k2 api-key=k3', 'api_key=*** apikey=*** api-key=***'],
    ['refresh_token=r1', 'refresh_token=***'],
    ['auth=xyz', 'auth=***'],
    // k: v
    ['password: hunter2', 'password: ***'],
    ['x-api-key: abcd', 'x-api-key: ***'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: ***'],
    ['authorization: Basic dXNlcjpwYXNz', 'authorization: ***'],
    ['accessToken: xyz, maxTokens: 5', 'accessToken: ***, maxTokens: 5'],
    // "k":"v" and quoted values with spaces
    ['{"password":"x y","user":"bob"}', '{"password":"***","user":"bob"}'],
    ['{"client_secret": "cs 1"}', '{"client_secret": "***"}'],
    ["{'api_key': 'k k'}", "{'api_key': '***'}"],
    ['{\\"token\\":\\"abc def\\"}', '{\\"token\\":\\"***\\"}'],
    ['password="correct horse battery"', 'password="***"'],
    ["password='correct horse battery'", "password='***'"],
    ['password="never closed, with spaces', 'password="***'],
    // URL query
    ['GET /cb?access_token=abc123&x=1', 'GET /cb?access_token=***&x=1'],
    [
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=AK&X-Amz-Signature=deadbeef&X-Amz-Expires=60',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=AK&X-Amz-Signature=***&X-Amz-Expires=60',
    ],
    [
      'https://x.blob.core.windows.net/c?sv=2024&sig=abc%2Bdef',
      'https://x.blob.core.windows.net/c?sv=2024&sig=***',
    ],
    ['?signature=def&id=1', '?signature=***&id=1'],
    ['https://api.example.com/v1?token=abc#frag', 'https://api.example.com/v1?token=***'],
    // env style
    ['AWS_SECRET_ACCESS_KEY=wJalr/XUt+n', 'AWS_SECRET_ACCESS_KEY=***'],
    [
      'STRIPE_KEY=sk_live_1 MYSECRETVAR=v GITHUB_TOKEN=ghp_x',
      'STRIPE_KEY=*** MYSECRETVAR=*** GITHUB_TOKEN=***',
    ],
    ['DB_PASSWORD=p4ss', 'DB_PASSWORD=***'],
    // Bearer / Basic
    ['Bearer abc123 and Basic dXNlcjpwYXNz', 'Bearer *** and Basic ***'],
    ['header bearer eyJhbGciOi.eyJzdWIi.sig', 'header bearer ***'],
    // everything at once, and a pair after another key
    ['Error: password=abc', 'Error: password=***'],
    [
      'NOAUTH redis://u:p@h (Authorization: Bearer t0k) password="a b"',
      'NOAUTH redis://***@h (Authorization: *** password="***"',
    ],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('drops stack frames', () => {
    expect(redact('boom\n    at fn (/app/x.js:1:2)\n    at other (node:internal)')).toBe('boom');
  });

  it('is idempotent', () => {
    const once = redact('redis://u:p@h password="a b" Bearer x1 AWS_SECRET_ACCESS_KEY=k');
    expect(redact(once)).toBe(once);
  });
});

describe('redact leaves prose alone', () => {
  it.each([
    'token refresh failed',
    'password reset queue is empty',
    'Bearer token expired; basic checks passed',
    'the secret manager answered 503',
    'tokens: 3 remaining, tokenizer ready, passwordless login on',
    'connect ECONNREFUSED 127.0.0.1:6379',
    'GET https://api.example.com/v1/items → 503 in 12 ms',
    'cache key users:42 missed',
    'NOAUTH Authentication required.',
  ])('%s', (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('errors', () => {
  it('toSafeError redacts every level and keeps no stack', () => {
    const err = new Error('auth with client_secret=cs_1 failed', { cause: new Error('redis://u:p@ss@h') });
    expect(toSafeError(err)).toEqual({
      name: 'Error',
      message: 'auth with client_secret=*** failed',
      cause: { name: 'Error', message: 'redis://***@h' },
    });
  });

  it('toSafeError redacts a thrown object in JSON form', () => {
    expect(toSafeError({ code: 'E', password: 'x y' }).message).toBe('{"code":"E","password":"***"}');
  });

  it('redactSafeError redacts an error that did not come from toSafeError', () => {
    expect(
      redactSafeError({ name: 'E', message: 'token=abc', cause: { name: 'E', message: 'Bearer x1' } }),
    ).toEqual({
      name: 'E',
      message: 'token=***',
      cause: { name: 'E', message: 'Bearer ***' },
    });
  });
});
