// `npm run bench`: starts the whole system on fresh servers, sends messages through the real path
// (HTTP POST to the gateway → messaging → outbox → Kafka → realtime → Socket.IO) and reports
// latency, throughput, CPU and memory beside raw MongoDB writes of the same documents measured in
// the same run. Absolute figures drift on a shared machine; the ratios to the baseline are what to
// compare. The sections, in order (a size of 0 skips one):
//   baseline     raw MongoDB insertOne and message+outbox transactions, 1 and BENCH_IN_FLIGHT in flight;
//                and the transport's floor: a kafkajs request and reply through the same broker, one at a time
//   idle         nothing sent for BENCH_IDLE_SECONDS: cores used per process; then resident memory
//   sequential   BENCH_SEQUENTIAL messages one at a time, each awaited until delivered
//   concurrent   BENCH_CONCURRENT messages, BENCH_IN_FLIGHT in flight, each sender awaiting delivery
//   sustained    closed loop for BENCH_SUSTAINED_SECONDS: BENCH_IN_FLIGHT sends in flight (a sender
//                sends again on its 201), deliveries tracked on the side
//   open loop    BENCH_OPEN_RATE msg/s for BENCH_OPEN_SECONDS, fired on schedule whatever the answers
//   overload     open loop at BENCH_OVERLOAD_FACTOR × the sustained rate (or BENCH_OVERLOAD_RATE) for
//                BENCH_OVERLOAD_SECONDS: what is accepted, what is turned away (503 + Retry-After)
//   fan-out      BENCH_FANOUT_MESSAGES at BENCH_FANOUT_RATE/s to a BENCH_FANOUT_MEMBERS-member channel, every member connected
//   support      BENCH_SUPPORT_OPENS support rooms opened one at a time (open → support_assigned on the
//                assignee's socket), then BENCH_SUPPORT_BURST opened at once: assignments a second, CPU each
//   paging       BENCH_PAGING_ROOMS rooms and BENCH_PAGING_MESSAGES messages, pages beside MongoDB
// Traffic goes over BENCH_ROOMS rooms from BENCH_SENDERS senders (20 and 20: a direct room each with
// bob), and bob listens on BENCH_SOCKETS sockets (2); every socket must get every message once.
// CPU (ms per delivered message, cores) and peak resident memory are read per process from /proc,
// for each app and for Kafka, mongod, Redis and S3 storage (VersityGW). BENCH_SKIP_BUILD=1 uses dist/ as it is.
// BENCH_TRACE=1 runs the apps with tracing on, exported to the bench, and says where the sequential
// sends' time went, hop by hop (tracing has a cost of its own: compare totals from untraced runs).
// The apps log at their default level, info; BENCH_LOG_LEVEL sets another.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as apps from '../deploy/local/apps.mjs';
import { freePort, startInfrastructure } from '../deploy/local/infrastructure.mjs';
import { ROOT, build, ensureDependencies, step } from '../deploy/local/project.mjs';
import { startProviderStandIns } from '../deploy/local/providers.mjs';
import { kafkaRoundTrip, mongoBaseline } from './lib/baseline.mjs';
import { gcPerMessage, gcSeconds } from './lib/gc-time.mjs';
import { Watched, cpuBetween } from './lib/processes.mjs';
import { printResults } from './lib/report.mjs';
import { setting, sleep } from './lib/stats.mjs';
import { startTraceCollector } from './lib/trace-collector.mjs';
import { DELIVERY_GRACE_MS, Traffic, analyse, benchClient, connectSocket, setupRooms } from './lib/traffic.mjs';
import { fanOut } from './phases/fanout.mjs';
import { pagingBench } from './phases/paging.mjs';
import { supportBench } from './phases/support.mjs';
import { omnichannelBench } from './phases/omnichannel.mjs';
import { m2mBench } from './phases/m2m.mjs';

