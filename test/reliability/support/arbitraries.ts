import fc from 'fast-check';

/** Printable ASCII (0x20–0x7e): what survives as an HTTP header value. */
export function printable(maxLength: number, minLength = 0): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength,
    maxLength,
  });
}

/** Letters, digits and spaces: text the kit may echo back without it looking like anything. */
export function plainText(maxLength: number): fc.Arbitrary<string> {
  return fc.stringMatching(new RegExp(`^[A-Za-z0-9 ]{0,${maxLength}}$`));
}

/** A path segment: valid-looking names, encoded Unicode, raw or broken percent-encoding, dots. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  fc.stringMatching(/^[%A-Za-z0-9./\\:;,=+~!$&'()*@-]{0,24}$/),
  fc.constantFrom('..', '.', '%2e%2e', '%zz', '%E0%A4%A', '%00', '%2F', '%u0041', 'x'.repeat(200), ''),
);

/** Query strings, including broken encodings and repeated keys. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^\?[%A-Za-z0-9=&.\[\]-]{0,30}$/),
  fc.constantFrom('?', '?a=%zz', '?a[b]=1&a=2', '?__proto__[x]=1', `?${'k=v&'.repeat(200)}`),
);

/** HTTP methods a client may send. */
export const method = fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS');

/** `Accept` values: the ones the kit negotiates, odd ones, and junk. */
export const accept: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    '*/*',
    'application/json',
    'application/health+json',
    'application/health+json;q=0.1, application/json',
    'text/html',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'text/plain',
    'image/png',
    'application/openmetrics-text; version=1.0.0',
    'text/html;q=0, application/json;q=0',
    ';;;,,,',
    '*/*;q=abc',
  ),
  printable(120),
);
