import { describe, expect, it } from '@jest/globals';
import type { ClientSession, Connection } from 'mongoose';
import { afterCommit, runTransaction } from './transaction.js';

/** A connection whose transaction runs the work `attempts` times on one session, as a driver retry does. */
function connection(attempts: number, commitFails = false): Connection {
  return {
    transaction: async <T>(work: (session: ClientSession) => Promise<T>) => {
      const session = {} as ClientSession;
      let result: T | undefined;
      for (let attempt = 0; attempt < attempts; attempt++) result = await work(session);
      if (commitFails) throw new Error('commit failed');
      return result as T;
    },
  } as unknown as Connection;
}

describe('runTransaction', () => {
  it('runs the committed attempt’s after-commit callbacks once, after the transaction', async () => {
    const ran: string[] = [];
    const result = await runTransaction(connection(1), async (session) => {
      afterCommit(session, () => ran.push('published'));
      ran.push('work');
      return 42;
    });
    expect(result).toBe(42);
    expect(ran).toEqual(['work', 'published']);
  });

  it('forgets what an attempt that was retried registered: only the last attempt’s callbacks run', async () => {
    let attempt = 0;
    const ran: number[] = [];
    await runTransaction(connection(3), async (session) => {
      const mine = ++attempt;
      afterCommit(session, () => ran.push(mine));
    });
    expect(ran).toEqual([3]);
  });

  it('runs nothing when the transaction fails', async () => {
    const ran: string[] = [];
    await expect(
      runTransaction(connection(1, true), async (session) => {
        afterCommit(session, () => ran.push('published'));
      }),
    ).rejects.toThrow('commit failed');
    expect(ran).toEqual([]);
  });

  it('refuses afterCommit on a session it did not begin', () => {
    expect(() => afterCommit({} as ClientSession, () => undefined)).toThrow('runTransaction');
  });
});

describe('runTransaction through an outage', () => {
  it('ends the driver’s retries with a 503 once they have gone on past the budget, running the work no further', async () => {
    const retrying = {
      transaction: async <T>(work: (session: ClientSession) => Promise<T>) => {
        const session = {} as ClientSession;
        for (;;) {
          // Each attempt's commit fails as a transient error would, and the driver tries again.
          await work(session);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    } as unknown as Connection;
    let ran = 0;
    const refused = await runTransaction(retrying, async () => void ran++, 50).catch((error: unknown) => error);
    expect(refused).toMatchObject({ statusCode: 503 });
    expect(ran).toBeGreaterThanOrEqual(2);
    expect(ran).toBeLessThan(10);
  });
});
