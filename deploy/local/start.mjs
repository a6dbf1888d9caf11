// `npm start`: installs and builds what is needed, provisions Kafka, MongoDB, Redis and S3 storage
// (or uses MONGO_URL, KAFKA_BROKERS, REDIS_URL, S3_ENDPOINT), starts the six apps (PARLEY_SCALE for
// more instances of some), stands in for Twilio and SendGrid where it was given no credentials
// (PARLEY_PROVIDERS=none: SMS and email off), waits until each app is healthy and prints where to
// reach them. An app that dies is started again with backoff, saying which, why and how often.
// Ctrl-C stops everything, servers included.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, prepareAppRuntime, writeState } from './apps.mjs';
import { defaultCacheDir, freePort, isPortFree, startInfrastructure } from './infrastructure.mjs';
import { ROOT, build, ensureDependencies, step } from './project.mjs';
import { startProviderStandIns } from './providers.mjs';
import { Supervisor } from './supervisor.mjs';

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

/** Instances per app from PARLEY_SCALE (`messaging=2,rooms=2`); 1 for every app not named. */
function parseScale(text, apps) {
  const scale = Object.fromEntries(apps.map((app) => [app, 1]));
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [app, count] = entry.split('=');
    if (!(app in APPS) || !/^[1-9]\d*$/.test(count ?? '')) throw new Error(`PARLEY_SCALE: "${entry}" is not <app>=<instances> (apps: ${Object.keys(APPS).join(', ')})`);
    if (app in scale) scale[app] = Number(count);
  }
  return scale;
}

/**
 * How the apps' log lines reach the terminal: coloured and readable on a TTY, the apps' JSON lines
 * as they are otherwise (a pipe, a CI log); LOG_FORMAT=json|pretty overrides. The apps always log
 * JSON, so their log files under .run/ stay machine-readable.
 */
