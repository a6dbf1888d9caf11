import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, PlatformConfig } from './config.js';

const valid = { MONGO_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0', KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093' };

describe('loadConfig', () => {
  it('reads the environment, converts numbers and keeps defaults for what is unset', () => {
    const config = loadConfig(PlatformConfig, { ...valid, KAFKA_PARTITIONS: '6' });
    expect(config.KAFKA_PARTITIONS).toBe(6);
    expect(config.MONGO_DB).toBe('parley');
    expect(config.KAFKA_MAX_WAIT_MS).toBe(1000);
  });

  it('refuses a missing or malformed setting and names each one', () => {
    const attempt = () => loadConfig(PlatformConfig, { KAFKA_BROKERS: 'not a broker list', KAFKA_PARTITIONS: 'many' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^MONGO_URL:/m);
      expect(problems).toMatch(/^KAFKA_BROKERS:/m);
      expect(problems).toMatch(/^KAFKA_PARTITIONS:/m);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(() => loadConfig(PlatformConfig, { ...valid, MONGO_URL: '' })).toThrow(/MONGO_URL/);
  });
});
