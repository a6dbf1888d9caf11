import { afterAll, describe, expect, it } from '@jest/globals';
import { api, closeStores, database, eventually, newDirectRoom, readState, restartApp } from '@parley/testing';

/** The gateway's admission of messaging's commands, as its metrics report it. */
async function messagingAdmission(): Promise<{ inFlight: number; queued: number }> {
  const text = await (await fetch(`${readState().env.GATEWAY_URL}/metrics`)).text();
  const value = (state: string) =>
    Number(new RegExp(`^parley_command_admission\\{(?=[^}]*topic="messaging\\.commands")(?=[^}]*state="${state}")[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? -1);
  return { inFlight: value('in_flight'), queued: value('queued') };
}

/** Until the stalled app's two slots are held and one send waits for them (on a slow machine that takes more than a moment). */
const slotsFullAndOneQueued = () =>
  eventually(messagingAdmission, ({ inFlight, queued }) => inFlight === 2 && queued === 1, "two sends holding messaging's slots and one queued");

describe('admission control at the gateway', () => {
  afterAll(closeStores);

  it('refuses what is past COMMANDS_MAX_IN_FLIGHT and its queue with a fast 503 and Retry-After, stores each accepted send once, and a retry of a refused one lands once', async () => {
    await restartApp('gateway', { COMMANDS_MAX_IN_FLIGHT: '2', COMMANDS_ADMISSION_QUEUE: '2' });
    try {
      const { alice, roomId } = await newDirectRoom();
      const ids = Array.from({ length: 40 }, (_, index) => `burst-${index}`);
      const answers = await Promise.all(
        ids.map((clientMessageId) =>
          api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: clientMessageId, clientMessageId } }),
        ),
      );
      const accepted = ids.filter((_, index) => answers[index].status === 201);
      const refused = answers.filter((answer) => answer.status === 503);
      expect(accepted.length + refused.length).toBe(ids.length);
      expect(accepted.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.body).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }

      const messages = (await database()).collection('conversations.messages');
      const stored = async () =>
        (await messages.find({ account_id: alice.accountId }, { projection: { client_message_id: 1 } }).toArray()).map(
          (message) => message.client_message_id as string,
        );
      // Refused sends reached no app: only the accepted ones are stored, each once.
      expect((await stored()).sort()).toEqual([...accepted].sort());

      const retried = ids.find((id) => !accepted.includes(id)) as string;
      const retry = await eventually(
        () => api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: retried, clientMessageId: retried } }),
        (answer) => answer.status === 201,
        'the retried send to be accepted',
      );
      expect(retry.status).toBe(201);
      expect((await stored()).filter((id) => id === retried)).toHaveLength(1);
    } finally {
      await restartApp('gateway');
    }
  });

  it('once a route has been refused, refuses its next requests at the door while the app sheds: before the token is read, with CORS headers a browser can read', async () => {
    await restartApp('gateway', { COMMANDS_MAX_IN_FLIGHT: '2', COMMANDS_ADMISSION_QUEUE: '1' });
    const { alice, roomId } = await newDirectRoom();
    const send = (content: string, token?: string) =>
      api('POST', `/v1/rooms/${roomId}/messages`, { token, body: { content }, headers: { origin: 'https://app.example' } });
    const [messaging] = readState().pids.messaging ?? [];
    process.kill(messaging, 'SIGSTOP');
    try {
      // Two sends hold the stalled app's slots and one its queue; the fourth is refused in the command
      // client, which teaches the gateway that the route commands messaging.
      const waiting = [0, 1, 2].map((index) => send(`stalled ${index}`, alice.token));
      await slotsFullAndOneQueued();
      expect((await send('fourth', alice.token)).status).toBe(503);
      // Now the door refuses before authentication: no token, yet a 503 rather than a 401.
      const tokenless = await send('tokenless');
      expect(tokenless.status).toBe(503);
      expect(tokenless.body).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
      expect(Number(tokenless.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(tokenless.headers.get('access-control-allow-origin')).toBe('*');
      // Other routes go on as before.
      expect((await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).status).toBe(200);
      expect((await api('GET', `/v1/rooms/${roomId}`)).status).toBe(401);
      process.kill(messaging, 'SIGCONT');
      expect((await Promise.all(waiting)).map((answer) => answer.status)).toEqual([201, 201, 201]);
      // With room again, the route is served (and authenticated) as usual.
      expect((await send('tokenless again')).status).toBe(401);
    } finally {
      process.kill(messaging, 'SIGCONT');
      await restartApp('gateway');
    }
  });

  it('serves a burst past COMMANDS_MAX_IN_FLIGHT up to the admission queue: each send waits for a slot instead of a 503, and lands once', async () => {
    await restartApp('gateway', { COMMANDS_MAX_IN_FLIGHT: '2', COMMANDS_ADMISSION_QUEUE: '16' });
    try {
      const { alice, roomId } = await newDirectRoom();
      const ids = Array.from({ length: 12 }, (_, index) => `queued-${index}`);
      const answers = await Promise.all(
        ids.map((clientMessageId) =>
          api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: clientMessageId, clientMessageId } }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 201));
      const seqs = answers.map((answer) => answer.body.seq as number).sort((a, b) => a - b);
      expect(seqs).toEqual(ids.map((_, index) => index + 1));
    } finally {
      await restartApp('gateway');
    }
  });

  it('counts the bound per app: while messaging is stalled and its slots are full, rooms still answers', async () => {
    await restartApp('gateway', { COMMANDS_MAX_IN_FLIGHT: '2', COMMANDS_ADMISSION_QUEUE: '1' });
    const { alice, roomId } = await newDirectRoom();
    const [messaging] = readState().pids.messaging ?? [];
    process.kill(messaging, 'SIGSTOP');
    try {
      // Two sends wait on the stalled app and fill its slots, a third fills its queue; a fourth is refused at once.
      const waiting = [0, 1, 2].map((index) => api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: `stalled ${index}`, clientMessageId: `stalled-${index}` } }));
      await slotsFullAndOneQueued();
      const fourth = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'fourth' } });
      expect(fourth.status).toBe(503);
      // The rooms app has slots of its own.
      expect((await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).status).toBe(200);
      expect((await api('GET', '/v1/conversations/me', { token: alice.token })).status).toBe(200);
      process.kill(messaging, 'SIGCONT');
      expect((await Promise.all(waiting)).map((answer) => answer.status)).toEqual([201, 201, 201]);
    } finally {
      process.kill(messaging, 'SIGCONT');
      await restartApp('gateway');
    }
  });
});
