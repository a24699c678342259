import { StatuskitError } from './StatuskitError';

/** Redis could not be reached (not connected, reconnecting, or a command failed); nothing was stored. */
export class RedisUnavailableError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_REDIS_UNAVAILABLE';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_STATUSKIT_REDIS_UNAVAILABLE', cause });
    this.name = 'RedisUnavailableError';
  }
}
