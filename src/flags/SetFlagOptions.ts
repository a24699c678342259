import { ConfigError } from '../errors/ConfigError';
import { assertBoolean, assertOptions } from '../validation/assert';
import {
  assertFlagKey,
  assertOptionalText,
  MAX_ACTOR_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  type Flag,
} from './Flag';

/** Options of `flags.set(key, enabled, opts)`. */
export interface SetFlagOptions {
  /** New description (≤ 1024 characters of well-formed Unicode); omitted keeps the stored one. */
  description?: string;
  /** Who makes the change (≤ 128 characters), recorded as `updatedBy` and logged. @default 'unknown' */
  actor?: string;
}

/** Defaults of {@link SetFlagOptions}. */
export const SET_FLAG_DEFAULTS = Object.freeze({ actor: 'unknown' });

/** A validated `set()` call. */
export interface ResolvedSetFlag {
  key: string;
  enabled: boolean;
  description: string | undefined;
  actor: string;
}

/** Validates the arguments of `set()`, throwing `ConfigError` naming the bad one. */
export function resolveSetFlag(key: unknown, enabled: unknown, opts: unknown): ResolvedSetFlag {
  const o = assertOptions<SetFlagOptions>('options', opts);
  const description = assertOptionalText('description', o.description, MAX_DESCRIPTION_LENGTH);
  // Lone surrogates cannot be stored as UTF-8 (Redis, JSON logs): refuse them rather than mangle.
  if (description !== undefined && /\p{Cs}/u.test(description)) {
    throw new ConfigError('description', description, 'well-formed Unicode text');
  }
  return {
    key: assertFlagKey(key),
    enabled: assertBoolean('enabled', enabled),
    description,
    actor: assertOptionalText('actor', o.actor, MAX_ACTOR_LENGTH) || SET_FLAG_DEFAULTS.actor,
  };
}

/** A `set()` in flight; `seen` turns true once its own notice has come back from the store. */
export interface PendingSet extends ResolvedSetFlag {
  at: number;
  seen: boolean;
}

/** `true` when `flag` is the notice of the write `pending` made (same key, state, actor and time). */
export function isEchoOf(pending: PendingSet, flag: Flag): boolean {
  return (
    pending.key === flag.key &&
    pending.at === flag.updatedAt &&
    pending.actor === flag.updatedBy &&
    pending.enabled === flag.enabled
  );
}
