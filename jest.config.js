/** Two projects: unit tests need nothing; integration tests share one real stack per run. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] };

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
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/stack-teardown.ts',
    },
  ],
};
