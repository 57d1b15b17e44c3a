/** Two projects: unit tests need nothing; integration tests share one real stack per run. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] };
// In the clone, not the system's temp folder (Jest never expires it): it goes with the clone, and a
// machine that runs many clones (CI) does not fill its disk with their transforms (~10 MB a run).
const cacheDirectory = '<rootDir>/node_modules/.cache/jest';

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on real services (a restart, a consumer catching up); unit tests are fast anyway.
  testTimeout: 120000,
  // Driver clients created at module level in a few suites (kafkajs, cassandra-driver, the AWS SDK)
  // can keep sockets alive after their suite closed them; a finished run must still end.
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      cacheDirectory,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      cacheDirectory,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/stack-teardown.ts',
    },
  ],
};
