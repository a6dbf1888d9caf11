import { describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { AppError } from '@parley/contracts';
import { AuthenticatedAppConfig } from './auth.config.js';
import { verifyAccessToken } from './access-token.js';

const config = Object.assign(new AuthenticatedAppConfig(), { JWT_SECRET: 'a-test-secret-of-enough-length' });

describe('verifyAccessToken', () => {
  it('turns valid claims into the actor, with the moment the token expires', () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = jwt.sign({ sub: 'u1', account_id: 'a1', scopes: ['conversation'], exp }, config.JWT_SECRET as string);
    expect(verifyAccessToken(token, config)).toEqual({ actor: { userId: 'u1', accountId: 'a1', scopes: ['conversation'] }, expiresAt: exp * 1000 });
  });

  it('says a token without exp never expires', () => {
    const token = jwt.sign({ sub: 'u1', account_id: 'a1', scopes: [] }, config.JWT_SECRET as string);
    expect(verifyAccessToken(token, config).expiresAt).toBeNull();
  });

  it.each([
    ['a token signed with another secret', jwt.sign({ sub: 'u', account_id: 'a', scopes: [] }, 'another-secret-entirely')],
    ['a token without account_id', jwt.sign({ sub: 'u', scopes: [] }, 'a-test-secret-of-enough-length')],
    ['a token whose scopes are not a list', jwt.sign({ sub: 'u', account_id: 'a', scopes: 'all' }, 'a-test-secret-of-enough-length')],
    ['an expired token', jwt.sign({ sub: 'u', account_id: 'a', scopes: [], exp: 1 }, 'a-test-secret-of-enough-length')],
    ['a token signed with none', jwt.sign({ sub: 'u', account_id: 'a', scopes: [] }, '', { algorithm: 'none' })],
  ])('refuses %s with a 401', (_, token) => {
    expect(() => verifyAccessToken(token, config)).toThrow(AppError);
    try {
      verifyAccessToken(token, config);
    } catch (error) {
      expect((error as AppError).statusCode).toBe(401);
    }
  });
});
