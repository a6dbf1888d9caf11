import { describe, expect, it } from '@jest/globals';
import { probeWithin, type DependencyProbe } from './health.module.js';

const probeOf = (probe: () => Promise<Record<string, unknown>>): DependencyProbe => ({ name: 'mongodb', probe });

describe('a dependency probe', () => {
  it('reports a dependency that does not answer as down, naming it and the wait, instead of waiting with it', async () => {
    const silent = probeOf(() => new Promise(() => undefined));
    await expect(probeWithin(silent, 50)).rejects.toThrow('mongodb did not answer within 50 ms');
  });

  it('passes on an answer or a failure that comes in time', async () => {
    await expect(probeWithin(probeOf(async () => ({ replicaSet: 'rs0' })), 50)).resolves.toEqual({ replicaSet: 'rs0' });
    await expect(probeWithin(probeOf(async () => Promise.reject(new Error('not connected'))), 50)).rejects.toThrow('not connected');
  });
});
