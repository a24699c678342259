import { diskCheck } from '../../../checks/diskCheck';
import { eventLoopCheck } from '../../../checks/eventLoopCheck';
import { httpCheck } from '../../../checks/httpCheck';
import { memoryCheck } from '../../../checks/memoryCheck';
import { redisCheck } from '../../../checks/redisCheck';
import { statuskitCheck } from '../../../checks/statuskitCheck';
import { tcpCheck } from '../../../checks/tcpCheck';
import { ConfigError } from '../../../src/errors/ConfigError';

function optionOf(build: () => unknown): string | undefined {
  try {
    build();
  } catch (err) {
    if (err instanceof ConfigError) return err.option;
    throw err;
  }
  return undefined;
}

describe('built-in checks validate their options at construction', () => {
  it.each([
    ['redisCheck without a client', () => redisCheck({} as never), 'client'],
    ['httpCheck with an ftp URL', () => httpCheck('ftp://example.com'), 'url'],
    ['httpCheck with no URL', () => httpCheck('not a url'), 'url'],
    ['httpCheck with an empty expect list', () => httpCheck('http://x', { expect: [] }), 'expect'],
    ['httpCheck with a bad status in expect', () => httpCheck('http://x', { expect: [700] }), 'expect'],
    [
      'httpCheck with a negative maxBodyBytes',
      () => httpCheck('http://x', { maxBodyBytes: -1 }),
      'maxBodyBytes',
    ],
    [
      'httpCheck with a string followRedirects',
      () => httpCheck('http://x', { followRedirects: 'yes' as never }),
      'followRedirects',
    ],
    ['httpCheck with a bad urgency', () => httpCheck('http://x', { urgency: 'HIGH' as never }), 'urgency'],
    ['tcpCheck with port 0', () => tcpCheck({ host: 'db', port: 0 }), 'port'],
    ['tcpCheck with no host', () => tcpCheck({ host: '', port: 5432 }), 'host'],
    ['eventLoopCheck with an unknown stat', () => eventLoopCheck({ stat: 'p75' as never }), 'stat'],
    ['eventLoopCheck with descending bounds', () => eventLoopCheck({ maxOk: 100, maxMinor: 50 }), 'maxMinor'],
    [
      'memoryCheck with every figure off',
      () => memoryCheck({ heapUsedRatio: false }),
      'heapUsedRatio or rssBytes',
    ],
    [
      'memoryCheck with bad RSS bounds',
      () => memoryCheck({ rssBytes: { maxOk: -1 - Infinity } }),
      'rssBytes.maxOk',
    ],
    ['diskCheck with no path', () => diskCheck(''), 'path'],
    [
      'diskCheck with ascending floors',
      () => diskCheck('/', { minFreeRatio: { minOk: 0.1, minMinor: 0.2 } }),
      'minFreeRatio.minMinor',
    ],
    ['statuskitCheck with a bad timeout', () => statuskitCheck('http://x', { timeoutMs: -5 }), 'timeoutMs'],
  ])('%s → ConfigError', (_what, build, option) => {
    expect(optionOf(build)).toBe(option);
  });

  it('never puts URL credentials in a ConfigError message', () => {
    expect(() => httpCheck('ftp://user:hunter2@files.example.com')).toThrow(ConfigError);
    try {
      httpCheck('ftp://user:hunter2@files.example.com');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('never mutates the URL object it is given', () => {
    const url = new URL('http://orders.internal:3000');
    statuskitCheck(url);
    expect(url.pathname).toBe('/');
  });
});
