import { afterAll, describe, expect, it } from '@jest/globals';
import { api, closeStores, documentsOfAccount, mintToken, newAccountId, newMember, restartApp } from '@parley/testing';


describe('the per-user rate limit', () => {
  afterAll(closeStores);

  it('answers 429 with Retry-After once a user spends the budget, changes nothing, and leaves other users alone', async () => {
    await restartApp('gateway', { RATE_LIMIT_POINTS: '6', RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const accountId = newAccountId();
      const alice = await newMember(accountId);
      const bob = await newMember(accountId);
      const room = (await api('POST', '/v1/rooms', { token: alice.token, body: { type: 'direct', member: bob.conversationId } })).body;
      const statuses: number[] = [];
      for (let index = 0; index < 4; index++) statuses.push((await api('GET', '/v1/rooms', { token: alice.token })).status);
      const before = await documentsOfAccount(accountId);
      const refused = await api('POST', `/v1/rooms/${room.id}/messages`, { token: alice.token, body: { content: 'one too many' } });
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await documentsOfAccount(accountId)).toEqual(before);
      expect((await api('GET', '/v1/rooms', { token: bob.token })).status).toBe(200);

      // Ids may hold colons: user `x:y` of account A and user `y` of account `A:x` are two budgets.
      const first = mintToken({ sub: 'x:y', account_id: accountId, scopes: ['conversation'] });
      const second = mintToken({ sub: 'y', account_id: `${accountId}:x`, scopes: ['conversation'] });
      const spent: number[] = [];
      for (let index = 0; index < 7; index++) spent.push((await api('GET', '/currentuser', { token: first })).status);
      expect(spent.slice(-1)).toEqual([429]);
      expect((await api('GET', '/currentuser', { token: second })).status).toBe(200);
    } finally {
      await restartApp('gateway');
    }
  });
});
