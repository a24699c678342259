/**
 * statuskit — the framework-free core: status model, dependency manager, fallback and cache tiers,
 * retry, feature flags and the outbox. Named exports only, listed by hand.
 *
 * @module statuskit
 */

// Status algebra
export { CheckStatus } from './status/CheckStatus';
export { Urgency } from './status/Urgency';

// Dependencies
export { DEPENDENCY_ID_PATTERN } from './dependencies/Dependency';
export type {
  CheckContext,
  CheckOutcome,
  Dependency,
  DependencyMode,
  DependencyOptions,
  PassiveDependency,
} from './dependencies/Dependency';
export type { CheckResult, CheckResultSet } from './dependencies/CheckResult';

// Errors
export { StatuskitError, isStatuskitError } from './errors/StatuskitError';
export type { StatuskitErrorCode } from './errors/StatuskitError';
export { ConfigError } from './errors/ConfigError';
export { DuplicateDependencyError } from './errors/DuplicateDependencyError';
export { UnknownDependencyError } from './errors/UnknownDependencyError';
export { FallbackExhaustedError } from './errors/FallbackExhaustedError';
export { RetryExhaustedError } from './errors/RetryExhaustedError';
export type { RetryAfterRefusal } from './errors/RetryExhaustedError';
export { BudgetExhaustedError } from './errors/BudgetExhaustedError';
export { TimeoutError } from './errors/TimeoutError';
export { RedisUnavailableError } from './errors/RedisUnavailableError';
export { DatabaseUnavailableError } from './errors/DatabaseUnavailableError';
export { OutcomeUnknownError } from './errors/OutcomeUnknownError';
export { BrokenCircuitError } from './errors/BrokenCircuitError';
export type { BrokenCircuitState } from './errors/BrokenCircuitError';

// Validation, redaction, metrics
export { assertNumber } from './validation/assert';
export type { NumberRule } from './validation/assert';
export { redact, redactSafeError, toSafeError } from './redaction/redact';
export type { SafeError } from './redaction/redact';
export { METRICS } from './metrics/METRICS';
export type { RedisClient } from './redis/RedisClient';

// Retry
export { retry, retryPolicy } from './retry/retry';
export type { RetryFunction, RetryPolicy, ExecuteOptions } from './retry/retry';
export { RETRY_DEFAULTS } from './retry/RetryOptions';
export type { RetryOptions, RetryContext, RetryEvent } from './retry/RetryOptions';
export { RetryBudget, RETRY_BUDGET_DEFAULTS } from './retry/RetryBudget';
export type { RetryBudgetOptions } from './retry/RetryBudget';
export { backoffDelay, JITTERS } from './retry/backoffDelay';
export type { Jitter, BackoffOptions } from './retry/backoffDelay';
export { retryAfterMs, parseRetryAfter } from './retry/retryAfter';

// Circuit breakers
export { CircuitBreaker } from './breaker/CircuitBreaker';
export type {
  BreakerContext,
  BreakerStats,
  CircuitStateChange,
  StateListener,
} from './breaker/CircuitBreaker';
export { CIRCUIT_BREAKER_DEFAULTS } from './breaker/CircuitBreakerOptions';
export type {
  CircuitBreakerOptions,
  ConsecutiveTrip,
  RateTrip,
  TripRule,
} from './breaker/CircuitBreakerOptions';
export type { CircuitState, BreakerOutcome } from './breaker/BreakerMetrics';

