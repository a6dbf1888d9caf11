import { hostname } from 'node:os';
import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { PlatformConfig } from '../config.js';
import { traceHeadersOf, type TraceHeaders } from './trace-headers.js';

let provider: NodeTracerProvider | null = null;
let tracer: Tracer | null = null;

/**
 * Starts tracing for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: a tracer provider named
 * after the app (service.name), its spans batched and exported over OTLP/HTTP (JSON) to
 * `<endpoint>/v1/traces`. Unset, nothing is registered and activeTracer() stays null, which every
 * traced path checks first: with tracing off a message costs one null check, no span, no header.
 * The SDK and the exporter are loaded only then (some 7 MB of heap an untraced app does without).
 */
export async function startTracing(appName: string, config: PlatformConfig): Promise<Tracer | null> {
  if (tracer || !config.OTEL_EXPORTER_OTLP_ENDPOINT) return tracer;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }, { NodeTracerProvider }] =
    await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
    ]);
  const exporter = new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: appName,
      // Tells apart the instances of a scaled app.
      [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}:${process.pid}`,
    }),
    // A caller's traceparent decides whether its trace is recorded; new traces are sampled at the ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY })],
  });
  // Registers the AsyncLocalStorage context manager too: the active span follows each request and
  // message through its awaits.
  provider.register();
  tracer = provider.getTracer('parley');
  return tracer;
}

/** Exports the spans still buffered and stops tracing (at shutdown). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = null;
  tracer = null;
  await stopping?.shutdown();
}

/** The process's tracer, or null when tracing is off. */
export function activeTracer(): Tracer | null {
  return tracer;
}

/**
 * The active span as W3C headers, for a command or event produced now; undefined when tracing is
 * off or no span is active.
 */
export function currentTraceHeaders(): TraceHeaders | undefined {
  return tracer ? traceHeadersOf(context.active()) : undefined;
}

/**
 * Runs `work` in a new span, a child of the span in `parent`, and ends it when `work` settles. A
 * thrown error marks the span failed and is rethrown.
 */
export function inSpan<T>(
  active: Tracer,
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; links?: Link[] },
  parent: Context,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return active.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with what went wrong (the exception as a span event, its type as error.type). */
export function markFailed(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: unknown }).code !== undefined ? String((error as { code: unknown }).code) : exception.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

/** Marks the active span failed, if there is one (on error paths only, so its cost never touches the hot path). */
export function markActiveSpanFailed(error: unknown): void {
  const span = tracer ? trace.getActiveSpan() : undefined;
  if (span) markFailed(span, error);
}
