import { afterAll, describe, expect, it } from '@jest/globals';
import {
  api,
  type ApiResponse,
  closeStores,
  connectSocket,
  documentsOfAccount,
  eventually,
  mintToken,
  newAccountId,
  newMember,
  newUser,
  newDirectRoom,
  readState,
} from '@parley/testing';

function expectErrorShape(body: Record<string, unknown>, statusCode: number): void {
  expect(body).toMatchObject({ statusCode, error: expect.any(String), message: expect.any(String), code: expect.any(String) });
  expect(body.correlationId).toEqual(expect.any(String));
}

describe('bad input gets a clear error and changes nothing', () => {
  afterAll(closeStores);

  it('gives a request without a token, or with a bad one, a 401 in the one error shape', async () => {
    const none = await api('GET', '/v1/rooms');
    const forged = await api('GET', '/v1/rooms', { token: `${newUser().token}x` });
    const expired = await api('GET', '/v1/rooms', {
      token: mintToken({ sub: 'u', account_id: 'a' }, { expiresIn: -10 }),
    });
    for (const response of [none, forged, expired]) {
      expect(response.status).toBe(401);
      expectErrorShape(response.body, 401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts the token from the access_token cookie and query parameter too, the parameter on routes with query parameters of their own', async () => {
    const user = newUser();
    const byCookie = await api('GET', '/currentuser', { headers: { cookie: `access_token=${user.token}` } });
    const byQuery = await api('GET', `/currentuser?access_token=${user.token}`);
    expect(byCookie.body).toMatchObject({ user_id: user.userId, account_id: user.accountId });
    expect(byQuery.body).toMatchObject({ user_id: user.userId, account_id: user.accountId });
    // Also where the route validates its own query parameters: the token is none of them.
    const member = await newMember();
    const listed = await api('GET', `/v1/rooms?limit=5&access_token=${member.token}`);
    expect([listed.status, listed.body.data]).toEqual([200, []]);
    expect((await api('GET', `/v1/rooms?limit=0&access_token=${member.token}`)).body.details.map((detail: { field: string }) => detail.field)).toEqual(['limit']);
  });

  it("refuses a change another site's page makes with the user's cookie (403, nothing changed), not one from the gateway's own pages or with a Bearer token", async () => {
    const { alice, roomId } = await newDirectRoom();
    const asCookie = (origin: string) => ({ headers: { cookie: `access_token=${alice.token}`, origin } });
    const crossSite = await api('PUT', `/v1/rooms/${roomId}/favorite`, asCookie('https://evil.example'));
    expect(crossSite.status).toBe(403);
    expectErrorShape(crossSite.body, 403);
    expect((await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).body.favorite).toBe(false);
    const ownPage = await api('PUT', `/v1/rooms/${roomId}/favorite`, asCookie(new URL(readState().env.GATEWAY_URL).origin));
    expect(ownPage.status).toBe(200);
    const bearer = await api('DELETE', `/v1/rooms/${roomId}/favorite`, { token: alice.token, headers: { origin: 'https://evil.example' } });
    expect(bearer.status).toBe(200);
    // Reading with the cookie from anywhere stays as it was: CORS keeps the answer from the page.
    expect((await api('GET', `/v1/rooms/${roomId}`, asCookie('https://evil.example'))).status).toBe(200);
  });

  it('answers a method a path does not serve with 405 and Allow, and an unknown path with 404', async () => {
    const { alice, roomId } = await newDirectRoom();
    const put = await api('PUT', `/v1/rooms/${roomId}`, { token: alice.token, body: { name: 'x' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, PATCH, DELETE, HEAD');
    expect(put.body).toMatchObject({ statusCode: 405, error: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED' });
    const deleteList = await api('DELETE', '/v1/rooms', { token: alice.token });
    expect(deleteList.status).toBe(405);
    expect(deleteList.headers.get('allow')).toContain('POST');
    const nowhere = await api('GET', '/v1/nowhere', { token: alice.token });
    expect(nowhere.status).toBe(404);
  });

  it('answers a method a path without parameters does not serve with 405, not with the route of an id there', async () => {
    const { alice } = await newDirectRoom();
    // PATCH and DELETE serve /v1/messages/{id}; "favorites" is not an id but a path of its own, GET only.
    const patch = await api('PATCH', '/v1/messages/favorites', { token: alice.token, body: { content: 'x' } });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, HEAD');
    expectErrorShape(patch.body, 405);
    expect(patch.headers.get('x-correlation-id')).toBe(patch.body.correlationId);
  });

  it('searches the team and the rooms with any text, regex characters, line separators and a NUL included', async () => {
    const user = newUser();
    for (const search of ['a\u2028b\u2029c', 'a\0b', 'x.*(', 'a\nb\u0085c']) {
      const query = `search=${encodeURIComponent(search)}`;
      expect((await api('GET', `/v1/conversations?${query}`, { token: user.token })).status).toBe(200);
      expect((await api('GET', `/v1/rooms?${query}`, { token: user.token })).status).toBe(200);
    }
  });

  it('gives a partial update that sets nothing, without a body or with an empty one, a 400 naming body and changes nothing', async () => {
    const admin = newUser(newAccountId(), ['conversation', 'conversation.admin', 'conversation.support']);
    const before = await api('GET', '/v1/conversations/me', { token: admin.token });
    const noBody = await api('PATCH', '/v1/conversations/me', { token: admin.token });
    const emptyBody = await api('PATCH', '/v1/conversations/me', { token: admin.token, body: {} });
    const emptyPolicy = await api('PUT', '/v1/accounts/me/content-policy', { token: admin.token, body: {} });
    for (const response of [noBody, emptyBody, emptyPolicy]) {
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([{ field: 'body', messages: ['the body must set at least one field'] }]);
    }
    expect((await api('GET', '/v1/conversations/me', { token: admin.token })).body).toEqual(before.body);
  });

  it('gives a token without the conversation scope a 403', async () => {
    const response = await api('GET', '/v1/rooms', { token: mintToken({ sub: 'u1', account_id: newAccountId(), scopes: ['other'] }) });
    expect(response.status).toBe(403);
    expectErrorShape(response.body, 403);
  });

  it('gives a non-member 403 and writes nothing', async () => {
    const { roomId, alice } = await newDirectRoom();
    const stranger = newUser(alice.accountId);
    await api('GET', '/v1/conversations/me', { token: stranger.token });
    const before = await documentsOfAccount(alice.accountId);
    const send = await api('POST', `/v1/rooms/${roomId}/messages`, { token: stranger.token, body: { content: 'let me in' } });
    const read = await api('GET', `/v1/rooms/${roomId}/messages`, { token: stranger.token });
    const room = await api('GET', `/v1/rooms/${roomId}`, { token: stranger.token });
    for (const response of [send, read, room]) {
      expect(response.status).toBe(403);
      expectErrorShape(response.body, 403);
    }
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('gives a user of another account a 404 for the room and writes nothing', async () => {
    const { roomId, alice } = await newDirectRoom();
    const outsider = newUser();
    await api('GET', '/v1/conversations/me', { token: outsider.token });
    const before = await documentsOfAccount(alice.accountId);
    const send = await api('POST', `/v1/rooms/${roomId}/messages`, { token: outsider.token, body: { content: 'hi' } });
    const list = await api('GET', `/v1/rooms/${roomId}/messages`, { token: outsider.token });
    expect(send.status).toBe(404);
    expect(list.status).toBe(404);
    expectErrorShape(send.body, 404);
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('refuses a direct room with a member of another account', async () => {
    const alice = newUser();
    const other = newUser();
    await api('GET', '/v1/conversations/me', { token: alice.token });
    const otherConv = (await api('GET', '/v1/conversations/me', { token: other.token })).body.id;
    const response = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: otherConv } });
    expect(response.status).toBe(422);
    expect(response.body.details[0].field).toBe('member');
    expect((await documentsOfAccount(alice.accountId))['conversations.rooms']).toBe(0);
  });

  it.each([
    ['an unknown field', { content: 'hi', admin: true }, 'admin'],
    ['empty content', { content: '' }, 'content'],
    ['content over 5000 characters', { content: 'x'.repeat(5001) }, 'content'],
    ['content over 5000 characters, emoji counted one each', { content: '😀'.repeat(5001) }, 'content'],
    ['eleven attachments', { content: 'hi', attachments: Array.from({ length: 11 }, () => ({ name: 'a', size: 1, content_type: 'text/plain', url: 'https://x.test/a' })) }, 'attachments'],
    ['an attachment without a name', { content: 'hi', attachments: [{ size: 1, content_type: 'text/plain', url: 'https://x.test/a' }] }, 'attachments.0.name'],
  ])('gives a message with %s a 400 naming the field and stores nothing', async (_, body, field) => {
    const { alice, roomId } = await newDirectRoom();
    const before = await documentsOfAccount(alice.accountId);
    const response = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, 400);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it.each([
    ['only markup, which sanitizing empties', '<script>alert(1)</script>'],
    ['only empty paragraphs and breaks', '<br><p></p><p> </p>'],
    ['only zero-width spaces and joiners', '\u200b\u200b\u200d\u2060'],
    ['a NUL', 'a\u0000b'],
    ['half a surrogate pair', 'x\ud800y'],
  ])('gives a message whose content is not text a person reads (%s) a 422 naming content and stores nothing', async (_, content) => {
    const { alice, roomId } = await newDirectRoom();
    const before = await documentsOfAccount(alice.accountId);
    const response = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content } });
    expect(response.status).toBe(422);
    expectErrorShape(response.body, 422);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual(['content']);
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('takes 5000 emoji as 5000 characters, the limit the API documents', async () => {
    const { alice, roomId } = await newDirectRoom();
    const response = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: '😀'.repeat(5000) } });
    expect(response.status).toBe(201);
    expect([...response.body.content]).toHaveLength(5000);
  });

  it('gives a time on a day that does not exist a 400 naming the field, and changes nothing', async () => {
    const { roomId, alice } = await newDirectRoom();
    const sent = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'remind me' } });
    expect(sent.status).toBe(201);
    // Rooms has counted the message (and announced it) before the snapshot, so the two refusals are all that happens after it.
    await eventually(() => api('GET', `/v1/rooms/${roomId}`, { token: alice.token }), (room) => room.body.last_message_id === sent.body.id, 'the room counting the message');
    const before = await documentsOfAccount(alice.accountId);
    const snooze = await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: alice.token, body: { until: '2030-02-30T00:00:00Z' } });
    const reminder = await api('POST', `/v1/messages/${sent.body.id}/reminders`, { token: alice.token, body: { at: '2030-04-31T09:00:00Z' } });
    for (const [response, field] of [[snooze, 'until'], [reminder, 'at']] as const) {
      expect(response.status).toBe(400);
      expectErrorShape(response.body, 400);
      expect(response.body.details).toEqual([expect.objectContaining({ field })]);
    }
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('gives a snooze without a length or end, or with both, one 400 that says so, and snoozes nothing', async () => {
    const { roomId, alice } = await newDirectRoom();
    const neither = await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: alice.token, body: {} });
    expect(neither.status).toBe(400);
    expect(neither.body.details).toEqual([{ field: 'duration_minutes', messages: ['duration_minutes or until is required'] }]);
    const both = await api('PUT', `/v1/rooms/${roomId}/snooze`, { token: alice.token, body: { duration_minutes: 5, until: '2030-01-01T00:00:00Z' } });
    expect(both.status).toBe(400);
    expect(both.body.details).toEqual([{ field: 'until', messages: ['give duration_minutes or until, not both'] }]);
    expect((await api('GET', `/v1/rooms/${roomId}`, { token: alice.token })).body.snoozed_until).toBeNull();
  });

  it('gives malformed ids a 400 naming the field', async () => {
    const { alice, roomId } = await newDirectRoom();
    const badRoom = await api('POST', '/v1/rooms/not-an-id/messages', { token: alice.token, body: { content: 'hi' } });
    const badMember = await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: '123' } });
    const badRead = await api('POST', `/v1/rooms/${roomId}/read`, { token: alice.token, body: { messageId: 'zzz' } });
    const badCursor = await api('GET', `/v1/rooms/${roomId}/messages?before=garbage`, { token: alice.token });
    expect([badRoom.status, badMember.status, badRead.status, badCursor.status]).toEqual([400, 400, 400, 400]);
    expect(badRoom.body.details[0].field).toBe('id');
    expect(badMember.body.details[0].field).toBe('member');
    expect(badRead.body.details[0].field).toBe('messageId');
    expect(badCursor.body.details[0].field).toBe('before');
  });

  it('gives a malformed JSON body a 400 and an oversized one a 413, each naming the body', async () => {
    const { alice, roomId } = await newDirectRoom();
    const malformed = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: '{"content":' });
    const oversized = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, body: { content: 'x'.repeat(400_000) } });
    expect(malformed.status).toBe(400);
    expectErrorShape(malformed.body, 400);
    expect(malformed.body.details).toEqual([{ field: 'body', messages: [expect.stringContaining('JSON')] }]);
    expect(oversized.status).toBe(413);
    expectErrorShape(oversized.body, 413);
    expect(oversized.body.details).toEqual([{ field: 'body', messages: ['request entity too large'] }]);
  });

  it('gives JSON sent as a form (curl -d without a Content-Type) or as text a 415 naming content-type, and stores nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    const before = await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token });
    const body = JSON.stringify({ content: 'hello' });
    const asForm = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const asText = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: body, headers: { 'content-type': 'text/plain' } });
    for (const refused of [asForm, asText]) {
      expect(refused.status).toBe(415);
      expectErrorShape(refused.body, 415);
      expect(refused.body.details).toEqual([{ field: 'content-type', messages: [expect.stringContaining('application/json')] }]);
    }
    const withCharset = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: body, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(withCharset.status).toBe(201);
    const after = await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token });
    expect(after.body.data.length).toBe(before.body.data.length + 1);
  });

  it('tells a JSON body that is not an object (null, a number, an array) that it must be one, naming body, and stores nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    for (const [rawBody, kind] of [['null', 'null'], ['42', 'number'], ['[{"content":"hi"}]', 'array']]) {
      const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ field: 'body', messages: [`the body must be a JSON object, not ${kind === 'array' ? 'an array' : kind}`] }]);
    }
    expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
  });

  it('gives a small body nested thousands of levels deep a 400 naming its field, on a route with a token and on one without, and stores nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    const arrays = `{"content":"hi","x":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const objects = `{"content":"hi","x":${'{"x":'.repeat(3500)}1${'}'.repeat(3500)}}`;
    for (const rawBody of [arrays, objects]) {
      const refused = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody });
      expect(refused.status).toBe(400);
      expectErrorShape(refused.body, 400);
      expect(refused.body.details).toEqual([{ field: 'x', messages: [expect.stringContaining('nests deeper than')] }]);
    }
    const tokens = await api('POST', '/dev/tokens', { rawBody: `{"sub":${'['.repeat(2000)}${']'.repeat(2000)}}` });
    expect(tokens.status).toBe(400);
    expect(tokens.body.details[0].field).toBe('sub');
    expect((await api('GET', `/v1/rooms/${roomId}/messages`, { token: alice.token })).body.data).toEqual([]);
  });

  it('gives a body string that is no text (a NUL, half a surrogate pair) in an id or a name a 422 naming it, never storing it rewritten, and makes nothing', async () => {
    const { alice, bob } = await newDirectRoom();
    const admin = await newMember(alice.accountId, ['conversation', 'conversation.admin']);
    const service = mintToken({ sub: 'listing-service', account_id: alice.accountId, scopes: ['conversation.m2m'] });
    const before = await documentsOfAccount(alice.accountId);
    const refusals: [ApiResponse, string][] = [
      [await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: '\ud800' } }), 'listing_id'],
      [await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'listing', member: bob.conversationId, listing_id: 'a\u0000b' } }), 'listing_id'],
      [await api('POST', '/v1/rooms', { token: admin.token, body: { type: 'channel', name: 'ab\udc00' } }), 'name'],
      [await api('POST', '/m2m/conversationthread/create', { token: service, body: { data: { listingId: 'L-77', participantIds: [alice.userId, '\u0000'] } } }), 'data.participantIds.1'],
    ];
    for (const [response, field] of refusals) {
      expect(response.status).toBe(422);
      expectErrorShape(response.body, 422);
      expect(response.body.details).toEqual([{ field, messages: [`${field} holds a NUL or an unpaired surrogate (not text)`] }]);
    }
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('names the field of a prototype key, a query parameter given twice and a body its Content-Encoding does not describe, each a 400 that changes nothing', async () => {
    const { alice, roomId } = await newDirectRoom();
    const before = await documentsOfAccount(alice.accountId);
    const proto = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: '{"content":"p","__proto__":{"private":true}}' });
    const twice = await api('GET', '/v1/rooms?limit=10&limit=20', { token: alice.token });
    const notGzip = await api('POST', `/v1/rooms/${roomId}/messages`, { token: alice.token, rawBody: '{"content":"hi"}', headers: { 'content-encoding': 'gzip' } });
    expect([proto.status, proto.body.details]).toEqual([400, [{ field: '__proto__', messages: ['__proto__ is not allowed'] }]]);
    expect([twice.status, twice.body.details]).toEqual([400, [{ field: 'limit', messages: ['limit must be given once'] }]]);
    expect([notGzip.status, notGzip.body.details?.[0]?.field]).toEqual([400, 'body']);
    expect(await documentsOfAccount(alice.accountId)).toEqual(before);
  });

  it('refuses a socket with a bad or missing token at the handshake', async () => {
    await expect(connectSocket(undefined)).rejects.toThrow(/unauthorized/i);
    await expect(connectSocket('not-a-jwt')).rejects.toThrow(/unauthorized/i);
  });
});
