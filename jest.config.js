// Jest runs in its native ESM mode (NODE_OPTIONS=--experimental-vm-modules): NestJS 12 ships ES modules only.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json' },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^@parley/contracts/http$': '<rootDir>/libs/contracts/src/http.ts',
    '^@parley/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        // The console's browser modules import Socket.IO from the path the gateway serves it on.
        '^/console/vendor/socket\\.io\\.esm\\.min\\.js$': 'socket.io-client',
      },
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/e2e-timeout.mjs'],
    },
  ],
  // Unit tests run real timers (leases, budgets, retries) on a shared machine.
  testTimeout: 60000,
};
