import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, PlatformConfig } from '@parley/platform';
import { storageSettings } from './storage-settings.js';

const platform = { MONGO_URL: 'mongodb://127.0.0.1:27017/?replicaSet=rs0', KAFKA_BROKERS: '127.0.0.1:9092' };
const storage = { S3_ENDPOINT: 'http://127.0.0.1:7070', S3_BUCKET: 'parley-attachments', S3_ACCESS_KEY: 'key', S3_SECRET_KEY: 'secret' };

describe('storageSettings', () => {
  it('lets an app that keeps no files start without any S3 setting', () => {
    expect(() => loadConfig(PlatformConfig, platform)).not.toThrow();
  });

  it('reads the S3 settings, us-east-1 and the endpoint itself for presigning unless told otherwise', () => {
    const settings = storageSettings(loadConfig(PlatformConfig, { ...platform, ...storage }));
    expect(settings).toEqual({
      endpoint: 'http://127.0.0.1:7070',
      publicEndpoint: 'http://127.0.0.1:7070',
      bucket: 'parley-attachments',
      accessKey: 'key',
      secretKey: 'secret',
      region: 'us-east-1',
    });
    const behindProxy = storageSettings(loadConfig(PlatformConfig, { ...platform, ...storage, S3_PUBLIC_ENDPOINT: 'https://files.example.com', S3_REGION: 'eu-west-1' }));
    expect(behindProxy).toMatchObject({ endpoint: 'http://127.0.0.1:7070', publicEndpoint: 'https://files.example.com', region: 'eu-west-1' });
  });

  it('refuses to start storage naming each missing setting', () => {
    const config = loadConfig(PlatformConfig, { ...platform, S3_ENDPOINT: storage.S3_ENDPOINT });
    expect(() => storageSettings(config)).toThrow(ConfigError);
    try {
      storageSettings(config);
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^S3_BUCKET:/m);
      expect(problems).toMatch(/^S3_ACCESS_KEY:/m);
      expect(problems).toMatch(/^S3_SECRET_KEY:/m);
      expect(problems).not.toMatch(/^S3_ENDPOINT:/m);
    }
  });

  it('refuses a malformed endpoint or bucket name at load, naming it', () => {
    expect(() => loadConfig(PlatformConfig, { ...platform, ...storage, S3_ENDPOINT: '127.0.0.1:7070' })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig(PlatformConfig, { ...platform, ...storage, S3_BUCKET: 'Parley_Attachments' })).toThrow(/S3_BUCKET/);
  });
});
