import { jest } from '@jest/globals';

// End-to-end tests wait on real servers. Those that start an app instance wait up to 180 s for it
// to be healthy (waitHealthy: on a slow day one app's imports took 12 s of CPU), so their limit
// outlasts that wait and a slow start fails with the app's log lines, not jest's bare timeout.
// (A project's own testTimeout is not applied by jest-circus; only this or the global one is.)
jest.setTimeout(240_000);
