import { dcStatusFor, groupByStatus, viewResult } from '../../../middleware/health/healthDocuments';
import { buildHealthJson, healthJsonStatus } from '../../../middleware/health/buildHealthJson';
import { isLoopbackAddress } from '../../../middleware/health/privateAccess';
import { escapeHtml } from '../../../middleware/health/statusPageRenderer';
import type { CheckResult } from '../../../src/dependencies/CheckResult';
import type { CheckStatus } from '../../../src/status/CheckStatus';

function result(id: string, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    status,
    message: 'ok',
    description: '',
    urgency: 'REQUIRED',
    type: 'other',
    timestamp: 1_700_000_000_000,
    durationMs: 1,
    lastKnownGoodTimestamp: 0,
    consecutiveFailures: 0,
    ...extra,
  };
}

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.10.20.30', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])('accepts %s', (a) => {
    expect(isLoopbackAddress(a)).toBe(true);
  });
  it.each(['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '128.0.0.1', '127.0.0.1.evil', '', undefined])(
    'refuses %p',
    (a) => {
      expect(isLoopbackAddress(a)).toBe(false);
    },
  );
});

describe('the documents', () => {
  it('dcStatus is FAILOVER exactly when the code is not 2xx', () => {
    expect([200, 204, 299, 300, 429, 503].map(dcStatusFor)).toEqual([
      'ONLINE',
      'ONLINE',
      'ONLINE',
      'FAILOVER',
      'FAILOVER',
      'FAILOVER',
    ]);
  });

  it('maps statuses to pass / warn / fail', () => {
    expect((['OK', 'MINOR', 'MAJOR', 'OUTAGE'] as const).map(healthJsonStatus)).toEqual([
      'pass',
      'warn',
      'warn',
      'fail',
    ]);
  });

  it('groups results worst first, each group sorted by id, only non-empty groups', () => {
    const groups = groupByStatus([
      result('b', 'OK'),
      result('c', 'OUTAGE'),
      result('a', 'OK'),
      result('d', 'MINOR'),
    ]);
    expect(Object.keys(groups)).toEqual(['OUTAGE', 'MINOR', 'OK']);
    expect(groups.OK!.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('keeps observed values in the health+json document', () => {
    const r = result('lag', 'MINOR', { observedValue: 120, observedUnit: 'ms', message: 'lagging' });
    const doc = buildHealthJson(
      { systemStatus: 'MINOR', results: [r], timestamp: 0, durationMs: 0, get: () => r },
      'app',
      false,
    );
    expect(doc.checks['lag:status'][0]).toMatchObject({
      observedValue: 120,
      observedUnit: 'ms',
      status: 'warn',
    });
  });

  it('drops any stack from an error view', () => {
    const view = viewResult(
      result('x', 'OUTAGE', { error: { name: 'Error', message: 'boom\n    at foo (/app/x.js:1:2)' } }),
    );
    expect(view.error).toEqual({ name: 'Error', message: 'boom' });
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
