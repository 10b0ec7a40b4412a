/** Tests run TypeScript through swc (no type-check: `npm run build` type-checks first). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/verify[^/]*\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 60000,
  globalTeardown: '<rootDir>/test/globalTeardown.js',
};
