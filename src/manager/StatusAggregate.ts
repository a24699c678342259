import { CheckStatus } from '../status/CheckStatus';
import { Urgency } from '../status/Urgency';

/**
 * The system status kept incrementally: a count of dependencies per urgency-capped contribution,
 * so adding, replacing or removing a result and reading the status are all O(1).
 */
export class StatusAggregate {
  /** counts[rank]: how many dependencies contribute that status (rank 0 = OUTAGE … 3 = OK). */
  private readonly counts = [0, 0, 0, 0];
  private current: CheckStatus = 'OK';

  /** Worst contribution over all dependencies; `'OK'` with none. */
  get status(): CheckStatus {
    return this.current;
  }

  /** Accounts for a dependency's new status (`from` undefined: its first) and returns the system status. */
  replace(urgency: Urgency, from: CheckStatus | undefined, to: CheckStatus | undefined): CheckStatus {
    if (from !== undefined) this.counts[CheckStatus.rank(Urgency.contribution(urgency, from))]--;
    if (to !== undefined) this.counts[CheckStatus.rank(Urgency.contribution(urgency, to))]++;
    this.current = this.worstCounted();
    return this.current;
  }

  private worstCounted(): CheckStatus {
    for (let rank = 0; rank < 3; rank++) if (this.counts[rank] > 0) return CheckStatus.values[rank];
    return 'OK';
  }
}
