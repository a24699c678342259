import { StatuskitError } from './StatuskitError';

/** `register()` was called with an id that is already registered. */
export class DuplicateDependencyError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_DUPLICATE_DEPENDENCY';
  /** The duplicated dependency id. */
  readonly dependency: string;

  constructor(id: string) {
    super(`dependency "${id}" is already registered`, { code: 'ERR_STATUSKIT_DUPLICATE_DEPENDENCY' });
    this.name = 'DuplicateDependencyError';
    this.dependency = id;
  }
}
