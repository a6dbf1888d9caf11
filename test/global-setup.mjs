// Starts real Kafka, MongoDB and Redis on fresh data directories and free ports, then the six apps
// as separate processes, once for the whole e2e run. Tests isolate themselves by account.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, prepareAppRuntime, spawnApp, waitHealthy, writeState } from '../deploy/local/apps.mjs';
import { freePort, startInfrastructure } from '../deploy/local/infrastructure.mjs';
import { ROOT } from '../deploy/local/project.mjs';

export default async function globalSetup() {
  const started = Date.now();
  const runDir = join(ROOT, '.run', `test-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  const log = (message) => process.stderr.write(`[e2e] ${message}\n`);
  // The apps' Node 24 (downloaded on the first run) is found while the servers start.
  const runtime = prepareAppRuntime({ log });
  runtime.catch(() => undefined); // awaited below; a failure is reported there
  const infrastructure = await startInfrastructure({ runDir, log, env: {} });
  globalThis.__parleyInfrastructure = infrastructure;
  await runtime;

  const ports = {};
  for (const app of Object.keys(APPS)) ports[app] = await freePort();
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      MONGO_URL: infrastructure.mongoUrl,
      MONGO_DB: 'parley_test',
      KAFKA_BROKERS: infrastructure.kafkaBrokers,
      REDIS_URL: infrastructure.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_POINTS: '100000',
      OUTBOX_LEASE_MS: '2000',
      PRESENCE_GRACE_MS: '300',
      GATEWAY_URL: `http://127.0.0.1:${ports.gateway}`,
      REALTIME_URL: `http://127.0.0.1:${ports.realtime}`,
    },
  };
  const file = join(runDir, 'system.json');
  process.env.PARLEY_TEST_STATE = file;
  log('starting the six apps');
  const children = Object.keys(APPS).map((app) => [app, spawnApp(state, app)]);
  writeState(file, state);
  await Promise.all(children.map(([app, child]) => waitHealthy(state, app, { child })));
  log(`system up in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${runDir}`);
}
