import { ROOT_CONTEXT, trace, type Context, type Link, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The W3C Trace Context headers, on HTTP requests and on Kafka commands and events alike. */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/** A span's context as W3C headers, ready to travel with a command or an event (and to be stored in an outbox entry). */
export type TraceHeaders = {
  traceparent: string;
  tracestate?: string;
};

/** Headers as kafkajs (Buffers, strings, arrays of them) and Node's HTTP server (strings, arrays) hand them over. */
type HeaderValue = string | Buffer | (string | Buffer | undefined)[] | null | undefined;
export type HeaderCarrier = Readonly<Record<string, HeaderValue>> | null | undefined;

function text(value: string | Buffer | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString() : value;
}

const getter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => (carrier ? Object.keys(carrier) : []),
  get: (carrier, key) => {
    const value = carrier?.[key];
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value)) return value.map(text).filter((item): item is string => item !== undefined);
    return text(value);
  },
};

const setter: TextMapSetter<Partial<TraceHeaders>> = {
  set: (carrier, key, value) => {
    if (key === TRACEPARENT_HEADER || key === TRACESTATE_HEADER) carrier[key] = value;
  },
};

// Used directly rather than through the global propagation API, which is a no-op until a provider
// registers: these functions behave the same whether this process exports spans or not.
const propagator = new W3CTraceContextPropagator();

/**
 * The context a message or request continues: `parent` with the remote span its `traceparent`
 * names. A missing or malformed header leaves `parent` as it is (the message starts a new trace).
 */
export function contextFromHeaders(headers: HeaderCarrier, parent: Context = ROOT_CONTEXT): Context {
  return propagator.extract(parent, headers, getter);
}

/** Links to the remote spans these messages' `traceparent`s name: a batch's span points at each message's sender. */
export function linksFromHeaders(headersOfMessages: HeaderCarrier[]): Link[] {
  return headersOfMessages.flatMap((headers) => {
    const linked = trace.getSpanContext(contextFromHeaders(headers));
    return linked ? [{ context: linked }] : [];
  });
}

/** The span of `context` as W3C headers; undefined when it holds no valid span. */
export function traceHeadersOf(context: Context): TraceHeaders | undefined {
  const carrier: Partial<TraceHeaders> = {};
  propagator.inject(context, carrier, setter);
  return carrier.traceparent ? (carrier as TraceHeaders) : undefined;
}
