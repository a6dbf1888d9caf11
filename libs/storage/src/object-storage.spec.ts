import { afterAll, describe, expect, it } from '@jest/globals';
import type { PinoLogger } from 'nestjs-pino';
import { asStorageFailure, ObjectStorage, uploaderTag } from './object-storage.js';

const silent = { debug: () => undefined, warn: () => undefined } as unknown as PinoLogger;
const settings = {
  endpoint: 'http://s3:7070',
  publicEndpoint: 'http://localhost:7070',
  bucket: 'parley-attachments',
  accessKey: 'key',
  secretKey: 'secret',
  region: 'us-east-1',
};

// Presigning is local computation: no storage needs to run for these.
describe('ObjectStorage presigning', () => {
  const storage = new ObjectStorage(settings, silent);
  afterAll(() => storage.onApplicationShutdown());

  it('signs an upload for the public host, the key in the path, with its content type, length, uploader and write-once condition', async () => {
    const uploader = uploaderTag('acct-1', 'alice');
    const upload = await storage.presignPut('acct-1/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/plan.pdf', 'application/pdf', 1234, 600, uploader);
    const url = new URL(upload.url);
    expect(url.host).toBe('localhost:7070');
    expect(url.pathname).toBe('/parley-attachments/acct-1/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/plan.pdf');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'content-type', 'host', 'if-none-match', 'x-amz-meta-uploader']);
    expect([...url.searchParams.keys()].filter((name) => name.toLowerCase().startsWith('x-amz-meta'))).toEqual([]);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect([...url.searchParams.keys()].filter((name) => name.startsWith('x-amz-checksum'))).toEqual([]);
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf', 'if-none-match': '*', 'x-amz-meta-uploader': uploader } });
    expect(uploader).toMatch(/^[0-9a-f]{64}$/);
    expect(uploaderTag('acct-1', 'bob')).not.toBe(uploader);
    expect(upload.expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
  });

  it('signs a download for the public host', async () => {
    const download = await storage.presignGet('acct-1/9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e/plan.pdf', 60);
    const url = new URL(download.url);
    expect(url.host).toBe('localhost:7070');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('refuses a lifetime SigV4 cannot sign (none, or over a week)', async () => {
    await expect(storage.presignGet('k', 0)).rejects.toThrow(RangeError);
    await expect(storage.presignPut('k', 'image/png', 1, 8 * 24 * 3600, uploaderTag('a', 'b'))).rejects.toThrow(RangeError);
  });
});

describe('a storage that is away', () => {
  it('is a 503 to retry when it refuses connections, does not answer in time or fails with a 5xx', () => {
    for (const failure of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7070'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }),
      Object.assign(new Error('We encountered an internal error'), { $metadata: { httpStatusCode: 503 } }),
    ]) {
      expect(asStorageFailure(failure)).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
    }
  });

  it('leaves the request’s own errors (a 404, a 403) as they are', () => {
    const missing = Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(asStorageFailure(missing)).toBe(missing);
  });
});
