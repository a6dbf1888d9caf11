import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '@parley/contracts';
import { AuthenticatedAppConfig } from './auth.config.js';
import { verificationKey, verifyAccessToken } from './access-token.js';

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

describe('verifyAccessToken with an RS256 public key', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // An env file carries the PEM on one line, its newlines written as \n.
  const rsaConfig = Object.assign(new AuthenticatedAppConfig(), { JWT_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') });

  it('accepts a token signed with the private key', () => {
    const token = jwt.sign({ sub: 'u1', account_id: 'a1', scopes: [] }, privateKey, { algorithm: 'RS256' });
    expect(verifyAccessToken(token, rsaConfig).actor).toEqual({ userId: 'u1', accountId: 'a1', scopes: [] });
  });

  it('refuses an HS256 token whose secret is the public key itself', () => {
    const forged = jwt.sign({ sub: 'u1', account_id: 'a1', scopes: [] }, Buffer.from(publicPem), { algorithm: 'HS256' });
    expect(() => verifyAccessToken(forged, rsaConfig)).toThrow(/invalid algorithm/);
  });

  it('names JWT_PUBLIC_KEY when it holds no public key', () => {
    const broken = Object.assign(new AuthenticatedAppConfig(), { JWT_PUBLIC_KEY: 'not a pem' });
    expect(() => verificationKey(broken)).toThrow(/^JWT_PUBLIC_KEY is not a PEM public key/);
  });
});
