import { describe, expect, it } from '@jest/globals';
import { settleWithin } from './settle-within.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('settleWithin', () => {
  it('gives the work its own outcome when it settles in time', async () => {
    await expect(settleWithin(after(5, 'answer'), 200, () => 'late')).resolves.toBe('answer');
    await expect(settleWithin(Promise.reject(new Error('refused')), 200, () => 'late')).rejects.toThrow('refused');
  });

  it('gives what `late` says once the time is up: its value, or its error', async () => {
    await expect(settleWithin(after(200, 'answer'), 10, () => 'late')).resolves.toBe('late');
    await expect(settleWithin(after(200, 'answer'), 10, () => {
      throw new Error('did not answer');
    })).rejects.toThrow('did not answer');
  });
});
