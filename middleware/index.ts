// statuskit/middleware — Express 5 adapters. Named exports only, listed by hand.
export {};
