import { afterAll, describe, expect, it } from '@jest/globals';
import { api, closeStores, documentsOfAccount, newAccountId, newMember } from '@parley/testing';



describe('isolation between accounts', () => {
  afterAll(closeStores);

  it('walks every route with a second account’s admin token: 403 or 404 everywhere (422 where a body names them), nothing written, nothing of the first account returned', async () => {
    const accountId = newAccountId();
    const admin = await newMember(accountId, ['conversation', 'conversation.admin']);
    const alice = await newMember(accountId);
    const direct = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'direct', member: alice.conversationId } })).body;
    const channel = (await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'secret plans', members: [alice.conversationId] } })).body;
    const message = (await api('POST', `/v1/rooms/${direct.id}/messages`, { token: alice.token, body: { content: 'the secret is 42' } })).body;
    const eve = await newMember(newAccountId(), ['conversation', 'conversation.admin', 'conversation.support']);
    const before = await documentsOfAccount(accountId);

    const future = new Date(Date.now() + 3600_000).toISOString();
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/rooms/${direct.id}`],
      ['GET', `/v1/rooms/${channel.id}`],
      ['PATCH', `/v1/rooms/${channel.id}`, { name: 'mine now' }],
      ['DELETE', `/v1/rooms/${channel.id}`],
      ['POST', `/v1/rooms/${channel.id}/members`, { members: [eve.conversationId] }],
      ['DELETE', `/v1/rooms/${channel.id}/members/${alice.conversationId}`],
      ['POST', `/v1/rooms/${direct.id}/read`, { messageId: message.id }],
      ['PUT', `/v1/rooms/${direct.id}/favorite`],
      ['DELETE', `/v1/rooms/${direct.id}/favorite`],
      ['PUT', `/v1/rooms/${direct.id}/snooze`, { duration_minutes: 5 }],
      ['DELETE', `/v1/rooms/${direct.id}/snooze`],
      ['GET', `/v1/rooms/${direct.id}/messages`],
      ['POST', `/v1/rooms/${direct.id}/messages`, { content: 'let me in' }],
      ['POST', '/v1/rooms', { type: 'direct', member: alice.conversationId }],
      ['POST', '/v1/rooms', { type: 'channel', name: 'x', members: [alice.conversationId] }],
      ['PATCH', `/v1/messages/${message.id}`, { content: 'edited by eve' }],
      ['DELETE', `/v1/messages/${message.id}?for=everyone`],
      ['DELETE', `/v1/messages/${message.id}?for=me`],
      ['PUT', `/v1/messages/${message.id}/favorite`],
      ['DELETE', `/v1/messages/${message.id}/favorite`],
      ['POST', `/v1/messages/${message.id}/reminders`, { at: future }],
    ];
    const answered: { route: string; status: number }[] = [];
    for (const [method, path, body] of routes) {
      const response = await api(method, path, { token: eve.token, body });
      answered.push({ route: `${method} ${path}`, status: response.status });
      expect(JSON.stringify(response.body)).not.toContain('secret');
    }
    // The first account's things read as not there: a path naming one is a 404 (or a 403), a body naming one a 422.
    const namedInBody = ['POST /v1/rooms'];
    expect(answered.filter((entry) => entry.status !== 403 && entry.status !== 404 && !(entry.status === 422 && namedInBody.includes(entry.route)))).toEqual([]);

    const lists: string[] = ['/v1/rooms', '/v1/conversations', '/v1/messages/favorites', '/v1/search?q=secret'];
    for (const path of lists) {
      const response = await api('GET', path, { token: eve.token });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      const text = JSON.stringify(response.body);
      for (const id of [direct.id, channel.id, message.id, admin.conversationId, alice.conversationId]) expect(text).not.toContain(id);
      expect(text).not.toContain('secret');
    }
    expect(await documentsOfAccount(accountId)).toEqual(before);
  });
});
