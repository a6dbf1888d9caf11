import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { contextFromHeaders, linksFromHeaders, traceHeadersOf } from './trace-headers.js';
import { activeTracer, currentTraceHeaders } from './tracing.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('W3C trace headers', () => {
  it('continues the trace a Kafka message names, its headers given as Buffers as kafkajs gives them', () => {
    const context = contextFromHeaders({ traceparent: Buffer.from(TRACEPARENT), tracestate: Buffer.from('vendor=abc'), 'x-correlation-id': Buffer.from('c-1') });
    const parent = trace.getSpanContext(context);
    expect(parent).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(parent?.traceState?.get('vendor')).toBe('abc');
  });

  it('links a batch to the sender of each of its messages that names one, and to nothing for one that does not', () => {
    const other = `00-${TRACE_ID}-${'c'.repeat(16)}-01`;
    const links = linksFromHeaders([{ traceparent: Buffer.from(TRACEPARENT) }, {}, { traceparent: Buffer.from('garbage') }, { traceparent: other }]);
    expect(links.map((link) => link.context.spanId)).toEqual([SPAN_ID, 'c'.repeat(16)]);
  });

  it('continues the trace an HTTP request names, its headers given as strings', () => {
    expect(trace.getSpanContext(contextFromHeaders({ traceparent: TRACEPARENT, accept: ['a', 'b'] }))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('writes a span as traceparent and tracestate, and reads them back as the same span', () => {
    const span = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: false };
    const context = trace.setSpanContext(ROOT_CONTEXT, span);
    const headers = traceHeadersOf(context);
    expect(headers).toEqual({ traceparent: TRACEPARENT });
    expect(trace.getSpanContext(contextFromHeaders(headers))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });

    const withState = traceHeadersOf(contextFromHeaders({ traceparent: TRACEPARENT, tracestate: 'vendor=abc,other=1' }));
    expect(withState).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=abc,other=1' });
  });

  it('keeps an unsampled caller unsampled downstream', () => {
    const unsampled = `00-${TRACE_ID}-${SPAN_ID}-00`;
    expect(traceHeadersOf(contextFromHeaders({ traceparent: unsampled }))).toEqual({ traceparent: unsampled });
  });

  it.each([
    ['no header', {}],
    ['a malformed traceparent', { traceparent: 'not-a-traceparent' }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }],
    ['an empty header', { traceparent: Buffer.from('') }],
    ['no headers at all', undefined],
  ])('starts a new trace on %s: nothing to continue, nothing to pass on', (_case, headers) => {
    const context = contextFromHeaders(headers);
    expect(trace.getSpanContext(context)).toBeUndefined();
    expect(traceHeadersOf(context)).toBeUndefined();
  });

  it('is off until tracing starts: no tracer and no headers for what is produced', () => {
    expect(activeTracer()).toBeNull();
    expect(currentTraceHeaders()).toBeUndefined();
  });
});
