import { StatuskitError } from './StatuskitError';

/** A dependency id that is not registered was asked for. */
export class UnknownDependencyError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY';
  /** The unknown dependency id. */
  readonly dependency: string;

  constructor(id: string) {
    super(`no dependency is registered with id "${id}"`, { code: 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY' });
    this.name = 'UnknownDependencyError';
    this.dependency = id;
  }
}
