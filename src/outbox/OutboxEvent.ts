import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors/ConfigError';
import type { SafeError } from '../redaction/redact';

/** Where an event stands: on the stream (`PENDING`) or parked for a human (`MANUAL_REVIEW_REQUIRED`). */
export type OutboxEventStatus = 'PENDING' | 'MANUAL_REVIEW_REQUIRED';

/** What `add` and `addTo` take. */
export interface NewOutboxEvent<P = unknown> {
  /** What happened, e.g. `'order.placed'`; 1–200 characters. */
  type: string;
  /** Any JSON-serialisable value (`undefined` is stored as `null`). */
  payload: P;
  /** Idempotency key, 1–256 characters: adding an id twice stores one event. @default a random UUID */
  id?: string;
}

/** An event as the handler and `manualReview()` see it. */
export interface OutboxEvent<P = unknown> {
  /** The idempotency key given to `add`, or a random UUID. */
  id: string;
  /** What the event is, e.g. `'order.placed'`. */
  type: string;
  /** The data given to `add`, as read back from its JSON. */
  payload: P;
  /** Epoch ms when it was added. */
  createdAt: number;
  /** Handler: this run's number (1 = first run). Manual review: runs made before it was parked. */
  attempts: number;
  /** The Redis stream entry id. */
  streamId: string;
  /** `'PENDING'` in the handler, `'MANUAL_REVIEW_REQUIRED'` once parked. */
  status: OutboxEventStatus;
  /** Manual review: why the last run failed (redacted, no stack). */
  lastError?: SafeError;
  /** Manual review: epoch ms when it was parked. */
  reviewAt?: number;
}

/** What a handler run gets besides its event. */
export interface OutboxHandlerContext {
  /**
   * Aborts (reason: a `TimeoutError`) when the run outlasts `handlerTimeoutMs`; pass it to the
   * calls the handler makes (`fetch(url, { signal })`) so they stop too.
   */
  readonly signal: AbortSignal;
}

/**
 * Handles one event; a rejection means "run me again later" (up to `maxAttempts` runs), and so
 * does outlasting `handlerTimeoutMs`. A one-parameter handler `(event) => …` fits as well.
 */
export type OutboxHandler<P = unknown> = (
  event: OutboxEvent<P>,
  context: OutboxHandlerContext,
) => Promise<void>;

/** An event as stored in stream fields (payload kept as its JSON text). */
export interface StoredEvent {
  id: string;
  type: string;
  payload: string;
  createdAt: number;
}

/** A parked event as stored in the review hash. */
export interface ReviewRecord extends StoredEvent {
  attempts: number;
  lastError: SafeError;
  reviewAt: number;
  streamId: string;
}

/** Validates and serialises a new event; throws {@link ConfigError} naming the bad field. */
export function encodeEvent(event: unknown, now: number): StoredEvent {
  if (typeof event !== 'object' || event === null) throw new ConfigError('event', event, 'an object');
  const { type, payload, id } = event as Partial<NewOutboxEvent>;
  if (typeof type !== 'string' || type.length === 0 || type.length > 200) {
    throw new ConfigError('event.type', type, 'a string of 1–200 characters');
  }
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 256)) {
    throw new ConfigError('event.id', id, 'a string of 1–256 characters');
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    text = undefined;
  }
  if (payload !== undefined && typeof text !== 'string') {
    throw new ConfigError('event.payload', payload, 'a JSON-serialisable value');
  }
  return { id: id ?? randomUUID(), type, payload: text ?? 'null', createdAt: now };
}

/** The flat `[field, value, …]` list XADD takes. */
export function eventFields(e: StoredEvent): string[] {
  return ['id', e.id, 'type', e.type, 'payload', e.payload, 'createdAt', String(e.createdAt)];
}

/** Reads stream fields back; `undefined` when the entry was not written by an outbox. */
export function decodeFields(fields: readonly unknown[]): StoredEvent | undefined {
  let id: string | undefined;
  let type: string | undefined;
  let payload: string | undefined;
  let createdAt = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = String(fields[i + 1]);
    switch (String(fields[i])) {
      case 'id':
        id = value;
        break;
      case 'type':
        type = value;
        break;
      case 'payload':
        payload = value;
        break;
      case 'createdAt':
        createdAt = Number(value) || 0;
        break;
    }
  }
  if (!id || !type || payload === undefined) return undefined;
  return { id, type, payload, createdAt };
}

/** The payload's value, or its raw text when it is not valid JSON (a foreign writer). */
export function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A manual-review record as the public {@link OutboxEvent}. */
export function reviewToEvent(r: ReviewRecord): OutboxEvent {
  return {
    id: r.id,
    type: r.type,
    payload: parsePayload(r.payload),
    createdAt: r.createdAt,
    attempts: r.attempts,
    streamId: r.streamId,
    status: 'MANUAL_REVIEW_REQUIRED',
    lastError: r.lastError,
    reviewAt: r.reviewAt,
  };
}
