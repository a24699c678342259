import { safeUrl } from '../../../checks/http/safeUrl';
import { describeNetError } from '../../../checks/shared/describeNetError';
import { formatBytes, formatRatio } from '../../../checks/shared/format';

describe('what check messages show', () => {
  it.each([
    ['https://u:p@api.example.com/health?token=abc#x', 'https://***@api.example.com/health?token=***'],
    ['http://127.0.0.1:8080/health', 'http://127.0.0.1:8080/health'],
    ['http://h/?a=1&a=2&sig=zzz', 'http://h/?a=***&sig=***'],
    ['http://:only-password@h/', 'http://***@h/'],
  ])('shows %s as %s', (input, shown) => {
    expect(safeUrl(new URL(input))).toBe(shown);
  });

  it('names common socket errors in words and keeps the detail', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(describeNetError(err)).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:6379)');
    expect(describeNetError(new Error('odd'))).toBe('odd');
    expect(describeNetError('text')).toBe('text');
  });

  it('redacts secrets and drops stacks from error details', () => {
    const err = new Error('auth failed for redis://app:s3cret@db:6379\n    at Socket.x (net.js:1:1)');
    expect(describeNetError(err)).toBe('auth failed for redis://***@db:6379');
  });

  it.each([
    [0, '0 B'],
    [1536, '1.5 KiB'],
    [5 * 2 ** 30, '5 GiB'],
    [2 ** 60, '1024 PiB'],
  ])('formats %p bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('formats ratios as percentages', () => {
    expect(formatRatio(0.1234)).toBe('12.3%');
    expect(formatRatio(1)).toBe('100%');
  });
});
