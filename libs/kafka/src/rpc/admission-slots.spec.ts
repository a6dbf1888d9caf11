import { describe, expect, it } from '@jest/globals';
import { AdmissionSlots } from './admission-slots.js';

const settledYet = async <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

describe('AdmissionSlots', () => {
  it('admits up to the bound at once and refuses past it when it may not wait', async () => {
    const slots = new AdmissionSlots(2, 0);
    expect(await slots.acquire('messaging')).toBe(true);
    expect(await slots.acquire('messaging')).toBe(true);
    expect(await slots.acquire('messaging')).toBe(false);
    expect(slots.inUse('messaging')).toBe(2);
  });

  it('hands a freed slot to the oldest waiter of the same app', async () => {
    const slots = new AdmissionSlots(1, 5_000);
    await slots.acquire('messaging');
    const first = slots.acquire('messaging');
    const second = slots.acquire('messaging');
    expect(await settledYet(first)).toBe('pending');
    slots.release('messaging');
    expect(await first).toBe(true);
    expect(await settledYet(second)).toBe('pending');
    slots.release('messaging');
    expect(await second).toBe(true);
    slots.release('messaging');
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('refuses a waiter that got no slot within the wait, and gives the next slot back instead of to it', async () => {
    const slots = new AdmissionSlots(1, 20);
    await slots.acquire('messaging');
    const started = performance.now();
    expect(await slots.acquire('messaging')).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    slots.release('messaging');
    expect(slots.inUse('messaging')).toBe(0);
    expect(await slots.acquire('messaging')).toBe(true);
  });

  it('counts each app on its own: a full app does not hold up another', async () => {
    const slots = new AdmissionSlots(1, 5_000);
    await slots.acquire('messaging');
    const waiting = slots.acquire('messaging');
    expect(await slots.acquire('rooms')).toBe(true);
    expect(await settledYet(waiting)).toBe('pending');
    slots.release('messaging');
    expect(await waiting).toBe(true);
  });
});
