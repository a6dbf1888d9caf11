// A tiny OpenTelemetry collector for the e2e tests: it takes what the apps export over OTLP/HTTP in
// JSON (POST /v1/traces, the encoding of @opentelemetry/exporter-trace-otlp-http) and lets tests
// ask for the spans it received. Control endpoint (not part of OTLP):
//   GET /_collector/spans?trace_id=<hex>           every span of one trace
//   GET /_collector/spans?correlation_id=<id>      every span carrying that parley.correlation_id
// Each span comes back flat: { traceId, spanId, parentSpanId, name, kind, service, attributes, status, start, end }.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Traces kept at most (oldest dropped first): every e2e test's requests are traced. */
const MAX_TRACES = 20_000;

/** OTLP's JSON AnyValue as a plain value. */
function plain(value) {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}

function attributesOf(list) {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

/** The spans of one ExportTraceServiceRequest, flat, each with its resource's service.name. */
function spansOf(request) {
  const spans = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = attributesOf(resourceSpans.resource?.attributes)['service.name'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || null,
          name: span.name,
          kind: span.kind,
          service,
          attributes: attributesOf(span.attributes),
          status: span.status ?? {},
          start: String(span.startTimeUnixNano),
          end: String(span.endTimeUnixNano),
        });
      }
    }
  }
  return spans;
}

function reply(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startOtlpCollector({ port = 0 } = {}) {
  const traces = new Map();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://collector');
    try {
      if (request.method === 'POST' && url.pathname === '/v1/traces') {
        if (!(request.headers['content-type'] ?? '').includes('application/json')) {
          return reply(response, 415, { code: 3, message: 'this collector takes OTLP/HTTP JSON only' });
        }
        const chunks = [];
        for await (const chunk of request) chunks.push(chunk);
        let bytes = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') bytes = gunzipSync(bytes);
        for (const span of spansOf(JSON.parse(bytes.toString('utf8')))) {
          if (!traces.has(span.traceId)) {
            traces.set(span.traceId, []);
            if (traces.size > MAX_TRACES) traces.delete(traces.keys().next().value);
          }
          traces.get(span.traceId).push(span);
        }
        return reply(response, 200, {});
      }
      if (request.method === 'GET' && url.pathname === '/_collector/spans') {
        const traceId = url.searchParams.get('trace_id');
        if (traceId) return reply(response, 200, traces.get(traceId) ?? []);
        const correlationId = url.searchParams.get('correlation_id');
        if (correlationId) {
          const found = [];
          for (const spans of traces.values()) found.push(...spans.filter((span) => span.attributes['parley.correlation_id'] === correlationId));
          return reply(response, 200, found);
        }
        return reply(response, 400, { message: 'trace_id or correlation_id is required' });
      }
      reply(response, 404, { message: `no ${request.method} ${url.pathname} here` });
    } catch (error) {
      reply(response, 400, { code: 3, message: `collector: ${error.message}` });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
