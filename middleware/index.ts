/**
 * statuskit/middleware — the Express 5 adapters: health routes and probes, short-circuit and gates,
 * cached routes, feature-flag gates and admin API, metrics route, graceful shutdown. Named exports
 * only, listed by hand.
 *
 * @module statuskit/middleware
 */

// Feature flags
export { FEATURE_GATE_DEFAULTS, featureGate } from './featureGate';
export type { FeatureGateOptions } from './featureGate';
export { flagsAdmin } from './flagsAdmin';
export type { FlagsAdminOptions } from './flagsAdmin';
export type { FlagView } from './flagsAdminRequest';

// Health routes, probes and the status page
export { healthRoutes } from './healthRoutes';
export { HEALTH_ROUTES_DEFAULTS } from './healthOptions';
export type { HealthRoutesOptions, HealthState } from './healthOptions';
export { isLoopbackAddress, isLoopbackRequest } from './privateAccess';
export type { DrainableManager, HealthSource, ManagerEventMap, StatusSource } from './managerView';
export type { StatusTrackerSource } from './dependencyStatuses';
export type { DcStatus, DetailedReport, HealthSummary, ResultView } from './healthDocuments';
export type { HealthJsonCheck, HealthJsonDocument, HealthJsonStatus } from './healthJson';

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
export { GRACEFUL_SHUTDOWN_DEFAULTS } from './shutdownOptions';
export type { GracefulShutdownOptions } from './shutdownOptions';

// Cached routes
export { cachedRoute } from './cachedRoute';
export { CACHED_ROUTE_DEFAULTS } from './cachedRouteOptions';
export type { CachedRouteOptions } from './cachedRouteOptions';
export type { RouteSource } from './cachedRouteHeaders';

// Probes answered before Express (optional fast path for the public probes)
export { serveProbesFirst } from './serveProbesFirst';
