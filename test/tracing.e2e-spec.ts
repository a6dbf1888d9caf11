import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import {
  api,
  closeStores,
  collect,
  collectedSpans,
  connectSocket,
  database,
  eventually,
  newDirectRoom,
  restartApp,
  type CollectedSpan,
} from '@parley/testing';

// OTLP's span kinds.
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

/** The one span of a trace that matches, failing with what the trace holds when there is not exactly one. */
function only(spans: CollectedSpan[], match: Partial<Pick<CollectedSpan, 'service' | 'name' | 'kind'>>): CollectedSpan {
  const found = spans.filter((span) => Object.entries(match).every(([key, value]) => span[key as keyof CollectedSpan] === value));
  if (found.length !== 1) {
    throw new Error(`expected one span ${JSON.stringify(match)}, found ${found.length} in:\n${spans.map((span) => `${span.service} ${span.name}`).join('\n')}`);
  }
  return found[0];
}

describe('tracing across HTTP and Kafka', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(closeStores);

  it("continues a caller's traceparent from the gateway through messaging and rooms to realtime, each span the child of the one before", async () => {
    const { alice, bob, roomId } = await newDirectRoom();
    const bobSocket = await connectSocket(bob.token);
    sockets.push(bobSocket);
    const pushes = collect(bobSocket, 'new_message');
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'traced' },
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: 'parley=e2e' },
    });
    expect(sent.status).toBe(201);
    await eventually(() => pushes.length, (count) => count === 1, 'the push to bob');

    const wanted = [
      { service: 'gateway', name: 'POST /v1/rooms/:id/messages' },
      { service: 'gateway', name: 'send messaging.message.create' },
      { service: 'messaging', name: 'handle messaging.message.create' },
      { service: 'rooms', name: 'process parley.message.created' },
      { service: 'realtime', name: 'process parley.message.created' },
      { service: 'realtime', name: 'process parley.room.updated' },
    ];
    const spans = await eventually(
      () => collectedSpans({ traceId }),
      (found) => wanted.every((want) => found.some((span) => span.service === want.service && span.name === want.name)),
      'the spans of every app in the trace',
    );
    const http = only(spans, { service: 'gateway', name: 'POST /v1/rooms/:id/messages', kind: SERVER });
    const command = only(spans, { service: 'gateway', name: 'send messaging.message.create', kind: CLIENT });
    const handled = only(spans, { service: 'messaging', name: 'handle messaging.message.create', kind: SERVER });
    const applied = only(spans, { service: 'rooms', name: 'process parley.message.created', kind: CONSUMER });
    const pushed = only(spans, { service: 'realtime', name: 'process parley.message.created', kind: CONSUMER });
    const roomPushed = only(spans, { service: 'realtime', name: 'process parley.room.updated', kind: CONSUMER });

    expect(http.parentSpanId).toBe(callerSpanId);
    expect(command.parentSpanId).toBe(http.spanId);
    expect(handled.parentSpanId).toBe(command.spanId);
    // Events carry the span that wrote them to the outbox: messaging's handling of the send...
    expect(applied.parentSpanId).toBe(handled.spanId);
    expect(pushed.parentSpanId).toBe(handled.spanId);
    // ...and rooms' handling of message.created for the room.updated it emitted.
    expect(roomPushed.parentSpanId).toBe(applied.spanId);

    // The correlation id stays as it was, and each span names it.
    const correlationId = sent.headers.get('x-correlation-id');
    expect(correlationId).toBeTruthy();
    for (const span of [http, command, handled, applied, pushed, roomPushed]) expect(span.attributes['parley.correlation_id']).toBe(correlationId);
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/rooms/:id/messages', 'http.response.status_code': 201 });
    expect(applied.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'parley.message.created', 'messaging.consumer.group.name': 'rooms' });

    // The outbox keeps the trace context with the event, so whoever publishes it (the writer or the sweep) passes it on.
    const entry = await (await database()).collection('messaging.outbox').findOne({ 'envelope.data.message.id': sent.body.id });
    expect(entry?.headers).toMatchObject({ traceparent: `00-${traceId}-${handled.spanId}-01`, tracestate: 'parley=e2e', 'x-correlation-id': correlationId });
  });

  it('starts a new trace at the gateway for a request without a traceparent, and follows it all the same', async () => {
    const { alice, roomId } = await newDirectRoom();
    const correlationId = `trace-${randomBytes(6).toString('hex')}`;
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'untraced caller' }, headers: { 'x-correlation-id': correlationId } });
    expect(sent.status).toBe(201);
    const [http] = await eventually(
      async () => (await collectedSpans({ correlationId })).filter((span) => span.service === 'gateway' && span.kind === SERVER),
      (found) => found.length === 1,
      'the gateway span of the request',
    );
    expect(http.parentSpanId).toBeNull();
    // Each app exports on its own schedule: the trace fills in as they do.
    const services = await eventually(
      async () => new Set((await collectedSpans({ traceId: http.traceId })).map((span) => span.service)),
      (found) => found.size === 4,
      'every app in the new trace',
    );
    expect(services).toEqual(new Set(['gateway', 'messaging', 'rooms', 'realtime']));
  });

  it('adds nothing to what an app produces when its tracing is off, and the message flows as before', async () => {
    // An empty setting is an unset one: messaging starts without a tracer.
    await restartApp('messaging', { OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    try {
      const { alice, bob, roomId } = await newDirectRoom();
      const traceId = randomBytes(16).toString('hex');
      const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
        token: alice.token,
        body: { content: 'messaging untraced' },
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      expect(sent.status).toBe(201);
      await eventually(() => api('GET', `/v1/rooms/${roomId}`, { token: bob.token }), (room) => room.body.last_message_id === sent.body.id, 'the message applied by rooms');
      const entry = await (await database()).collection('messaging.outbox').findOne({ 'envelope.data.message.id': sent.body.id });
      expect(entry?.headers).toEqual({ 'x-correlation-id': sent.headers.get('x-correlation-id') });
      await eventually(() => collectedSpans({ traceId }), (found) => found.some((span) => span.kind === CLIENT), "the gateway's spans");
      // Rooms and realtime exported their spans of the event by now: none continues the caller's trace.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await collectedSpans({ traceId })).filter((span) => span.service !== 'gateway')).toEqual([]);
    } finally {
      await restartApp('messaging');
    }
  });

  it('marks a failed command on the spans: a 404 from messaging', async () => {
    const { alice } = await newDirectRoom();
    const traceId = randomBytes(16).toString('hex');
    const missing = await api('POST', `/v1/rooms/${'0'.repeat(24)}/messages`, {
      token: alice.token,
      body: { content: 'nowhere' },
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect([403, 404]).toContain(missing.status);
    const spans = await eventually(
      () => collectedSpans({ traceId }),
      (found) => found.some((span) => span.service === 'gateway' && span.kind === SERVER),
      'the spans of the refused send',
    );
    expect(only(spans, { service: 'gateway', kind: SERVER }).attributes['http.response.status_code']).toBe(missing.status);
    // The caller's mistake is no failure of the app: the server-side span is not an error, the client one is.
    await eventually(() => collectedSpans({ traceId }), (found) => found.some((span) => span.service === 'messaging'), 'messaging in the trace');
    const all = await collectedSpans({ traceId });
    expect(only(all, { service: 'messaging', kind: SERVER }).status.code ?? 0).not.toBe(2);
    expect(only(all, { service: 'gateway', kind: CLIENT }).status.code).toBe(2);
  });
});
