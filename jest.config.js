/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.js'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', types: ['node', 'jest'], strict: true, esModuleInterop: true, ignoreDeprecations: '6.0' }, diagnostics: { warnOnly: false } }] },
  testTimeout: 120000,
};
