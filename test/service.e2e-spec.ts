import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { api, eventually, mintToken, newAccountId, newDirectRoom, newUser, readState, startExtraInstance } from '@parley/testing';
import { freePort } from '../deploy/local/infrastructure.mjs';

function logOf(app: string): string {
  return readFileSync(join(readState().runDir, `${app}.log`), 'utf8');
}

describe('service endpoints', () => {
  it('reports each dependency on GET /health without a token', async () => {
    const response = await api('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: { kafka: { status: 'up' }, 'kafka-replies': { status: 'up' } },
    });
  });

  it('reports dependencies and every app on GET /admin/health, for admins only', async () => {
    const admin = mintToken({ sub: 'ops', account_id: newAccountId(), scopes: ['conversation.admin'] });
    const response = await api('GET', '/admin/health', { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    for (const app of ['rooms', 'messaging', 'support-routing', 'outbound-delivery', 'realtime']) {
      expect(response.body.apps[app]).toMatchObject({ status: 'up', instances: 1, reasons: [] });
      expect(response.body.apps[app].consumer_lag.total).toBeGreaterThanOrEqual(0);
    }
    for (const app of ['rooms', 'messaging', 'support-routing', 'outbound-delivery']) {
      expect(response.body.apps[app].outbox).toEqual({ backlog: 0, oldest_unsent_age_ms: null });
    }
    expect(response.body.apps.realtime.outbox).toBeNull();
    const member = await api('GET', '/admin/health', { token: newUser().token });
    expect(member.status).toBe(403);
  });

  it('says degraded on GET /admin/health, naming the app and its lag, while an app falls behind its bound, and ok once it catches up', async () => {
    // A second gateway with a low bound; realtime is paused (SIGSTOP) so its consumers fall behind.
    const gateway = await startExtraInstance('gateway', await freePort(), { HEALTH_MAX_CONSUMER_LAG: '5' });
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${gateway.port}/admin/health`, { headers: { authorization: `Bearer ${admin}` } });
      return { status: response.status, body: (await response.json()) as { status: string; apps: Record<string, { status: string; reasons: string[] }> } };
    };
    const admin = mintToken({ sub: 'ops', account_id: newAccountId(), scopes: ['conversation.admin'] });
    const [realtime] = readState().pids.realtime ?? [];
    try {
      const { alice, roomId } = await newDirectRoom();
      process.kill(realtime, 'SIGSTOP');
      try {
        for (let index = 0; index < 12; index++) {
          expect((await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: `behind ${index}` } })).status).toBe(201);
        }
        const degraded = await eventually(health, (report) => report.body.apps?.realtime?.status === 'degraded', 'realtime reported degraded');
        expect(degraded.status).toBe(200);
        expect(degraded.body.status).toBe('degraded');
        expect(degraded.body.apps.realtime.reasons).toEqual([expect.stringMatching(/^consumer lag \d+ is past 5$/)]);
        expect(degraded.body.apps.messaging.status).toBe('up');
      } finally {
        process.kill(realtime, 'SIGCONT');
      }
      const recovered = await eventually(health, (report) => report.body.status === 'ok', 'realtime caught up', 30_000);
      expect(recovered.body.apps.realtime.reasons).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  it('keeps answering every command through one gateway while a second gateway starts, serves and stops', async () => {
    const user = newUser();
    const statuses: number[] = [];
    let running = true;
    // Eight clients at once, so commands are in flight whenever the reply consumers rebalance.
    const traffic = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (running) statuses.push((await api('GET', '/v1/conversations/me', { token: user.token })).status);
      }),
    );
    try {
      const gateway = await startExtraInstance('gateway', await freePort());
      const viaSecond = await fetch(`http://127.0.0.1:${gateway.port}/v1/conversations/me`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(viaSecond.status).toBe(200);
      await gateway.stop();
      // Long enough for a rebalance of a shared group (and a reply lost to it) to have shown.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      running = false;
      await traffic;
    }
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('serves Prometheus metrics on every app: requests by route, commands, events handled, Node\'s process metrics', async () => {
    const { alice, roomId } = await newDirectRoom();
    await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'counted' } });
    const gateway = await fetch(`${readState().env.GATEWAY_URL}/metrics`);
    expect(gateway.status).toBe(200);
    expect(gateway.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await gateway.text();
    expect(text).toMatch(/parley_http_request_duration_seconds_count\{[^}]*route="\/v1\/rooms\/:id\/messages"[^}]*status="201"/);
    expect(text).toMatch(/parley_command_duration_seconds_count\{[^}]*pattern="messaging.message.create"[^}]*outcome="ok"/);
    expect(text).toMatch(/process_cpu_user_seconds_total\{app="gateway"\}/);
    const { ports } = readState();
    const rooms = await eventually(
      async () => (await fetch(`http://127.0.0.1:${ports.rooms}/metrics`)).text(),
      (body) => /parley_event_handler_duration_seconds_count\{[^}]*consumer="rooms.message-created"[^}]*outcome="ok"/.test(body),
      'rooms counting the events it handled',
    );
    expect(rooms).toMatch(/parley_consumer_lag\{/);
    const messaging = await (await fetch(`http://127.0.0.1:${ports.messaging}/metrics`)).text();
    expect(messaging).toMatch(/parley_outbox_relay_latency_seconds_count\{app="messaging"\}/);
    const realtime = await (await fetch(`http://127.0.0.1:${ports.realtime}/metrics`)).text();
    expect(realtime).toMatch(/parley_sockets_connected\{app="realtime"\}/);
  });

  it('returns the caller on GET /currentuser', async () => {
    const user = newUser(newAccountId(), ['conversation', 'conversation.support']);
    const response = await api('GET', '/currentuser', { token: user.token });
    expect(response.body).toEqual({ user_id: user.userId, account_id: user.accountId, scopes: ['conversation', 'conversation.support'] });
  });

  it('serves the OpenAPI document of every endpoint', async () => {
    const ui = await api('GET', '/swagger');
    expect(ui.status).toBe(200);
    const document = await api('GET', '/swagger/json');
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/conversations/me',
        '/v1/rooms',
        '/v1/rooms/{id}',
        '/v1/rooms/{id}/read',
        '/v1/rooms/{id}/messages',
        '/health',
        '/admin/health',
        '/currentuser',
      ]),
    );
    expect(document.body.components.schemas.CreateMessageDto.properties.content.maxLength).toBe(5000);
  });

  it('mints with npm run token a token the API takes, and refuses a misspelt scope or an id with spaces, saying what it takes', async () => {
    const token = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['deploy/local/token.mjs', ...args], { env: { ...process.env, JWT_SECRET: readState().env.JWT_SECRET } });
    const accountId = newAccountId();
    const { stdout } = await token('--sub', 'minted-user', '--account', accountId, '--scopes', 'conversation,conversation.admin');
    expect((await api('GET', '/currentuser', { token: stdout.trim() })).body).toEqual({ user_id: 'minted-user', account_id: accountId, scopes: ['conversation', 'conversation.admin'] });
    await expect(token('--sub', 'a', '--account', accountId, '--scopes', 'conversation.admn')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown scope conversation.admn') });
    await expect(token('--sub', 'x y', '--account', accountId)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--sub must be') });
    expect((await token('--help')).stdout).toContain('usage: npm run token');
  });

  it('serves the API as a Postman collection', async () => {
    const response = await api('GET', '/getPostmanCollection');
    expect(response.status).toBe(200);
    expect(response.body.info.schema).toContain('v2.1.0');
    const names = JSON.stringify(response.body.item);
    expect(names).toContain('conversations');
    expect(names).toContain('messages');
    // Imported as it is, its requests go to this gateway with the token pasted into bearerToken.
    const variables = Object.fromEntries((response.body.variable as { key: string; value: string }[]).map(({ key, value }) => [key, value]));
    expect(variables.baseUrl).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
    expect(variables.bearerToken).toBe('');
    expect(JSON.stringify(response.body.item)).toContain('{{bearerToken}}');
  });

  it('answers 504 when an app does not reply in time, and logs as an error which command and app did not answer', async () => {
    const { alice, roomId } = await newDirectRoom();
    const correlationId = `timeout-${randomUUID()}`;
    const [messaging] = readState().pids.messaging ?? [];
    process.kill(messaging, 'SIGSTOP');
    try {
      const answer = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'nobody home' }, headers: { 'x-correlation-id': correlationId } });
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT', correlationId });
      const line = await eventually(
        () => logOf('gateway').split('\n').find((entry) => entry.includes(correlationId) && entry.includes('"level":50')),
        Boolean,
        'the error line of the timeout',
      );
      expect(JSON.parse(line as string)).toMatchObject({ pattern: 'messaging.message.create', topic: 'messaging.commands', timeoutMs: 10_000 });
    } finally {
      process.kill(messaging, 'SIGCONT');
    }
  });

  it('carries the correlation id of a request into its error body and the logs of every app it touched', async () => {
    const { alice, roomId } = await newDirectRoom();

    const sendId = `corr-${randomUUID()}`;
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { content: 'traced' },
      headers: { 'x-correlation-id': sendId },
    });
    expect(sent.status).toBe(201);
    expect(sent.headers.get('x-correlation-id')).toBe(sendId);
    for (const app of ['gateway', 'messaging', 'rooms', 'realtime']) {
      await eventually(() => logOf(app).includes(sendId), Boolean, `${sendId} in the ${app} log`);
    }

    const errorId = `corr-${randomUUID()}`;
    const stranger = newUser();
    await api('GET', '/v1/conversations/me', { token: stranger.token });
    const refused = await api('GET', `/v1/rooms/${roomId}/messages`, { token: stranger.token, headers: { 'x-correlation-id': errorId } });
    expect(refused.status).toBe(404);
    expect(refused.body.correlationId).toBe(errorId);
    await eventually(() => logOf('messaging').includes(errorId), Boolean, `${errorId} in the messaging log`);
  });
});
