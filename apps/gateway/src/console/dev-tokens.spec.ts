import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { verifyAccessToken } from '@parley/auth';
import { loadConfig } from '@parley/platform';
import { GatewayConfig } from '../gateway.config.js';
import { DevTokens } from './dev-tokens.service.js';

const valid = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0',
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-test-secret-of-enough-length',
};

describe('development tokens', () => {
  it('are off unless DEV_TOKENS says true', () => {
    expect(loadConfig(GatewayConfig, valid).DEV_TOKENS).toBe(false);
    expect(loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'false' }).DEV_TOKENS).toBe(false);
    expect(loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'true', NODE_ENV: 'development' }).DEV_TOKENS).toBe(true);
    expect(() => loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'yes' })).toThrow(/DEV_TOKENS must be true or false/);
  });

  it('refuse to start in production, where they would let anyone in as anyone', () => {
    expect(() => loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'true', NODE_ENV: 'production' })).toThrow(/DEV_TOKENS must not be true when NODE_ENV is production/);
    expect(loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'false', NODE_ENV: 'production' }).DEV_TOKENS).toBe(false);
  });

  it('refuse a gateway that verifies with a public key, which holds nothing to sign with', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = { ...valid, JWT_SECRET: undefined, JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    expect(() => loadConfig(GatewayConfig, { ...rs256, DEV_TOKENS: 'true' })).toThrow(/DEV_TOKENS needs JWT_SECRET/);
  });

  it('are verified as any token is, with the user, account and scopes asked for, for twelve hours', () => {
    const config = loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'true', JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'parley' });
    const minted = new DevTokens(config).mint({ sub: 'alice', account_id: 'acme', scopes: ['conversation', 'conversation.admin'] });
    const verified = verifyAccessToken(minted.token, config);
    expect(verified.actor).toEqual({ userId: 'alice', accountId: 'acme', scopes: ['conversation', 'conversation.admin'] });
    expect(verified.expiresAt).toBe(Date.parse(minted.expires_at));
    expect(Date.parse(minted.expires_at) - Date.now()).toBeGreaterThan(11.9 * 3600 * 1000);
  });

  it('carry the chat scope when none is asked for', () => {
    const config = loadConfig(GatewayConfig, { ...valid, DEV_TOKENS: 'true' });
    const minted = new DevTokens(config).mint({ sub: 'bob', account_id: 'acme' });
    expect(verifyAccessToken(minted.token, config).actor.scopes).toEqual(['conversation']);
  });
});
