import { expectTypeOf } from 'expect-type';
import * as statuskit from 'statuskit';
import * as checks from 'statuskit/checks';
import * as middleware from 'statuskit/middleware';

// Every value each entry point promises; a removed or renamed export fails here before a user's build.
export const STATUSKIT_VALUES = [
  'CheckStatus',
  'Urgency',
  'DEPENDENCY_ID_PATTERN',
  'StatuskitError',
  'isStatuskitError',
  'ConfigError',
  'DuplicateDependencyError',
  'UnknownDependencyError',
  'FallbackExhaustedError',
  'RetryExhaustedError',
  'BudgetExhaustedError',
  'TimeoutError',
  'RedisUnavailableError',
  'assertNumber',
  'redact',
  'toSafeError',
  'METRICS',
  'retry',
  'retryPolicy',
  'RETRY_DEFAULTS',
  'RetryBudget',
  'RETRY_BUDGET_DEFAULTS',
  'backoffDelay',
  'JITTERS',
  'retryAfterMs',
  'parseRetryAfter',
  'FeatureFlags',
  'FEATURE_FLAGS_DEFAULTS',
  'SET_FLAG_DEFAULTS',
  'FLAG_KEY_PATTERN',
  'isValidFlagKey',
  'MemoryFlagStore',
  'REDIS_FLAG_STORE_DEFAULTS',
  'RedisFlagStore',
  'FLAG_PROVIDER_DEFAULTS',
  'flagProvider',
  'StatuskitFlagProvider',
  'safeEqual',
  'bearerToken',
  'DependencyManager',
  'DEPENDENCY_MANAGER_DEFAULTS',
  'MemoryCache',
  'MEMORY_CACHE_DEFAULTS',
  'RedisCache',
  'REDIS_CACHE_DEFAULTS',
  'isCacheTier',
  'UnserializableValueError',
  'Fallback',
  'fallback',
  'FALLBACK_DEFAULTS',
  'Outbox',
  'OUTBOX_DEFAULTS',
] as const satisfies ReadonlyArray<keyof typeof statuskit>;

export const MIDDLEWARE_VALUES = [
  'featureGate',
  'FEATURE_GATE_DEFAULTS',
  'flagsAdmin',
  'healthRoutes',
  'HEALTH_ROUTES_DEFAULTS',
  'isLoopbackAddress',
  'isLoopbackRequest',
  'shortCircuit',
  'SHORT_CIRCUIT_DEFAULTS',
  'defaultShortCircuitExclude',
  'requireDependency',
  'REQUIRE_DEPENDENCY_DEFAULTS',
  'degradation',
  'metricsRoute',
  'gracefulShutdown',
  'GRACEFUL_SHUTDOWN_DEFAULTS',
  'cachedRoute',
  'CACHED_ROUTE_DEFAULTS',
  'serveProbesFirst',
] as const satisfies ReadonlyArray<keyof typeof middleware>;

export const CHECKS_VALUES = [
  'redisCheck',
  'REDIS_CHECK_DEFAULTS',
  'httpCheck',
  'HTTP_CHECK_DEFAULTS',
  'tcpCheck',
  'TCP_CHECK_DEFAULTS',
  'eventLoopCheck',
  'EVENT_LOOP_CHECK_DEFAULTS',
  'memoryCheck',
  'MEMORY_CHECK_DEFAULTS',
  'diskCheck',
  'DISK_CHECK_DEFAULTS',
  'thresholdCheck',
  'THRESHOLD_CHECK_DEFAULTS',
  'statuskitCheck',
  'STATUSKIT_CHECK_DEFAULTS',
] as const satisfies ReadonlyArray<keyof typeof checks>;

