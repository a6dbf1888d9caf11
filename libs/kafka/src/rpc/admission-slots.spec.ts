import { describe, expect, it } from '@jest/globals';
import { AdmissionSlots } from './admission-slots.js';

const settledYet = async <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

const LONG = 60_000;
const QUEUE = 8;

describe('AdmissionSlots', () => {
  it('admits up to the bound at once and refuses past it when no request may queue', async () => {
    const slots = new AdmissionSlots(2, 0, LONG, LONG);
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
    const slots = new AdmissionSlots(1, QUEUE, LONG, LONG);
    const held = await slots.acquire('messaging');
    const first = slots.acquire('messaging');
    const second = slots.acquire('messaging');
    expect(await settledYet(first)).toBe('pending');
    expect(slots.usage()).toEqual([{ key: 'messaging', inFlight: 1, queued: 2 }]);
    held!();
    const firstRelease = await first;
    expect(firstRelease).not.toBeNull();
    expect(await settledYet(second)).toBe('pending');
    firstRelease!();
    const secondRelease = await second;
    expect(secondRelease).not.toBeNull();
    secondRelease!();
    expect(slots.inUse('messaging')).toBe(0);
    expect(slots.usage()).toEqual([{ key: 'messaging', inFlight: 0, queued: 0 }]);
  });

  it('refuses at once past a full queue, and still serves everything queued', async () => {
    const slots = new AdmissionSlots(1, 2, LONG, LONG);
    const held = await slots.acquire('messaging');
    const queued = [slots.acquire('messaging'), slots.acquire('messaging')];
    expect(await settledYet(slots.acquire('messaging'))).toBeNull();
    held!();
    const first = await queued[0];
    expect(first).not.toBeNull();
    first!();
    const second = await queued[1];
    expect(second).not.toBeNull();
    second!();
    expect(slots.inUse('messaging')).toBe(0);
    expect(await slots.acquire('messaging')).not.toBeNull();
  });

  it('after its queue overflows, refuses at once past the slots instead of queueing, until a while passes without a refusal', async () => {
    // Long enough that a loaded machine's pauses between the steps stay well inside it.
    const shedMs = 1000;
    const slots = new AdmissionSlots(2, 1, LONG, shedMs);
    const held = await Promise.all([slots.acquire('messaging'), slots.acquire('messaging')]);
    const queued = slots.acquire('messaging');
    expect(await slots.acquire('messaging')).toBeNull();
    expect(slots.isShedding('messaging')).toBe(true);
    held[0]!();
    const admitted = await queued;
    expect(admitted).not.toBeNull();
    // The queue has room again, but the overload may last: still refused at once.
    expect(await settledYet(slots.acquire('messaging'))).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, shedMs + 20));
    expect(slots.isShedding('messaging')).toBe(false);
    const queuedAgain = slots.acquire('messaging');
    expect(await settledYet(queuedAgain)).toBe('pending');
    held[1]!();
    (await queuedAgain)!();
    admitted!();
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('tells an early caller to refuse only while every slot is taken and the app sheds, and each such refusal keeps it shedding', async () => {
    const shedMs = 1000;
    const slots = new AdmissionSlots(1, 0, LONG, shedMs);
    const held = await slots.acquire('messaging');
    expect(slots.refusesNow('messaging')).toBe(false);
    expect(await slots.acquire('messaging')).toBeNull();
    expect(slots.refusesNow('messaging')).toBe(true);
    expect(slots.refusesNow('rooms')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, shedMs * 0.6));
    expect(slots.refusesNow('messaging')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, shedMs * 0.6));
    // Past the first refusal's window: the early one moved it on.
    expect(slots.isShedding('messaging')).toBe(true);
    held!();
    expect(slots.refusesNow('messaging')).toBe(false);
  });

  it('counts each app on its own: a full app does not hold up another', async () => {
    const slots = new AdmissionSlots(1, QUEUE, LONG, LONG);
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

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** `count` requests of `key` granted together and answered together, `ms` after their grant. */
  const answerTogether = async (slots: AdmissionSlots, key: string, count: number, ms: number) => {
    const releases = await Promise.all(Array.from({ length: count }, () => slots.acquire(key)));
    await sleep(ms);
    for (const release of releases) release!();
  };

  it('takes the slot back from a request left unanswered while later ones are answered (a stalled instance among healthy ones), and a late answer gives nothing back twice', async () => {
    const slots = new AdmissionSlots(2, QUEUE, 30, LONG, 5000);
    const stuck = await slots.acquire('messaging');
    for (let index = 0; index < 4; index++) (await slots.acquire('messaging'))!();
    const held = await slots.acquire('messaging');
    const next = await slots.acquire('messaging');
    expect(next).not.toBeNull();
    expect(slots.inUse('messaging')).toBe(2);
    stuck!();
    expect(slots.inUse('messaging')).toBe(2);
    held!();
    next!();
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('holds every slot while the app answers nothing at all (stalled whole, or slow to its first answer): the queue fills and the rest is refused', async () => {
    const slots = new AdmissionSlots(1, 1, 30, LONG, 5000);
    const held = await slots.acquire('messaging');
    const waiting = slots.acquire('messaging');
    await sleep(150);
    expect(await settledYet(waiting)).toBe('pending');
    expect(await slots.acquire('messaging')).toBeNull();
    held!();
    const admitted = await waiting;
    expect(admitted).not.toBeNull();
    admitted!();
    expect(slots.inUse('messaging')).toBe(0);
  });

  it('does not judge a burst by the quick answers before it: its slots stay taken until its own answers come', async () => {
    const slots = new AdmissionSlots(2, QUEUE, 30, LONG, 5000);
    for (let index = 0; index < 12; index++) (await slots.acquire('rooms'))!();
    const burst = await Promise.all([slots.acquire('rooms'), slots.acquire('rooms')]);
    const waiting = slots.acquire('rooms');
    await sleep(150);
    expect(await settledYet(waiting)).toBe('pending');
    burst[0]!();
    const admitted = await waiting;
    expect(admitted).not.toBeNull();
    admitted!();
    burst[1]!();
    expect(slots.inUse('rooms')).toBe(0);
  });

  it('holds a slot longer while the app answers slowly across the board, so its slots still bound what is in flight', async () => {
    const slots = new AdmissionSlots(5, QUEUE, 30, LONG, 5000);
    const slowest = await slots.acquire('rooms');
    await answerTogether(slots, 'rooms', 4, 300);
    const others = await Promise.all([slots.acquire('rooms'), slots.acquire('rooms'), slots.acquire('rooms'), slots.acquire('rooms')]);
    const waiting = slots.acquire('rooms');
    await sleep(100);
    // Past the 30 ms floor and 400 ms after its grant, the slot is still the slow request's: its peers took 300 ms.
    expect(await settledYet(waiting)).toBe('pending');
    slowest!();
    const admitted = await waiting;
    expect(admitted).not.toBeNull();
    for (const release of [admitted, ...others]) release!();
    expect(slots.inUse('rooms')).toBe(0);
  });

  it('never holds a slot past the longest lease once others are answered, however slow the answers', async () => {
    const slots = new AdmissionSlots(5, QUEUE, 10, LONG, 400);
    const slowest = await slots.acquire('rooms');
    await answerTogether(slots, 'rooms', 4, 300);
    const others = await Promise.all([slots.acquire('rooms'), slots.acquire('rooms'), slots.acquire('rooms'), slots.acquire('rooms')]);
    const waiting = slots.acquire('rooms');
    // Four times the 300 ms median would be 1200 ms after the slow request's grant; the longest lease is 400 ms.
    const admitted = await Promise.race([waiting, sleep(800).then(() => 'still waiting' as const)]);
    expect(admitted).not.toBe('still waiting');
    expect(admitted).not.toBeNull();
    slowest!();
    for (const release of [admitted as () => void, ...others]) release!();
    expect(slots.inUse('rooms')).toBe(0);
  });
});
