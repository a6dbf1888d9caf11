// Starts real Kafka, MongoDB, Redis and S3 storage on fresh data directories and free ports, then the six apps
// as separate processes, once for the whole e2e run. Tests isolate themselves by account.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, prepareAppRuntime, spawnApp, waitHealthy, writeState } from '../deploy/local/apps.mjs';
import { freePort, startInfrastructure } from '../deploy/local/infrastructure.mjs';
import { ROOT } from '../deploy/local/project.mjs';
import { startProviderStandIns } from '../deploy/local/providers.mjs';
import { startOtlpCollector } from '../libs/testing/src/otlp-collector.mjs';

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
  // As under npm start, a server that dies is started again on its data (test/servers.e2e-spec.ts).
  for (const server of Object.values(infrastructure.servers)) server?.keepRunning(log);
  await runtime;

  const ports = {};
  for (const app of Object.keys(APPS)) ports[app] = await freePort();
  // Twilio and SendGrid cannot be reached from here: the official SDKs talk to local stand-ins. The
  // tests post the providers' delivery reports themselves (callbacks off), signing SendGrid's events
  // with the private half of its key.
  const providers = await startProviderStandIns({ publicUrl: `http://127.0.0.1:${ports.gateway}` });
  // Every app exports its spans here, so tests can follow one request's trace across the apps.
  const collector = await startOtlpCollector();
  globalThis.__parleyStandIns = [providers, collector];
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...infrastructure.env,
      MONGO_DB: 'parley_test',
      JWT_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_POINTS: '100000',
      OUTBOX_LEASE_MS: '2000',
      PRESENCE_GRACE_MS: '300',
      GATEWAY_URL: `http://127.0.0.1:${ports.gateway}`,
      REALTIME_URL: `http://127.0.0.1:${ports.realtime}`,
      DEV_TOKENS: 'true',
      ...providers.env,
      SENDGRID_WEBHOOK_PRIVATE_KEY_PEM: providers.sendgridEventKeyPem,
      DELIVERY_BACKOFF_MS: '50',
      DELIVERY_BACKOFF_MAX_MS: '400',
      PROVIDER_TIMEOUT_MS: '1500',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
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