// Every type each entry point promises (a missing one is "has no exported member").
export type StatuskitTypes = [
  statuskit.CheckContext,
  statuskit.CheckOutcome,
  statuskit.Dependency,
  statuskit.DependencyMode,
  statuskit.DependencyOptions,
  statuskit.CheckResult,
  statuskit.CheckResultSet,
  statuskit.StatuskitErrorCode,
  statuskit.NumberRule,
  statuskit.SafeError,
  statuskit.RedisClient,
  statuskit.RetryFunction<unknown>,
  statuskit.RetryPolicy,
  statuskit.ExecuteOptions,
  statuskit.RetryOptions,
  statuskit.RetryContext,
  statuskit.RetryEvent,
  statuskit.RetryBudgetOptions,
  statuskit.Jitter,
  statuskit.BackoffOptions,
  statuskit.FeatureFlagsOptions,
  statuskit.SetFlagOptions,
  statuskit.Flag,
  statuskit.FlagChange,
  statuskit.FlagChangeOrigin,
  statuskit.FlagNotice,
  statuskit.FlagStore,
  statuskit.FlagUnsubscribe,
  statuskit.FlagWrite,
  statuskit.FlagWriteResult,
  statuskit.RedisFlagStoreOptions,
  statuskit.RedisFlagLayout,
  statuskit.FlagProviderOptions,
  statuskit.DependencyDefaults,
  statuskit.DependencyManagerOptions,
  statuskit.DependencyChangedEvent,
  statuskit.DependencyManagerEventName,
  statuskit.DependencyManagerEvents,
  statuskit.SystemChangedEvent,
  statuskit.ManagerListener<'changed'>,
  statuskit.MemoryCacheOptions,
  statuskit.RedisCacheOptions,
  statuskit.CacheEntry,
  statuskit.CacheTier,
  statuskit.FallbackOptions<unknown, []>,
  statuskit.FallbackResult<unknown>,
  statuskit.FallbackSource<unknown, []>,
  statuskit.FallbackTier,
  statuskit.SourceContext,
  statuskit.RecoverResult,
  statuskit.OutboxBackoffOptions,
  statuskit.OutboxOptions,
  statuskit.NewOutboxEvent,
  statuskit.OutboxEvent,
  statuskit.OutboxEventStatus,
  statuskit.OutboxHandler,
  statuskit.OutboxOutcome,
];

export type MiddlewareTypes = [
  middleware.FeatureGateOptions,
  middleware.FlagsAdminOptions,
  middleware.FlagView,
  middleware.HealthRoutesOptions,
  middleware.HealthState,
  middleware.DrainableManager,
  middleware.HealthSource,
  middleware.StatusSource,
  middleware.DcStatus,
  middleware.DetailedReport,
  middleware.HealthSummary,
  middleware.ResultView,
  middleware.HealthJsonCheck,
  middleware.HealthJsonDocument,
  middleware.HealthJsonStatus,
  middleware.ShortCircuitOptions,
  middleware.RequireDependencyOptions,
  middleware.DegradationView,
  middleware.AnyRegistry,
  middleware.ClosableServer,
  middleware.ShutdownHandle,
  middleware.ShutdownState,
  middleware.GracefulShutdownOptions,
  middleware.CachedRouteOptions,
  middleware.RouteSource,
];

export type ChecksTypes = [
  checks.RedisCheckOptions,
  checks.HttpCheckOptions,
  checks.HttpCheckResponse,
  checks.HttpExpect,
  checks.TcpCheckOptions,
  checks.TcpTarget,
  checks.DisposableDependency,
  checks.EventLoopCheckOptions,
  checks.EventLoopStat,
  checks.MemoryCheckOptions,
  checks.DiskCheckOptions,
  checks.ThresholdCheckOptions,
  checks.StatuskitCheckOptions,
  checks.FloorThresholds,
  checks.Thresholds,
];

/** Each entry point keeps to its layer, and internals stay internal. */
export function entryPointBoundaries(): void {
  // A manager satisfies what the middleware reads from it (structural views, no Express in the core).
  expectTypeOf<statuskit.DependencyManager>().toExtend<middleware.HealthSource>();
  expectTypeOf<statuskit.DependencyManager>().toExtend<middleware.StatusSource>();
  expectTypeOf(checks.tcpCheck).returns.toEqualTypeOf<statuskit.Dependency>();

  // @ts-expect-error -- the Express adapters live in statuskit/middleware, not in the core
  expectTypeOf(statuskit.healthRoutes).toBeFunction();
  // @ts-expect-error -- the built-in checks live in statuskit/checks
  expectTypeOf(statuskit.redisCheck).toBeFunction();
  // @ts-expect-error -- the middleware entry does not re-export the core
  expectTypeOf(middleware.DependencyManager).toBeFunction();
  // @ts-expect-error -- option resolution is internal
  expectTypeOf(statuskit.resolveFallbackOptions).toBeFunction();
  // @ts-expect-error -- the Redis pinger behind redisCheck is internal
  expectTypeOf(checks.RedisPinger).toBeFunction();
  // @ts-expect-error -- named exports only: no default export
  expectTypeOf(statuskit.default).toBeObject();
}
