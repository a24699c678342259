import pino, { type Logger } from 'pino';
import { ConfigError } from '../errors/ConfigError';

let silent: Logger | undefined;

/** The default logger: pino at level `silent`, created once. */
export function silentLogger(): Logger {
  silent ??= pino({ level: 'silent' });
  return silent;
}

/**
 * Resolves the `logger` option to a child logger carrying `{ component }`; `undefined` → silent.
 * Child bindings are serialised once here, not per line.
 */
export function resolveLogger(option: unknown, component: string, name = 'logger'): Logger {
  if (option === undefined) return silentLogger();
  const l = option as Partial<Logger>;
  if (
    typeof option !== 'object' ||
    option === null ||
    typeof l.child !== 'function' ||
    typeof l.warn !== 'function'
  ) {
    throw new ConfigError(name, option, 'a pino Logger');
  }
  return (option as Logger).child({ component });
}
