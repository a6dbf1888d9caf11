// `npm start`: installs and builds what is needed, provisions Kafka, MongoDB, Redis and S3 storage
// (or uses MONGO_URL, KAFKA_BROKERS, REDIS_URL, S3_ENDPOINT), starts the six apps, waits until each is
// healthy and prints where to reach them. Ctrl-C stops everything, servers included.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, prepareAppRuntime, spawnApp, stopPid, waitHealthy, writeState } from './apps.mjs';
import { defaultCacheDir, freePort, isPortFree, startInfrastructure } from './infrastructure.mjs';
import { ROOT, build, ensureDependencies, step } from './project.mjs';

const began = Date.now();

/** The local development JWT secret: generated once per machine, shared with `npm run token`. */
export function devJwtSecret() {
  const file = join(defaultCacheDir(), 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(defaultCacheDir(), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function portFor(preferred) {
  return (await isPortFree(preferred)) ? preferred : freePort();
}

// PARLEY_INFRA_ONLY=1 provisions the servers only (for running apps or tests by hand against them).
const INFRA_ONLY = process.env.PARLEY_INFRA_ONLY === '1';

async function main() {
  ensureDependencies();
  // The servers need no compiled code: they boot while tsc runs.
  const built = INFRA_ONLY ? Promise.resolve() : build();
  const runDir = join(ROOT, '.run', `start-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let infrastructure;
  let stopping = false;
  const children = [];
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    step('stopping');
    await Promise.all(children.map((child) => stopPid(child.pid)));
    // Before the servers are up there is nothing to stop gracefully: exiting kills what has started.
    await infrastructure?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // The apps' Node 24 (downloaded on the first run) is found while the servers start.
  const runtime = INFRA_ONLY ? Promise.resolve() : prepareAppRuntime();
  runtime.catch(() => undefined); // awaited below; a failure is reported there
  step('starting Kafka, MongoDB, Redis and S3 storage (VersityGW)');
  infrastructure = await startInfrastructure({
    runDir,
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
    ports: { kafka: await portFor(9092), mongo: await portFor(27017), redis: await portFor(6379), s3: await portFor(7070) },
  });
  const storage = {
    S3_ENDPOINT: infrastructure.s3Endpoint,
    S3_BUCKET: infrastructure.s3Bucket,
    S3_ACCESS_KEY: infrastructure.s3AccessKey,
    S3_SECRET_KEY: infrastructure.s3SecretKey,
    S3_REGION: infrastructure.s3Region,
  };
  await built;
  const node = await runtime;

  if (INFRA_ONLY) {
    const settings = { MONGO_URL: infrastructure.mongoUrl, KAFKA_BROKERS: infrastructure.kafkaBrokers, REDIS_URL: infrastructure.redisUrl, ...storage };
    console.log(`\n${Object.entries(settings).map(([name, value]) => `${name}=${value}`).join('\n')}\n(Ctrl-C stops them)`);
    return;
  }

  const selected = process.env.PARLEY_APPS ? process.env.PARLEY_APPS.split(',') : Object.keys(APPS);
  const ports = {};
  for (const app of Object.keys(APPS)) {
    const configured = Number(process.env[APPS[app].portVariable] ?? APPS[app].defaultPort);
    ports[app] = configured;
    if (selected.includes(app) && !(await isPortFree(configured))) {
      throw new Error(`port ${configured} for ${app} is taken: set ${APPS[app].portVariable} to another port`);
    }
  }
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      MONGO_URL: infrastructure.mongoUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers,
      REDIS_URL: infrastructure.redisUrl,
      ...storage,
      JWT_SECRET: process.env.JWT_SECRET ?? devJwtSecret(),
    },
  };
  step(`starting ${selected.join(', ')} on Node ${node.version}`);
  const width = Math.max(...selected.map((app) => app.length));
  for (const app of selected) {
    const child = spawnApp(state, app, { onLine: (name, line) => process.stdout.write(`[${name.padEnd(width)}] ${line}\n`) });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`✖ ${app} exited (${signal ?? `code ${code}`}); stopping everything\n`);
      void shutdown(1);
    });
    children.push(child);
  }
  writeState(join(runDir, 'system.json'), state);
  const pending = new Set(selected);
  const progress = setInterval(() => process.stderr.write(`… waiting for ${[...pending].join(', ')}\n`), 5000);
  await Promise.all(
    selected.map(async (app, index) => {
      await waitHealthy(state, app, { child: children[index] });
      pending.delete(app);
    }),
  );
  clearInterval(progress);
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  // The apps read these from the environment npm start was given: a channel is on when its credentials are.
  const sms = process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN
    ? `on (Twilio at ${process.env.TWILIO_BASE_URL ?? 'https://api.twilio.com'}; webhooks signed for ${process.env.PUBLIC_URL ?? 'PUBLIC_URL unset: inbound SMS refused'})`
    : 'off (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)';
  const email = process.env.SENDGRID_API_KEY
    ? `on (SendGrid at ${process.env.SENDGRID_BASE_URL ?? 'https://api.sendgrid.com'}; inbound ${process.env.INBOUND_EMAIL_SECRET ? 'on' : 'off: INBOUND_EMAIL_SECRET unset'})`
    : 'off (set SENDGRID_API_KEY)';
  console.log(`
Parley is up (${seconds} s).
  SMS        ${sms}
  Email      ${email}
  Storage    S3 at ${storage.S3_ENDPOINT}, bucket ${storage.S3_BUCKET} (attachments: POST /v1/attachments presigns an upload)
  HTTP API   http://localhost:${ports.gateway}/v1   (OpenAPI: http://localhost:${ports.gateway}/swagger)
  Socket.IO  http://localhost:${ports.realtime}      (connect with auth: { token })
  A token:   npm run token -- --sub <user> --account <account> [--scopes conversation,conversation.admin]
  Logs:      ${runDir}
Ctrl-C stops everything.
`);
}

main().catch((error) => {
  process.stderr.write(`✖ npm start failed: ${error.message}\n`);
  process.exit(1);
});
