/**
 * statuskit/middleware — the Express 5 adapters: health routes and probes, short-circuit and gates,
 * cached routes, feature-flag gates and admin API, metrics route, graceful shutdown. Named exports
 * only, listed by hand.
 *
 * @module statuskit/middleware
 */

// Feature flags
export { FEATURE_GATE_DEFAULTS, featureGate } from './flags/featureGate';
export type { FeatureGateOptions } from './flags/featureGate';
export { flagsAdmin } from './flags/flagsAdmin';
export type { FlagsAdminOptions } from './flags/flagsAdmin';
export type { FlagView } from './flags/flagsAdminRequest';

// Health routes, probes and the status page
export { healthRoutes } from './health/healthRoutes';
export { HEALTH_ROUTES_DEFAULTS } from './health/HealthRoutesOptions';
export type { HealthRoutesOptions, HealthState } from './health/HealthRoutesOptions';
export { isLoopbackAddress, isLoopbackRequest } from './health/privateAccess';
export type { DrainableManager, HealthSource, StatusSource } from './HealthSource';
export type { DcStatus, DetailedReport, HealthSummary, ResultView } from './health/healthDocuments';
export type { HealthJsonCheck, HealthJsonDocument, HealthJsonStatus } from './health/buildHealthJson';

// Interceptor and gates
export { shortCircuit, SHORT_CIRCUIT_DEFAULTS, defaultShortCircuitExclude } from './shortCircuit';
export type { ShortCircuitOptions } from './shortCircuit';
export { requireDependency, REQUIRE_DEPENDENCY_DEFAULTS } from './requireDependency';
export type { RequireDependencyOptions } from './requireDependency';
export { degradation } from './degradation';
export type { DegradationView } from './degradation';

// Metrics and shutdown
export { metricsRoute } from './metricsRoute';
export type { AnyRegistry } from './metricsRoute';
export { gracefulShutdown } from './gracefulShutdown';
export type { ClosableServer, ShutdownHandle, ShutdownState } from './gracefulShutdown';
export { GRACEFUL_SHUTDOWN_DEFAULTS } from './GracefulShutdownOptions';
export type { GracefulShutdownOptions } from './GracefulShutdownOptions';

// Cached routes
export { cachedRoute } from './cachedRoute/cachedRoute';
export { CACHED_ROUTE_DEFAULTS } from './cachedRoute/CachedRouteOptions';
export type { CachedRouteOptions } from './cachedRoute/CachedRouteOptions';
export type { RouteSource } from './cachedRoute/responseHeaders';

// Probes answered before Express (optional fast path for the public probes)
export { serveProbesFirst } from './health/serveProbesFirst';
