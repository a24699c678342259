// statuskit/middleware — Express 5 adapters. Named exports only, listed by hand.

// Feature flags
export { FEATURE_GATE_DEFAULTS, featureGate } from './featureGate';
export type { FeatureGateOptions } from './featureGate';
export { flagsAdmin } from './flagsAdmin';
export type { FlagsAdminOptions } from './flagsAdmin';
export type { FlagView } from './flagsAdminRequest';
