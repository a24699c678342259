import { hasHashTag, outboxKeys } from '../../../src/outbox/keys';

describe('outboxKeys', () => {
  it('puts the last segment of an untagged name in braces and derives every key from it', () => {
    expect(outboxKeys('statuskit:outbox')).toEqual({
      stream: 'statuskit:{outbox}',
      state: 'statuskit:{outbox}:state',
      review: 'statuskit:{outbox}:review',
      idPrefix: 'statuskit:{outbox}:id:',
    });
  });

  it('uses a name that already has a hash tag as it is', () => {
    expect(outboxKeys('shop:{orders}:outbox').review).toBe('shop:{orders}:outbox:review');
  });

  it('wraps a name without a colon, or ending in one, whole', () => {
    expect(outboxKeys('jobs').stream).toBe('{jobs}');
    expect(outboxKeys('jobs:').stream).toBe('{jobs:}');
  });

  it("follows Redis's rule that an empty {} is no hash tag", () => {
    expect(hasHashTag('a{}b')).toBe(false);
    expect(hasHashTag('a{}{b}')).toBe(false);
    expect(hasHashTag('a{b}')).toBe(true);
    expect(outboxKeys('x:{}').stream).toBe('x:{{}}');
  });
});
