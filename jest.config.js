/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsconfig has isolatedModules): `tsc --noEmit` (npm run typecheck) does the type-checking once for the whole tree.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Examples and the demo import the package by name, as users do.
  moduleNameMapper: {
    '^statuskit$': '<rootDir>/src/index.ts',
    '^statuskit/(middleware|checks)$': '<rootDir>/$1/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/globalSetup.js',
};
