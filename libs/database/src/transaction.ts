import type { ClientSession, Connection } from 'mongoose';
import { AppError } from '@parley/contracts';

/**
 * How long a transaction's attempts may go on being retried. The driver retries a transient error
 * for up to 120 s, so through a MongoDB outage a command outlived its caller (a 504 after 10 s)
 * and could still store its write a minute later; past this, the caller gets a 503 to retry.
 */
export const TRANSACTION_RETRY_BUDGET_MS = 5000;

/** What each session's current transaction attempt will run once it has committed. */
const afterCommitWork = new WeakMap<ClientSession, (() => void)[]>();

/**
 * Runs `work` in a MongoDB transaction (retried on transient errors, as the driver does, for at
 * most `retryBudgetMs`: then a 503), then the callbacks that the committed attempt registered with
 * afterCommit. Callbacks of an attempt that aborted and was retried never run.
 */
export async function runTransaction<T>(
  connection: Connection,
  work: (session: ClientSession) => Promise<T>,
  retryBudgetMs = TRANSACTION_RETRY_BUDGET_MS,
): Promise<T> {
  let committed: (() => void)[] = [];
  const began = Date.now();
  let attempts = 0;
  const result = await connection.transaction(async (session) => {
    // Thrown from the work, an error without the driver's transient label ends its retries.
    if (attempts++ > 0 && Date.now() - began > retryBudgetMs) {
      throw AppError.unavailable(`MongoDB did not complete the transaction within ${retryBudgetMs} ms; retry shortly`);
    }
    const attempt: (() => void)[] = [];
    afterCommitWork.set(session, attempt);
    const value = await work(session);
    committed = attempt;
    return value;
  });
  for (const callback of committed) callback();
  return result;
}

/** Runs `callback` once the transaction of `session` (begun by runTransaction) has committed. */
export function afterCommit(session: ClientSession, callback: () => void): void {
  const attempt = afterCommitWork.get(session);
  if (!attempt) throw new Error('afterCommit needs a session of runTransaction');
  attempt.push(callback);
}