const SEQUENTIAL = setting('BENCH_SEQUENTIAL', 300);
const CONCURRENT_TOTAL = setting('BENCH_CONCURRENT', 600);
const IN_FLIGHT = Math.max(1, setting('BENCH_IN_FLIGHT', 16));
const BASELINE_SEQUENTIAL = setting('BENCH_BASELINE_SEQUENTIAL', 300);
const BASELINE_CONCURRENT = setting('BENCH_BASELINE_CONCURRENT', 600);
const SENDERS = Math.max(1, setting('BENCH_SENDERS', 20));
const ROOMS = Math.max(1, setting('BENCH_ROOMS', 20));
const SOCKETS = Math.max(1, setting('BENCH_SOCKETS', 2));
const WARMUP = setting('BENCH_WARMUP', 100);
const IDLE_SECONDS = setting('BENCH_IDLE_SECONDS', 60);
const SUSTAINED_SECONDS = setting('BENCH_SUSTAINED_SECONDS', 20);
const OPEN_RATE = setting('BENCH_OPEN_RATE', 200);
const OPEN_SECONDS = setting('BENCH_OPEN_SECONDS', 15);
const OVERLOAD_FACTOR = setting('BENCH_OVERLOAD_FACTOR', 2);
const OVERLOAD_SECONDS = setting('BENCH_OVERLOAD_SECONDS', 10);
const OVERLOAD_RATE = setting('BENCH_OVERLOAD_RATE', 0); // fixed rate instead of factor × sustained
const SETTLE_MS = setting('BENCH_SETTLE_MS', 2000); // quiet time before each measured phase
const REQUEST_TIMEOUT_MS = setting('BENCH_REQUEST_TIMEOUT_MS', 60_000);
const FANOUT_MEMBERS = setting('BENCH_FANOUT_MEMBERS', 50);
const FANOUT_MESSAGES = setting('BENCH_FANOUT_MESSAGES', 100);
const FANOUT_RATE = setting('BENCH_FANOUT_RATE', 20);
const SUPPORT_OPENS = setting('BENCH_SUPPORT_OPENS', 100);
const SUPPORT_BURST = setting('BENCH_SUPPORT_BURST', 100);
const INBOUND_SMS = setting('BENCH_INBOUND_SMS', 100);
const OUTBOUND_SMS = setting('BENCH_OUTBOUND_SMS', 300);
const M2M_BATCHES = setting('BENCH_M2M_BATCHES', 5);
const M2M_BATCH_SIZE = setting('BENCH_M2M_BATCH_SIZE', 1000);
const PAGING_ROOMS = setting('BENCH_PAGING_ROOMS', 10_000);
const PAGING_MESSAGES = setting('BENCH_PAGING_MESSAGES', 100_000);
const PAGING_REQUESTS = setting('BENCH_PAGING_REQUESTS', 200);
const SKIP_BUILD = ['1', 'true', 'yes'].includes(String(process.env.BENCH_SKIP_BUILD ?? '').toLowerCase());
const TRACE = ['1', 'true', 'yes'].includes(String(process.env.BENCH_TRACE ?? '').toLowerCase());

const { APPS, spawnApp, stopPid, waitHealthy } = apps;

const sum = (values) => values.reduce((total, value) => total + (Number.isFinite(value) ? value : 0), 0);

/** CPU of one phase per process: ms per delivered message and cores, with the apps' and servers' sums. */
function cpuSplit(watched, before, after, delivered) {
  const { seconds, processes, machineBusyMs, machineCores } = cpuBetween(before, after);
  const appNames = watched.names('app');
  const serverNames = watched.names('server');
  const perMessage = (ms) => ms / delivered;
  const cores = (ms) => ms / 1000 / seconds;
  const appsMs = sum(appNames.map((name) => processes[name]));
  const serversMs = sum(serverNames.map((name) => processes[name]));
  return {
    seconds,
    cpuMs: processes,
    msPerDelivered: Object.fromEntries(Object.entries(processes).map(([name, ms]) => [name, perMessage(ms)])),
    cores: Object.fromEntries(Object.entries(processes).map(([name, ms]) => [name, cores(ms)])),
    appsMsPerDelivered: perMessage(appsMs),
    appsCores: cores(appsMs),
    serversMsPerDelivered: perMessage(serversMs),
    serversCores: cores(serversMs),
    machineMsPerDelivered: perMessage(machineBusyMs),
    machineCores,
  };
}