// Feature flags
export { FeatureFlags } from './flags/FeatureFlags';
export { FEATURE_FLAGS_DEFAULTS } from './flags/FeatureFlagsOptions';
export type { FeatureFlagsOptions } from './flags/FeatureFlagsOptions';
export { SET_FLAG_DEFAULTS } from './flags/SetFlagOptions';
export type { SetFlagOptions } from './flags/SetFlagOptions';
export { FLAG_KEY_PATTERN, isValidFlagKey } from './flags/Flag';
export type { Flag } from './flags/Flag';
export type { FlagChange, FlagChangeOrigin } from './flags/FlagSnapshot';
export type { FlagNotice, FlagStore, FlagUnsubscribe, FlagWrite, FlagWriteResult } from './flags/FlagStore';
export { MemoryFlagStore } from './flags/MemoryFlagStore';
export { REDIS_FLAG_STORE_DEFAULTS, RedisFlagStore } from './flags/RedisFlagStore';
export type { RedisFlagStoreOptions } from './flags/RedisFlagStore';
export type { RedisFlagLayout } from './flags/redisFlagLayout';
export { FLAG_PROVIDER_DEFAULTS, flagProvider, StatuskitFlagProvider } from './flags/flagProvider';
export type { FlagProviderOptions } from './flags/flagProvider';

// Security helpers (used by the private views and the admin routers; handy for your own)
export { safeEqual, bearerToken } from './security/tokens';

// Dependency manager
export { DependencyManager } from './manager/DependencyManager';
export { DEPENDENCY_MANAGER_DEFAULTS, MAX_HISTORY_SIZE } from './manager/DependencyManagerOptions';
export type { StatusChange } from './manager/StatusHistory';
export type { DependencyDefaults, DependencyManagerOptions } from './manager/DependencyManagerOptions';
export type {
  DependencyChangedEvent,
  DependencyManagerEventName,
  DependencyManagerEvents,
  SystemChangedEvent,
} from './manager/DependencyManagerEvents';

// Cache tiers and fallback
export { MemoryCache, MEMORY_CACHE_DEFAULTS } from './cache/MemoryCache';
export type { MemoryCacheOptions } from './cache/MemoryCache';
export { RedisCache, REDIS_CACHE_DEFAULTS } from './cache/RedisCache';
export type { RedisCacheOptions } from './cache/RedisCache';
export { FleetLease } from './cache/FleetLease';
export { isCacheTier } from './cache/CacheTier';
export type { CacheEntry, CacheTier } from './cache/CacheTier';
export { UnserializableValueError } from './cache/UnserializableValueError';
export { Fallback, fallback } from './fallback/fallback';
export { FALLBACK_DEFAULTS } from './fallback/FallbackOptions';
export type {
  BreakerSource,
  FallbackOptions,
  FallbackResult,
  FallbackSource,
  FallbackTier,
  SingleFlight,
  SourceContext,
} from './fallback/FallbackOptions';
export { REFRESH_DEFAULTS } from './fallback/earlyRefresh';
export type { EarlyRefreshOptions, RefreshOptions } from './fallback/earlyRefresh';

// Outbox
export { Outbox } from './outbox/Outbox';
export type { RecoverResult } from './outbox/Outbox';
export { OUTBOX_DEFAULTS } from './outbox/OutboxOptions';
export type { OutboxBackoffOptions, OutboxOptions } from './outbox/OutboxOptions';
export type {
  NewOutboxEvent,
  OutboxEvent,
  OutboxEventStatus,
  OutboxHandler,
  OutboxHandlerContext,
} from './outbox/OutboxEvent';
export { OUTBOX_HEALTH_DEFAULTS } from './outbox/outboxHealthCheck';
export type { OutboxHealthOptions } from './outbox/outboxHealthCheck';
export type { ManagerListener } from './manager/ManagerEmitter';
export type { OutboxOutcome } from './outbox/OutboxMetrics';
export { PostgresOutbox } from './outbox/postgres/PostgresOutbox';
export type { PostgresAddOptions } from './outbox/postgres/PostgresOutbox';
export { POSTGRES_OUTBOX_DEFAULTS } from './outbox/postgres/PostgresOutboxOptions';
export type { PostgresOutboxOptions } from './outbox/postgres/PostgresOutboxOptions';
export type {
  PgClient,
  PgNotification,
  PgPool,
  PgPoolClient,
  PgQuery,
  PgQueryable,
  PgResult,
} from './outbox/postgres/PgLike';
