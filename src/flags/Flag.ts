import { ConfigError } from '../errors/ConfigError';

/** Valid flag keys (safe in a Redis key, a URL path and a log line): letters, digits and `._:-`, starting with a letter or digit, 1–128 characters. */
export const FLAG_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Longest accepted flag description, in characters. */
export const MAX_DESCRIPTION_LENGTH = 1024;

/** Longest accepted actor name, in characters. */
export const MAX_ACTOR_LENGTH = 128;

/** One feature flag as stored and listed. */
export interface Flag {
  /** The flag's key, matching {@link FLAG_KEY_PATTERN}. */
  readonly key: string;
  /** Whether the feature is on. */
  readonly enabled: boolean;
  /** What the flag switches, for operators; `''` when none was given. */
  readonly description: string;
  /** When it was last set (epoch ms). */
  readonly updatedAt: number;
  /** Who last set it: the `actor` given to `set()`, e.g. the admin API's `X-Statuskit-Actor`. */
  readonly updatedBy: string;
}

/** `true` when `key` is a string matching {@link FLAG_KEY_PATTERN}. Never throws. */
export function isValidFlagKey(key: unknown): key is string {
  return typeof key === 'string' && FLAG_KEY_PATTERN.test(key);
}

/** Throws {@link ConfigError} (option `key`) unless `key` is a valid flag key; returns it typed. */
export function assertFlagKey(key: unknown, option = 'key'): string {
  if (!isValidFlagKey(key)) {
    throw new ConfigError(option, key, 'a flag key matching /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/');
  }
  return key;
}

/** Throws {@link ConfigError} unless `value` is `undefined` or a string of at most `max` characters. */
export function assertOptionalText(option: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new ConfigError(option, value, `a string of at most ${max} characters`);
  }
  return value;
}

/**
 * Reads a flag from untrusted JSON (a Redis hash field or a pub/sub message); `undefined` when it
 * is not a well-formed flag for `expectedKey` (or for any valid key when `expectedKey` is omitted).
 */
export function parseFlag(json: string, expectedKey?: string): Flag | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (!isValidFlagKey(r.key) || (expectedKey !== undefined && r.key !== expectedKey)) return undefined;
  if (typeof r.enabled !== 'boolean') return undefined;
  return Object.freeze({
    key: r.key,
    enabled: r.enabled,
    description: typeof r.description === 'string' ? r.description : '',
    updatedAt: typeof r.updatedAt === 'number' && Number.isFinite(r.updatedAt) ? r.updatedAt : 0,
    updatedBy: typeof r.updatedBy === 'string' ? r.updatedBy : 'unknown',
  });
}

/** `true` when two versions of a flag differ in what users see (state or description). */
export function flagDiffers(a: Flag | undefined, b: Flag | undefined): boolean {
  if (a === undefined || b === undefined) return a !== b;
  return a.enabled !== b.enabled || a.description !== b.description;
}
