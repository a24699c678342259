/** Every metric statuskit exports: name, help and label names, in one place so dashboards can rely on them. */
export const METRICS = {
  dependencyStatus: {
    name: 'statuskit_dependency_status',
    help: 'Status of each dependency: OK 0, MINOR 1, MAJOR 2, OUTAGE 3',
    labelNames: ['dependency', 'urgency'],
  },
  systemStatus: {
    name: 'statuskit_system_status',
    help: 'Aggregated system status: OK 0, MINOR 1, MAJOR 2, OUTAGE 3',
    labelNames: [],
  },
  checkDuration: {
    name: 'statuskit_check_duration_seconds',
    help: 'Duration of dependency checks in seconds',
    labelNames: ['dependency'],
  },
  checkRuns: {
    name: 'statuskit_check_runs_total',
    help: 'Dependency check runs by result (ok, failure, timeout)',
    labelNames: ['dependency', 'result'],
  },
  shortCircuited: {
    name: 'statuskit_short_circuited_requests_total',
    help: 'Requests answered by the short-circuit interceptor without calling the route',
    labelNames: [],
  },
  fallback: {
    name: 'statuskit_fallback_total',
    help: 'Fallback answers by tier served (cache, source, stale, stub, error)',
    labelNames: ['name', 'source'],
  },
  fallbackRefreshes: {
    name: 'statuskit_fallback_refreshes_total',
    help: 'Background refreshes of fallback entries (early refresh, stale-while-revalidate) by outcome (ok, error)',
    labelNames: ['name', 'outcome'],
  },
  fallbackFleet: {
    name: 'statuskit_fallback_fleet_total',
    help: 'Single flight across the fleet by outcome (holder, took_over, shared, timed_out, redis_failed, skipped)',
    labelNames: ['name', 'outcome'],
  },
  fallbackFleetWait: {
    name: 'statuskit_fallback_fleet_wait_seconds',
    help: "How long an instance waited on another instance's lease before it had an answer or the lease",
    labelNames: ['name'],
  },
  retryAttempts: {
    name: 'statuskit_retry_attempts_total',
    help: 'Retry attempts by outcome (success, retry, exhausted, budget)',
    labelNames: ['name', 'outcome'],
  },
  flagEnabled: {
    name: 'statuskit_flag_enabled',
    help: 'Feature flag state: 1 enabled, 0 disabled',
    labelNames: ['flag'],
  },
  outboxPending: {
    name: 'statuskit_outbox_pending',
    help: 'Outbox events not handled yet (never delivered, or delivered and not acknowledged)',
    labelNames: ['name'],
  },
  outboxOldestAge: {
    name: 'statuskit_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox event not handled yet (0 when none)',
    labelNames: ['name'],
  },
  outboxManualReview: {
    name: 'statuskit_outbox_manual_review',
    help: 'Outbox events parked for manual review',
    labelNames: ['name'],
  },
  outboxEvents: {
    name: 'statuskit_outbox_events_total',
    help: 'Outbox events by outcome (done, retried, manual_review)',
    labelNames: ['name', 'outcome'],
  },
  breakerState: {
    name: 'statuskit_breaker_state',
    help: 'Circuit breaker state: closed 0, half-open 1, open 2',
    labelNames: ['name'],
  },
  breakerCalls: {
    name: 'statuskit_breaker_calls_total',
    help: 'Calls through a circuit breaker by outcome (success, failure, rejected)',
    labelNames: ['name', 'outcome'],
  },
} as const;

/** A metric definition from {@link METRICS}. */
export type MetricDefinition = (typeof METRICS)[keyof typeof METRICS];
