/**
 * statuskit/checks — built-in dependency checks, each a factory returning a `Dependency`. Named
 * exports only, listed by hand.
 *
 * @module statuskit/checks
 */
export { redisCheck, REDIS_CHECK_DEFAULTS } from './redisCheck';
export type { RedisCheckOptions } from './redisCheck';
export { postgresCheck, POSTGRES_CHECK_DEFAULTS } from './postgresCheck';
export type { PostgresCheckOptions } from './postgresCheck';
export { httpCheck, HTTP_CHECK_DEFAULTS } from './httpCheck';
export type { HttpCheckOptions, HttpCheckResponse, HttpExpect } from './httpCheck';
export { tcpCheck, TCP_CHECK_DEFAULTS } from './tcpCheck';
export type { TcpCheckOptions, TcpTarget } from './tcpCheck';
export { eventLoopCheck, EVENT_LOOP_CHECK_DEFAULTS } from './eventLoopCheck';
export type { DisposableDependency, EventLoopCheckOptions, EventLoopStat } from './eventLoopCheck';
export { memoryCheck, MEMORY_CHECK_DEFAULTS } from './memoryCheck';
export type { MemoryCheckOptions } from './memoryCheck';
export { diskCheck, DISK_CHECK_DEFAULTS } from './diskCheck';
export type { DiskCheckOptions } from './diskCheck';
export { thresholdCheck, THRESHOLD_CHECK_DEFAULTS } from './thresholdCheck';
export type { ThresholdCheckOptions } from './thresholdCheck';
export { statuskitCheck, STATUSKIT_CHECK_DEFAULTS } from './statuskitCheck';
export type { StatuskitCheckOptions } from './statuskitCheck';
export type { FloorThresholds, Thresholds } from './shared/thresholds';