async function main() {
  ensureDependencies();
  if (SKIP_BUILD) step('BENCH_SKIP_BUILD: using dist/ as it is');
  else await build();
  const runDir = join(ROOT, '.run', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  step('starting Kafka, MongoDB, Redis and S3 storage on fresh data');
  const log = (line) => process.stderr.write(`[infra] ${line}\n`);
  // The Node the apps run on (Node 24, deploy/local/node-runtime.mjs), found while the servers start.
  const runtime = Promise.resolve(apps.prepareAppRuntime?.({ log }));
  const infrastructure = await startInfrastructure({ runDir, env: {}, log });
  const appNode = (await runtime) ?? { path: process.execPath, version: process.version };
  const ports = {};
  for (const app of Object.keys(APPS)) ports[app] = await freePort();
  const secret = randomBytes(32).toString('hex');
  // Twilio cannot be reached from here: the SDK talks to the stand-in the tests use.
  const providers = await startProviderStandIns({ publicUrl: `http://127.0.0.1:${ports.gateway}`, sendgrid: false });
  const twilioStandIn = providers.twilio;
  const tracing = TRACE ? await startTraceCollector() : null;
  const state = {
    runDir,
    ports,
    pids: {},
    env: {
      NODE_ENV: 'production',
      // The apps' default level, an access line per request and per message handled, as `npm start`
      // runs them: at `warn` the apps spent 5% less CPU per message (alternated runs).
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      ...infrastructure.env,
      MONGO_DB: 'parley_bench',
      JWT_SECRET: secret,
      // The benchmark is a few users sending thousands of requests: the per-user limit would measure itself.
      RATE_LIMIT_POINTS: '100000000',
      SMS_PER_MINUTE: '100000000',
      ...providers.env,
      ...(tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracing.url, OTEL_BSP_SCHEDULE_DELAY: '200' } : {}),
      // Tuning knobs pass through, to compare settings on the same build.
      ...Object.fromEntries(
        ['KAFKA_MAX_WAIT_MS', 'KAFKA_PARTITIONS', 'COMMANDS_MAX_IN_FLIGHT', 'COMMANDS_ADMISSION_QUEUE']
          .filter((name) => process.env[name])
          .map((name) => [name, process.env[name]]),
      ),
    },
  };
  const children = [];
  const sockets = [];
  try {
    step('starting the six apps');
    for (const app of Object.keys(APPS)) children.push([app, spawnApp(state, app)]);
    await Promise.all(children.map(([app, child]) => waitHealthy(state, app, { child })));

    const watched = new Watched();
    for (const [app, child] of children) watched.add(app, child.pid, { group: 'app' });
    for (const [name, pid] of Object.entries(infrastructure.pids ?? {})) watched.add(name, pid, { group: 'server' });
    watched.add('bench client', process.pid, { tree: false, group: 'client' });
    if (!infrastructure.pids) process.stderr.write('startInfrastructure gave no server pids: Kafka, mongod, Redis and S3 storage are left out of the CPU and memory figures\n');

    let baseline = null;
    if (BASELINE_SEQUENTIAL > 0 && BASELINE_CONCURRENT > 0) {
      step(`baseline: raw MongoDB inserts and message+outbox transactions (${BASELINE_SEQUENTIAL} one at a time, ${BASELINE_CONCURRENT} with ${IN_FLIGHT} in flight)`);
      baseline = await mongoBaseline(infrastructure.env.MONGO_URL, { sequential: BASELINE_SEQUENTIAL, concurrent: BASELINE_CONCURRENT, inFlight: IN_FLIGHT });
      step(`baseline: ${BASELINE_SEQUENTIAL} Kafka request-reply round trips with kafkajs alone, on the apps' Node ${appNode.version}`);
      baseline.kafkaRoundTrip = await kafkaRoundTrip(appNode.path, infrastructure.env.KAFKA_BROKERS, BASELINE_SEQUENTIAL);
    }

    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const realtimeUrl = `http://127.0.0.1:${ports.realtime}`;
    const { account, token, call } = benchClient({ gateway, secret, accountPrefix: 'bench' });

    step(`${SENDERS} senders, ${ROOMS} rooms with bob, bob on ${SOCKETS} sockets`);
    const bob = token('bob');
    const bobConversation = await call('GET', '/v1/conversations/me', bob);
    const rooms = await setupRooms({ call, token, senderCount: SENDERS, roomCount: ROOMS, bob, bobConversationId: bobConversation.id });
    for (let index = 0; index < SOCKETS; index++) sockets.push(await connectSocket(realtimeUrl, bob));
    const traffic = new Traffic({ gateway, rooms, sockets, requestTimeoutMs: REQUEST_TIMEOUT_MS });

    if (WARMUP > 0) {
      step(`warming up: ${Math.ceil(WARMUP / 2)} messages one at a time, ${Math.floor(WARMUP / 2)} with ${IN_FLIGHT} in flight`);
      await traffic.closedLoop({ inFlight: 1, total: Math.ceil(WARMUP / 2), waitForDelivery: true });
      await traffic.closedLoop({ inFlight: IN_FLIGHT, total: Math.floor(WARMUP / 2), waitForDelivery: true });
    }

    let idle = null;
    if (IDLE_SECONDS > 0) {
      await sleep(SETTLE_MS);
      step(`idle: nothing sent for ${IDLE_SECONDS} s`);
      const before = watched.cpu();
      await sleep(IDLE_SECONDS * 1000);
      const after = watched.cpu();
      const { seconds, processes, machineCores } = cpuBetween(before, after);
      const cores = Object.fromEntries(Object.entries(processes).map(([name, ms]) => [name, ms / 1000 / seconds]));
      idle = {
        seconds,
        cpuMs: processes,
        cores,
        appsCores: sum(watched.names('app').map((name) => cores[name])),
        serversCores: sum(watched.names('server').map((name) => cores[name])),
        systemCores: sum([...watched.names('app'), ...watched.names('server')].map((name) => cores[name])),
        machineCores,
      };
    }
    const memory = { idle: watched.rss(), idlePss: watched.pss(), idleUss: watched.uss(), peak: {} };
    memory.idleAppsSum = sum(watched.names('app').map((name) => memory.idle[name]));

    /**
     * Runs a phase between CPU snapshots (after a quiet moment, so the last phase's tail is not
     * charged to it), sampling resident memory when `peakAs` names the phase.
     */
    const measured = async (run, { peakAs } = {}) => {
      await sleep(SETTLE_MS);
      const sampler = peakAs ? watched.sampleRss(250) : null;
      const [gcBefore, before] = [await gcSeconds(ports), watched.cpu()];
      const outcome = await run();
      const after = watched.cpu();
      const gcAfter = await gcSeconds(ports);
      if (sampler) memory.peak[peakAs] = sampler.stop();
      const phase = { ...analyse(outcome.records, SOCKETS), elapsedSeconds: outcome.elapsed };
      phase.cpu = cpuSplit(watched, before, after, phase.delivered);
      phase.cpu.gcMsPerDelivered = gcPerMessage(gcBefore, gcAfter, phase.delivered);
      return { outcome, phase };
    };

    let sequential = null;
    if (SEQUENTIAL > 0) {
      step(`sequential: ${SEQUENTIAL} messages one at a time, each awaited until delivered`);
      const from = Date.now();
      const { outcome, phase } = await measured(() => traffic.closedLoop({ inFlight: 1, total: SEQUENTIAL, waitForDelivery: true }));
      sequential = { ...phase, messagesPerSecond: phase.accepted / outcome.elapsed };
      if (tracing) {
        // The apps export spans every 200 ms: a moment more and the last sends' spans are in.
        await sleep(1000);
        sequential.traced = tracing.hopsOfSends(from, Date.now());
      }
    }

    let concurrent = null;
    if (CONCURRENT_TOTAL > 0) {
      step(`concurrent: ${CONCURRENT_TOTAL} messages, ${IN_FLIGHT} in flight, each awaited until delivered`);
      const { outcome, phase } = await measured(() => traffic.closedLoop({ inFlight: IN_FLIGHT, total: CONCURRENT_TOTAL, waitForDelivery: true }));
      concurrent = { ...phase, messagesPerSecond: phase.accepted / outcome.elapsed, cpuMsPerMessage: phase.cpu.msPerDelivered };
    }

    let sustained = null;
    if (SUSTAINED_SECONDS > 0) {
      step(`sustained: closed loop, ${IN_FLIGHT} sends in flight for ${SUSTAINED_SECONDS} s over ${ROOMS} rooms`);
      const { outcome, phase } = await measured(() => traffic.closedLoop({ inFlight: IN_FLIGHT, seconds: SUSTAINED_SECONDS }), { peakAs: 'sustained' });
      const messagesPerSecond = phase.accepted / outcome.elapsed;
      sustained = { ...phase, messagesPerSecond, ratioToTransactionRate: messagesPerSecond / baseline?.transactionsPerSecondInFlight };
    }

    const txP50 = baseline?.transactionMsOneAtATime.p50;
    let openLoop = null;
    if (OPEN_RATE > 0 && OPEN_SECONDS > 0) {
      step(`open loop: ${OPEN_RATE} msg/s offered for ${OPEN_SECONDS} s over ${ROOMS} rooms, fired on schedule`);
      const { outcome, phase } = await measured(() => traffic.openLoop({ rate: OPEN_RATE, seconds: OPEN_SECONDS }), { peakAs: 'open loop' });
      openLoop = {
        ...phase,
        offered: outcome.offered,
        offeredRate: OPEN_RATE,
        scheduleLagMs: outcome.scheduleLagMs,
        acceptedPerSecond: phase.accepted / outcome.elapsed,
        sendP50MinusTransactionP50: phase.sendMs.p50 - txP50,
        deliveryP50MinusSendP50: phase.deliveryMs.p50 - phase.sendMs.p50,
      };
    }

    let overload = null;
    const overloadRate = OVERLOAD_RATE > 0 ? OVERLOAD_RATE : OVERLOAD_FACTOR * (sustained?.messagesPerSecond ?? concurrent?.messagesPerSecond ?? NaN);
    if (OVERLOAD_SECONDS > 0 && OVERLOAD_FACTOR > 0 && !(overloadRate > 0)) {
      step('overload skipped: no sustained (or concurrent) rate to multiply and no BENCH_OVERLOAD_RATE');
    } else if (OVERLOAD_SECONDS > 0 && overloadRate > 0) {
      step(`overload: ${overloadRate.toFixed(0)} msg/s offered for ${OVERLOAD_SECONDS} s (${OVERLOAD_RATE > 0 ? 'BENCH_OVERLOAD_RATE' : `${OVERLOAD_FACTOR}× sustained`})`);
      const { outcome, phase } = await measured(() => traffic.openLoop({ rate: overloadRate, seconds: OVERLOAD_SECONDS }), { peakAs: 'overload' });
      overload = { ...phase, offered: outcome.offered, offeredRate: overloadRate, scheduleLagMs: outcome.scheduleLagMs, acceptedPerSecond: phase.accepted / outcome.elapsed };
    }
    const stray = { untrackedPushes: traffic.untracked, socketDisconnects: traffic.disconnects };
    for (const socket of sockets.splice(0)) socket.disconnect();

    let fanout = null;
    if (FANOUT_MESSAGES > 0) {
      step(`fan-out: ${FANOUT_MESSAGES} messages at ${FANOUT_RATE}/s to a ${FANOUT_MEMBERS}-member channel, every member connected`);
      fanout = await fanOut({ call, token, realtimeUrl, members: FANOUT_MEMBERS, messages: FANOUT_MESSAGES, rate: FANOUT_RATE, settleMs: SETTLE_MS });
    }

    let support = null;
    /** Runs a phase between CPU snapshots: its outcome, and the CPU split per unit of its work. */
    const measureCpu = async (run, units) => {
      await sleep(SETTLE_MS);
      const before = watched.cpu();
      const outcome = await run();
      // Let the tail of the phase (room mirrors, pushes, status events) finish inside the window it is charged to.
      await sleep(500);
      const after = watched.cpu();
      return { outcome, cpu: cpuSplit(watched, before, after, units) };
    };
    if (SUPPORT_OPENS > 0 || SUPPORT_BURST > 0) {
      step(`support: ${SUPPORT_OPENS} rooms opened one at a time, then ${SUPPORT_BURST} at once, into an inbox of three online agents`);
      support = await supportBench({
        call,
        token,
        accountId: account,
        realtimeUrl,
        mongoUrl: infrastructure.env.MONGO_URL,
        database: state.env.MONGO_DB,
        opens: SUPPORT_OPENS,
        burst: SUPPORT_BURST,
        // The gateway's admission bound (PlatformConfig's default): more at once would only measure its 503s.
        burstInFlight: setting('BENCH_SUPPORT_IN_FLIGHT', 16),
        measureCpu,
      });
      if (support.burst && baseline) support.burst.ratioToTransactionRate = support.burst.assignmentsPerSecond / baseline.transactionsPerSecondInFlight;
    }

    let omnichannel = null;
    if (INBOUND_SMS > 0 || OUTBOUND_SMS > 0) {
      step(`SMS: ${INBOUND_SMS} inbound webhooks one at a time, then ${OUTBOUND_SMS} outbound with ${IN_FLIGHT} in flight, through the Twilio stand-in`);
      omnichannel = await omnichannelBench({
        call,
        token,
        gateway,
        realtimeUrl,
        publicUrl: state.env.PUBLIC_URL,
        standIn: twilioStandIn,
        inbound: INBOUND_SMS,
        outbound: OUTBOUND_SMS,
        inFlight: IN_FLIGHT,
        measureCpu,
      });
    }

    let m2m = null;
    if (M2M_BATCHES > 0 && M2M_BATCH_SIZE > 0) {
      step(`m2m: ${M2M_BATCHES} bulk creates of ${M2M_BATCH_SIZE} listing messages, beside MongoDB insertMany of the same`);
      m2m = await m2mBench({ call, token, mongoUrl: infrastructure.env.MONGO_URL, realtimeUrl, batches: M2M_BATCHES, batchSize: M2M_BATCH_SIZE });
    }

    let paging = null;
    if (PAGING_ROOMS > 0 && PAGING_MESSAGES > 0) {
      step(`paging with ${PAGING_ROOMS} rooms and ${PAGING_MESSAGES} messages in the account`);
      paging = await pagingBench({ call, token, mongoUrl: infrastructure.env.MONGO_URL, rooms: PAGING_ROOMS, messages: PAGING_MESSAGES, requests: PAGING_REQUESTS });
    }

    const results = {
      when: new Date().toISOString(),
      node: { bench: process.version, apps: appNode.version },
      pids: Object.fromEntries([...watched.entries].map(([name, { pid }]) => [name, pid])),
      settings: {
        sequential: SEQUENTIAL,
        concurrent: CONCURRENT_TOTAL,
        inFlight: IN_FLIGHT,
        baselineSequential: BASELINE_SEQUENTIAL,
        baselineConcurrent: BASELINE_CONCURRENT,
        senders: SENDERS,
        rooms: ROOMS,
        roomTypes: rooms.map((room) => room.type),
        sockets: SOCKETS,
        warmup: WARMUP,
        idleSeconds: IDLE_SECONDS,
        sustainedSeconds: SUSTAINED_SECONDS,
        openRate: OPEN_RATE,
        openSeconds: OPEN_SECONDS,
        overloadFactor: OVERLOAD_RATE > 0 ? null : OVERLOAD_FACTOR,
        overloadRate: OVERLOAD_RATE || null,
        overloadSeconds: OVERLOAD_SECONDS,
        settleMs: SETTLE_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        deliveryGraceMs: DELIVERY_GRACE_MS,
        fanoutMembers: FANOUT_MEMBERS,
        fanoutMessages: FANOUT_MESSAGES,
        fanoutRate: FANOUT_RATE,
        inboundSms: INBOUND_SMS,
        outboundSms: OUTBOUND_SMS,
        m2mBatches: M2M_BATCHES,
        m2mBatchSize: M2M_BATCH_SIZE,
        supportOpens: SUPPORT_OPENS,
        supportBurst: SUPPORT_BURST,
        pagingRooms: PAGING_ROOMS,
        pagingMessages: PAGING_MESSAGES,
      },
      baseline,
      idle,
      memory,
      sequential,
      concurrent,
      sustained,
      openLoop,
      overload,
      stray,
      fanout,
      support,
      omnichannel,
      m2m,
      paging,
    };
    printResults(results);
    if (stray.untrackedPushes || stray.socketDisconnects) console.log(`\nbob's sockets: ${stray.untrackedPushes} pushes of unknown messages, ${stray.socketDisconnects} disconnects`);
    const outDir = join(ROOT, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `bench-${results.when.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`\nresults written to ${file}`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(children.map(([, child]) => stopPid(child.pid)));
    await infrastructure.stop();
    await providers.close();
    await tracing?.close();
  }
}

main().catch((error) => {
  console.error(`✖ bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