async function terminalLogFormatter() {
  const format = process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') throw new Error(`LOG_FORMAT: "${format}" is neither json nor pretty`);
  if (format === 'json') return (line) => `${line}\n`;
  const { prettyFactory } = await import('pino-pretty');
  const pretty = prettyFactory({ colorize: process.stdout.isTTY || process.env.FORCE_COLOR !== undefined, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,app', singleLine: true });
  // A line that is not JSON (a crash's stack trace) is shown as it is.
  return (line) => (line.startsWith('{') ? pretty(line) : `${line}\n`);
}

// PARLEY_INFRA_ONLY=1 provisions the servers only (for running apps or tests by hand against them).
const INFRA_ONLY = process.env.PARLEY_INFRA_ONLY === '1';

/**
 * Which providers get a local stand-in: each one whose credentials npm start was not given, unless
 * PARLEY_PROVIDERS=none (then a provider without credentials is off, as in production).
 */
function standInsWanted() {
  const setting = process.env.PARLEY_PROVIDERS ?? 'stand-ins';
  if (setting !== 'stand-ins' && setting !== 'none') throw new Error(`PARLEY_PROVIDERS: "${setting}" is neither stand-ins nor none`);
  const wanted = setting === 'stand-ins';
  return {
    twilio: wanted && !(process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN),
    sendgrid: wanted && !process.env.SENDGRID_API_KEY,
  };
}

/** The start banner's line for one channel: on with a provider, on with a stand-in, or off. */
function channelLine({ standInUrl, configured, provider, baseUrl, detail, off }) {
  if (standInUrl) return `on, through a local ${provider} stand-in: nothing leaves this machine (what it was sent: ${standInUrl}/_stand-in/requests)`;
  return configured ? `on (${provider} at ${baseUrl}; ${detail})` : off;
}

/** Stops what main started when it fails part way (set by main once it can). */
let stopAfterFailure = async () => undefined;

async function main() {
  ensureDependencies();
  const formatLogLine = await terminalLogFormatter();
  // The servers need no compiled code: they boot while tsc runs.
  const built = INFRA_ONLY ? Promise.resolve() : build();
  const runDir = join(ROOT, '.run', `start-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let infrastructure;
  let stopping = false;
  let supervisor = null;
  let providers = null;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    step('stopping');
    await supervisor?.stopAll();
    await providers?.close();
    // Before the servers are up there is nothing to stop gracefully: exiting kills what has started.
    await infrastructure?.stop();
    process.exit(code);
  };
  stopAfterFailure = () => shutdown(1);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // The apps' Node 24 (downloaded on the first run) is found while the servers start.
  const runtime = INFRA_ONLY ? Promise.resolve() : prepareAppRuntime();
  runtime.catch(() => undefined); // awaited below; a failure is reported there
  // The apps' ports first: a taken one is said at once, before minutes of provisioning.
  const selected = process.env.PARLEY_APPS ? process.env.PARLEY_APPS.split(',') : Object.keys(APPS);
  const ports = {};
  for (const app of Object.keys(APPS)) {
    const configured = Number(process.env[APPS[app].portVariable] ?? APPS[app].defaultPort);
    ports[app] = configured;
    if (!INFRA_ONLY && selected.includes(app) && !(await isPortFree(configured))) {
      throw new Error(`port ${configured} for ${app} is taken: set ${APPS[app].portVariable} to another port`);
    }
  }
  step('starting Kafka, MongoDB, Redis and S3 storage (VersityGW)');
  infrastructure = await startInfrastructure({
    runDir,
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
    ports: { kafka: await portFor(9092), mongo: await portFor(27017), redis: await portFor(6379), s3: await portFor(7070) },
  });
  // A server that dies (a crash, an OOM kill, an operator's kill) is started again on its data.
  for (const server of Object.values(infrastructure.servers)) server?.keepRunning((line) => process.stderr.write(`[infra] ${line}\n`));
  await built;
  const node = await runtime;

  if (INFRA_ONLY) {
    console.log(`\n${Object.entries(infrastructure.env).map(([name, value]) => `${name}=${value}`).join('\n')}\n(Ctrl-C stops them)`);
    return;
  }

  const standIns = standInsWanted();
  const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${ports.gateway}`;
  if (standIns.twilio || standIns.sendgrid) {
    providers = await startProviderStandIns({ publicUrl, ...standIns, callbacks: true, ports: { twilio: await portFor(7071), sendgrid: await portFor(7072) } });
  }
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      ...infrastructure.env,
      ...providers?.env,
      // What the user set wins over what the stand-ins would use.
      ...(process.env.PUBLIC_URL ? { PUBLIC_URL: process.env.PUBLIC_URL } : {}),
      ...(process.env.INBOUND_EMAIL_SECRET ? { INBOUND_EMAIL_SECRET: process.env.INBOUND_EMAIL_SECRET } : {}),
      JWT_SECRET: process.env.JWT_SECRET ?? devJwtSecret(),
      // The console's sign-in form mints tokens on a development machine; the gateway refuses it in production.
      DEV_TOKENS: process.env.DEV_TOKENS ?? (process.env.NODE_ENV === 'production' ? 'false' : 'true'),
      // No identity service here: rooms records who signs in, so team lists and search by name work.
      DEV_USERS: process.env.DEV_USERS ?? (process.env.NODE_ENV === 'production' ? 'false' : 'true'),
      REALTIME_URL: process.env.REALTIME_URL ?? `http://localhost:${ports.realtime}`,
    },
  };
  // PARLEY_SCALE=messaging=2,rooms=2: instances of an app, each on a health port of its own, one
  // consumer group per app, so they share its partitions.
  const scale = parseScale(process.env.PARLEY_SCALE ?? '', selected);
  const instances = [];
  for (const app of selected) {
    for (let index = 0; index < scale[app]; index++) {
      const port = index === 0 ? ports[app] : await freePort();
      instances.push({ app, port, label: scale[app] > 1 ? `${app}#${index + 1}` : app });
    }
  }
  // Every instance's own port (its /health and /metrics), for an operator to find: `rooms#2: 25760`.
  state.instancePorts = Object.fromEntries(instances.map((instance) => [instance.label, instance.port]));
  const width = Math.max(...instances.map((instance) => instance.label.length));
  // The apps' lines of one turn leave in one write: a write per line was a system call per line,
  // and at info level every send logs a line in four apps.
  let printing = [];
  const print = (text) => {
    if (printing.length === 0) {
      setImmediate(() => {
        const out = printing.join('');
        printing = [];
        process.stdout.write(out);
      });
    }
    printing.push(text);
  };
  supervisor = new Supervisor({
    state,
    onLine: (instance, line) => print(`[${instance.label.padEnd(width)}] ${formatLogLine(line)}`),
    onChange: () => writeState(join(runDir, 'system.json'), state),
  });
  step(`starting ${instances.map((instance) => instance.label).join(', ')} on Node ${node.version}`);
  const running = instances.map((instance) => supervisor.start(instance));
  writeState(join(runDir, 'system.json'), state);
  const pending = new Set(running.map((instance) => instance.label));
  const progress = setInterval(() => process.stderr.write(`… waiting for ${[...pending].join(', ')}\n`), 5000);
  await Promise.all(
    running.map(async (instance) => {
      await supervisor.waitHealthy(instance);
      pending.delete(instance.label);
    }),
  );
  clearInterval(progress);
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  // A channel is on when its credentials are: given to npm start, or a stand-in's.
  const sms = channelLine({
    standInUrl: providers?.twilio?.url,
    configured: process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN,
    provider: 'Twilio',
    baseUrl: process.env.TWILIO_BASE_URL ?? 'https://api.twilio.com',
    detail: `webhooks signed for ${state.env.PUBLIC_URL ?? 'PUBLIC_URL unset: inbound SMS refused'}`,
    off: 'off (PARLEY_PROVIDERS=none; set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)',
  });
  const email = channelLine({
    standInUrl: providers?.sendgrid?.url,
    configured: process.env.SENDGRID_API_KEY,
    provider: 'SendGrid',
    baseUrl: process.env.SENDGRID_BASE_URL ?? 'https://api.sendgrid.com',
    detail: `inbound ${state.env.INBOUND_EMAIL_SECRET ? 'on' : 'off: INBOUND_EMAIL_SECRET unset'}`,
    off: 'off (PARLEY_PROVIDERS=none; set SENDGRID_API_KEY)',
  });
  const scaled = instances.filter((instance) => instance.label.includes('#'));
  const instanceLine = scaled.length > 0 ? `\n  Instances  ${scaled.map((instance) => `${instance.label} :${instance.port}`).join(', ')}   (each: /health, /metrics)` : '';
  const customers = providers ? '\n  Customers  npm run inbound -- sms --from <phone> --to <inbox number> --body <text>   (or: email --from <address> --to <inbox address> --subject <s> --text <t>)' : '';
  console.log(`
Parley is up (${seconds} s).
  SMS        ${sms}
  Email      ${email}
  Storage    S3 at ${infrastructure.env.S3_ENDPOINT}, bucket ${infrastructure.env.S3_BUCKET} (attachments: POST /v1/attachments presigns an upload)
  Console    http://localhost:${ports.gateway}/      (try Parley in a browser)
  HTTP API   http://localhost:${ports.gateway}/v1   (OpenAPI: http://localhost:${ports.gateway}/swagger)
  Socket.IO  http://localhost:${ports.realtime}      (connect with auth: { token })
  Events     Kafka at ${infrastructure.env.KAFKA_BROKERS}   (parley.* topics, for other services: README, Events for other services)
  Servers    MongoDB ${infrastructure.env.MONGO_URL}   Redis ${infrastructure.env.REDIS_URL}${instanceLine}${customers}
  A token:   npm run token -- --sub <user> --account <account> [--scopes conversation,conversation.admin]
  Logs:      ${runDir}
Ctrl-C stops everything.
`);
}

main().catch(async (error) => {
  process.stderr.write(`✖ npm start failed: ${error.message}\n`);
  // What did start (servers, apps) is stopped and its data removed, as Ctrl-C would.
  await stopAfterFailure();
  process.exit(1);
});
