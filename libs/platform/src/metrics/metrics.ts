import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The one metrics registry of the process (Prometheus text at `GET /metrics`), labelled with the app. */
export const metricsRegistry = new Registry();

let started = false;

/** Labels every metric with the app and starts Node's default process metrics, once per process. */
export function startMetrics(app: string): void {
  if (started) return;
  started = true;
  metricsRegistry.setDefaultLabels({ app });
  // The event-loop delay histogram samples with a timer: prom-client's 10 ms default woke every app
  // 100 times a second, a fifth of its idle CPU. At 100 ms, every stall of 100 ms or more is still seen.
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 100 });
}

const registers = [metricsRegistry];

/** What a command client's admission holds now, per command topic; read at scrape time. */
export type CommandAdmissionSource = () => { topic: string; inFlight: number; queued: number }[];
let commandAdmissionSource: CommandAdmissionSource | null = null;

/** Lets the process's command client (the gateway's) report its admission slots at each scrape. */
export function reportCommandAdmission(source: CommandAdmissionSource): void {
  commandAdmissionSource = source;
}
/** Seconds, from a fast in-process call to a slow request. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What every app measures; each metric's help says what it counts. */
export const Metrics = {
  httpRequestDuration: new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  commandDuration: new Histogram({
    name: 'parley_command_duration_seconds',
    help: 'Commands sent over Kafka until their reply, by pattern and outcome (ok, error, timeout, refused)',
    labelNames: ['pattern', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  eventHandlerDuration: new Histogram({
    name: 'parley_event_handler_duration_seconds',
    help: 'Events consumed, by consumer and outcome (ok, dead_lettered), with their handling time',
    labelNames: ['consumer', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  deadLettered: new Counter({
    name: 'parley_events_dead_lettered_total',
    help: 'Events parked on a dead-letter topic, by consumer and topic',
    labelNames: ['consumer', 'topic'],
    registers,
  }),
  consumerLag: new Gauge({
    name: 'parley_consumer_lag',
    help: 'Messages behind the end of each partition this instance consumes, as of its last batch',
    labelNames: ['topic', 'partition'],
    registers,
  }),
  outboxRelayLatency: new Histogram({
    name: 'parley_outbox_relay_latency_seconds',
    help: 'From an outbox entry\'s commit to Kafka taking it',
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  outboxBacklog: new Gauge({
    name: 'parley_outbox_backlog',
    help: 'Outbox entries older than the sweep age still unsent, as of the last sweep (on the instance holding the lease)',
    registers,
  }),
  commandAdmission: new Gauge({
    name: 'parley_command_admission',
    help: 'Commands holding an admission slot (state="in_flight") and waiting for one (state="queued"), per command topic',
    labelNames: ['topic', 'state'],
    registers,
    collect() {
      this.reset();
      for (const { topic, inFlight, queued } of commandAdmissionSource?.() ?? []) {
        this.set({ topic, state: 'in_flight' }, inFlight);
        this.set({ topic, state: 'queued' }, queued);
      }
    },
  }),
  socketsConnected: new Gauge({ name: 'parley_sockets_connected', help: 'Sockets connected to this realtime instance', registers }),
  pushesSent: new Counter({ name: 'parley_pushes_sent_total', help: 'Socket pushes emitted, by event', labelNames: ['event'], registers }),
};
