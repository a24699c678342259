import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anchorsOf, brokenLinks, githubSlug, relativeLinks } from '../../support/markdownLinks';

describe('GitHub heading anchors', () => {
  it.each([
    ['Quick start', 'quick-start'],
    [
      'HTTP: health routes, probes, short-circuit and graceful shutdown',
      'http-health-routes-probes-short-circuit-and-graceful-shutdown',
    ],
    ['Load balancers (HAProxy, AWS ALB, nginx)', 'load-balancers-haproxy-aws-alb-nginx'],
    ["Redis: never stuck behind ioredis's offline queue", 'redis-never-stuck-behind-iorediss-offline-queue'],
    ['`manager.start()` / `manager.stop()`', 'managerstart--managerstop'],
    ['DEPENDENCY\\_ID\\_PATTERN', 'dependency_id_pattern'],
    ['fallback()', 'fallback'],
    ['Chaos: every component under load', 'chaos-every-component-under-load'],
    ['[Linked](x.md) **bold** heading', 'linked-bold-heading'],
    ['Grüße → Ünïcode', 'grüße--ünïcode'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  it('numbers repeated headings, reads HTML ids and ignores headings inside code blocks', () => {
    const md = [
      '# API',
      '## fallback',
      '### Fallback',
      '```sh',
      '# not a heading',
      '```',
      '<a id="property-x"></a> x',
    ].join('\n');
    expect([...anchorsOf(md)].sort()).toEqual(['api', 'fallback', 'fallback-1', 'property-x']);
  });
});

describe('relative links', () => {
  it('finds inline links and reference definitions, not URLs or links inside code', () => {
    const md = [
      'See [a](docs/a.md#b-c), [b](#top "title"), ![img](img/x.png) and [web](https://example.com).',
      '`[code](nope.md)`',
      '```md',
      '[fenced](nope.md)',
      '```',
      '[ref]: ../SECURITY.md',
    ].join('\n');
    expect(relativeLinks(md).map((l) => [l.line, l.target, l.anchor])).toEqual([
      [1, 'docs/a.md', 'b-c'],
      [1, '', 'top'],
      [1, 'img/x.png', undefined],
      [6, '../SECURITY.md', undefined],
    ]);
  });

  it('reports a missing file and a missing heading, and accepts what exists', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs/retry.md'), '# Retry\n\n## The backoff schedule\n');
    fs.writeFileSync(
      path.join(dir, 'README.md'),
      [
        '# Top',
        '[ok](docs/retry.md#the-backoff-schedule) [self](#top) [dir](docs)',
        '[gone](docs/gone.md) [anchor](docs/retry.md#backoff) [self-bad](#nope)',
      ].join('\n'),
    );
    try {
      expect(brokenLinks(path.join(dir, 'README.md'), dir)).toEqual([
        'README.md:3 docs/gone.md: docs/gone.md does not exist',
        'README.md:3 docs/retry.md#backoff: no heading #backoff in docs/retry.md',
        'README.md:3 #nope: no heading #nope in README.md',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
