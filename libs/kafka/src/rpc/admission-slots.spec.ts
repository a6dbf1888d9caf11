import { describe, expect, it } from '@jest/globals';
import { AdmissionSlots } from './admission-slots.js';

const settledYet = async <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

const LONG = 60_000;

describe('AdmissionSlots', () => {
  it('admits up to the bound at once and refuses past it when it may not wait', async () => {
    const slots = new AdmissionSlots(2, 0, LONG);
    const first = await slots.acquire('messaging');
    const second = await slots.acquire('messaging');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(await slots.acquire('messaging')).toBeNull();
    expect(slots.inUse('messaging')).toBe(2);
    first!();
    second!();
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('hands a freed slot to the oldest waiter of the same app', async () => {
    const slots = new AdmissionSlots(1, LONG, LONG);
    const held = await slots.acquire('messaging');
    const first = slots.acquire('messaging');
    const second = slots.acquire('messaging');
    expect(await settledYet(first)).toBe('pending');
    held!();
    const firstRelease = await first;
    expect(firstRelease).not.toBeNull();
    expect(await settledYet(second)).toBe('pending');
    firstRelease!();
    const secondRelease = await second;
    expect(secondRelease).not.toBeNull();
    secondRelease!();
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('refuses a waiter that got no slot within the wait, and gives the next slot back instead of to it', async () => {
    const slots = new AdmissionSlots(1, 20, LONG);
    const held = await slots.acquire('messaging');
    const started = performance.now();
    expect(await slots.acquire('messaging')).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    held!();
    expect(slots.inUse('messaging')).toBe(0);
    expect(await slots.acquire('messaging')).not.toBeNull();
  });

  it('counts each app on its own: a full app does not hold up another', async () => {
    const slots = new AdmissionSlots(1, LONG, LONG);
    const held = await slots.acquire('messaging');
    const waiting = slots.acquire('messaging');
    const rooms = await slots.acquire('rooms');
    expect(rooms).not.toBeNull();
    expect(await settledYet(waiting)).toBe('pending');
    held!();
    const admitted = await waiting;
    expect(admitted).not.toBeNull();
    admitted!();
    rooms!();
    expect(slots.inUse('messaging') + slots.inUse('rooms')).toBe(0);
  });

  it('takes the slot back from a request unanswered past the lease, and a late answer gives nothing back twice', async () => {
    const slots = new AdmissionSlots(1, LONG, 30);
    const stuck = await slots.acquire('messaging');
    const next = await slots.acquire('messaging');
    expect(next).not.toBeNull();
    expect(slots.inUse('messaging')).toBe(1);
    stuck!();
    expect(slots.inUse('messaging')).toBe(1);
    next!();
    expect(slots.inUse('messaging')).toBe(0);
  });
});
