import { EventEmitter } from 'node:events';
import { HealthAnswers } from '../../../middleware/health/HealthAnswers';
import { resolveHealthOptions } from '../../../middleware/health/HealthRoutesOptions';
import type { HealthSource } from '../../../middleware/HealthSource';
import type { CheckResult, CheckResultSet } from '../../../src/dependencies/CheckResult';

function source(message: () => string): HealthSource & EventEmitter {
  const src = Object.assign(new EventEmitter(), {
    version: 0,
    statusOf: () => undefined,
    systemStatus: 'OK' as const,
    draining: false,
    ready: true,
    snapshot(): CheckResultSet {
      const r: CheckResult = {
        id: 'db',
        status: 'OK',
        message: message(),
        description: '',
        urgency: 'REQUIRED',
        type: 'database',
        timestamp: 0,
        durationMs: 1,
        lastKnownGoodTimestamp: 0,
        consecutiveFailures: 0,
        observedValue: 7,
        observedUnit: 'ms',
      };
      return { systemStatus: 'OK', results: [r], timestamp: 0, durationMs: 0, get: () => r };
    },
    evaluate: () => Promise.reject(new Error('not used')),
  });
  // Like the real manager, every event that can change an answer moves the version.
  src.on('checked', () => src.version++);
  return src;
}

describe('HealthAnswers keeps both health+json variants per snapshot', () => {
  it('serialises each variant once per change, not per request', () => {
    let text = 'first';
    const src = source(() => text);
    const answers = new HealthAnswers(src, resolveHealthOptions({ hostname: 'h' }, 'app'));
    const full = answers.healthJson(true);
    const pub = answers.healthJson(false);
    expect(answers.healthJson(true)).toBe(full);
    expect(answers.healthJson(false)).toBe(pub);
    expect(JSON.parse(full.body.toString()).checks['db:status'][0]).toMatchObject({
      output: 'first',
      observedValue: 7,
    });
    expect(JSON.parse(pub.body.toString()).checks['db:status'][0]).toEqual({
      componentId: 'db',
      componentType: 'database',
      status: 'pass',
      time: '1970-01-01T00:00:00.000Z',
      condition: 'OK',
      urgency: 'REQUIRED',
    });

    text = 'second';
    src.emit('checked', {});
    const fullAfter = answers.healthJson(true);
    expect(fullAfter).not.toBe(full);
    expect(JSON.parse(fullAfter.body.toString()).checks['db:status'][0].output).toBe('second');
    expect(answers.healthJson(false)).not.toBe(pub);
  });
});
