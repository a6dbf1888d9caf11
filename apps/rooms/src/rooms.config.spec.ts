import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@parley/platform';
import { RoomsConfig } from './rooms.config.js';

const valid = { MONGO_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('RoomsConfig', () => {
  it('keeps DEV_USERS off unless it says true, and refuses a value that is neither', () => {
    expect(loadConfig(RoomsConfig, valid).DEV_USERS).toBe(false);
    expect(loadConfig(RoomsConfig, { ...valid, DEV_USERS: 'true' }).DEV_USERS).toBe(true);
    expect(() => loadConfig(RoomsConfig, { ...valid, DEV_USERS: 'yes' })).toThrow(/DEV_USERS must be true or false/);
  });

  it("refuses DEV_USERS in production, where _users is the identity service's", () => {
    expect(() => loadConfig(RoomsConfig, { ...valid, DEV_USERS: 'true', NODE_ENV: 'production' })).toThrow(
      /DEV_USERS must not be true when NODE_ENV is production: _users is the identity service's/,
    );
  });
});
