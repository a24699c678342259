import { ConfigError } from '../../../src/errors/ConfigError';
import {
  decodeFields,
  encodeEvent,
  eventFields,
  parsePayload,
  reviewToEvent,
} from '../../../src/outbox/OutboxEvent';

describe('outbox event encoding', () => {
  it('serialises the payload as JSON and keeps a given id', () => {
    expect(encodeEvent({ type: 'order.placed', payload: { n: 1 }, id: 'o-1' }, 42)).toEqual({
      id: 'o-1',
      type: 'order.placed',
      payload: '{"n":1}',
      createdAt: 42,
    });
  });

  it('generates a UUID when no id is given and stores undefined as null', () => {
    const e = encodeEvent({ type: 't', payload: undefined }, 1);
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(e.payload).toBe('null');
  });

  it.each([
    ['event', null],
    ['event.type', { payload: 1 }],
    ['event.type', { type: 'x'.repeat(201), payload: 1 }],
    ['event.id', { type: 't', payload: 1, id: '' }],
    ['event.id', { type: 't', payload: 1, id: 'x'.repeat(257) }],
    ['event.payload', { type: 't', payload: 1n }],
    [
      'event.payload',
      {
        type: 't',
        payload: (() => {
          const a: Record<string, unknown> = {};
          a.self = a;
          return a;
        })(),
      },
    ],
  ])('rejects a bad %s with ConfigError', (option, event) => {
    expect(() => encodeEvent(event, 0)).toThrow(ConfigError);
    try {
      encodeEvent(event, 0);
    } catch (err) {
      expect((err as ConfigError).option).toBe(option);
    }
  });

  it('round-trips through stream fields', () => {
    const stored = encodeEvent({ type: 't', payload: [1, 'a'], id: 'x' }, 7);
    expect(decodeFields(eventFields(stored))).toEqual(stored);
  });

  it('does not decode an entry another writer added', () => {
    expect(decodeFields(['foo', 'bar'])).toBeUndefined();
  });

  it('hands over a payload that is not JSON as its text', () => {
    expect(parsePayload('{"a":1}')).toEqual({ a: 1 });
    expect(parsePayload('not json')).toBe('not json');
  });

  it('shows a parked record as a MANUAL_REVIEW_REQUIRED event', () => {
    const lastError = { name: 'Error', message: 'x' };
    expect(
      reviewToEvent({
        id: 'a',
        type: 't',
        payload: '1',
        createdAt: 1,
        attempts: 3,
        lastError,
        reviewAt: 2,
        streamId: '1-0',
      }),
    ).toEqual({
      id: 'a',
      type: 't',
      payload: 1,
      createdAt: 1,
      attempts: 3,
      streamId: '1-0',
      status: 'MANUAL_REVIEW_REQUIRED',
      lastError,
      reviewAt: 2,
    });
  });
});
