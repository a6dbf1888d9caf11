import { describe, expect, it } from '@jest/globals';
import { loadConfig, PlatformConfig } from '@parley/platform';
import { GatewayConfig } from './gateway.config.js';

const withoutMongo = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-test-secret-of-enough-length',
};

describe('GatewayConfig', () => {
  it('starts without MONGO_URL: the gateway keeps nothing in MongoDB', () => {
    expect(loadConfig(GatewayConfig, withoutMongo).MONGO_URL).toBeUndefined();
  });

  it('leaves MONGO_URL required for the apps that store (the shared settings)', () => {
    expect(() => loadConfig(PlatformConfig, withoutMongo)).toThrow(/MONGO_URL/);
  });

  it('still refuses a MONGO_URL that is not a connection string, when one is given', () => {
    expect(() => loadConfig(GatewayConfig, { ...withoutMongo, MONGO_URL: 'localhost:27017' })).toThrow(/MONGO_URL must be a mongodb:\/\/ connection string/);
  });
});
