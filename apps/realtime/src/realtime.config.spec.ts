import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '@parley/platform';
import { corsOrigins, RealtimeConfig } from './realtime.config.js';

const valid = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0',
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'a-test-secret-of-enough-length',
};

describe('RealtimeConfig', () => {
  it('serves on 3006 with any origin and a two-minute recovery window unless told otherwise', () => {
    const config = loadConfig(RealtimeConfig, valid);
    expect(config.REALTIME_PORT).toBe(3006);
    expect(config.RECOVERY_WINDOW_MS).toBe(120_000);
    expect(corsOrigins(config)).toBe(true);
  });

  it('reads the port as a number', () => {
    expect(loadConfig(RealtimeConfig, { ...valid, REALTIME_PORT: '4100' }).REALTIME_PORT).toBe(4100);
  });

  it('refuses a missing or non-redis REDIS_URL and a port that is not one', () => {
    const { REDIS_URL: _, ...withoutRedis } = valid;
    expect(() => loadConfig(RealtimeConfig, withoutRedis)).toThrow(/REDIS_URL/);
    expect(() => loadConfig(RealtimeConfig, { ...valid, REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig(RealtimeConfig, { ...valid, REALTIME_PORT: 'socket' })).toThrow(ConfigError);
  });

  it('lists the allowed origins when CORS_ORIGINS names them', () => {
    const config = loadConfig(RealtimeConfig, { ...valid, CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' });
    expect(corsOrigins(config)).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });
});
