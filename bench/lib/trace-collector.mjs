// BENCH_TRACE=1: an OTLP/HTTP (JSON) receiver the apps export their spans to, and where a traced
// send's time went, hop by hop. Tracing costs time of its own, so a traced run's totals are a
// little above an untraced one's: read the hops as shares, and compare untraced runs for totals.
// A hop between two processes is read off two spans each anchored to its process's Date.now(), so
// it is good to about a millisecond a sample (the percentiles of a few hundred are better).
import { createServer } from 'node:http';
import { summary } from './stats.mjs';

/** The hops of one send, from the spans of its trace: gateway, Kafka, messaging, Kafka, gateway; then on to realtime. */
const HOPS = [
  ['gateway, before the command', (s) => s.send.start - s.http.start],
  ['Kafka, gateway → messaging', (s) => s.handle.start - s.send.start],
  ['messaging: checks and transaction', (s) => s.handle.end - s.handle.start],
  ['Kafka, messaging → gateway (reply)', (s) => s.send.end - s.handle.end],
  ['gateway, after the reply', (s) => s.http.end - s.send.end],
  ['outbox relay and Kafka → realtime', (s) => s.push?.start - s.handle.end],
  ['realtime: to the sockets', (s) => s.push?.end - s.push?.start],
];

const millis = (nanos) => Number(BigInt(nanos) / 1000n) / 1000;

/** Starts the receiver on a free port; `url` is what OTEL_EXPORTER_OTLP_ENDPOINT is set to. */
export async function startTraceCollector() {
  const traces = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value?.stringValue;
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              const spans = traces.get(span.traceId) ?? [];
              spans.push({ service, name: span.name, start: millis(span.startTimeUnixNano), end: millis(span.endTimeUnixNano) });
              traces.set(span.traceId, spans);
            }
          }
        }
      } catch (error) {
        process.stderr.write(`trace collector: a body it could not read (${error.message})\n`);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** The hops (ms: p50, p95…) of the sends whose HTTP request began between `from` and `to` (epoch ms). */
    hopsOfSends(from, to) {
      const sends = [];
      for (const spans of traces.values()) {
        const find = (service, name) => spans.find((span) => span.service === service && span.name === name);
        const http = find('gateway', 'POST /v1/rooms/:id/messages');
        if (!http || http.start < from || http.start > to) continue;
        const send = find('gateway', 'send messaging.message.create');
        const handle = find('messaging', 'handle messaging.message.create');
        if (send && handle) sends.push({ http, send, handle, push: find('realtime', 'process parley.message.created') });
      }
      return {
        traced: sends.length,
        total: summary(sends.map((s) => s.http.end - s.http.start)),
        hops: HOPS.map(([hop, of]) => ({ hop, ms: summary(sends.map(of).filter(Number.isFinite)) })),
      };
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
