import type { ClientSession, Connection } from 'mongoose';

/** What each session's current transaction attempt will run once it has committed. */
const afterCommitWork = new WeakMap<ClientSession, (() => void)[]>();

/**
 * Runs `work` in a MongoDB transaction (retried on transient errors, as the driver does), then the
 * callbacks that the committed attempt registered with afterCommit. Callbacks of an attempt that
 * aborted and was retried never run.
 */
export async function runTransaction<T>(connection: Connection, work: (session: ClientSession) => Promise<T>): Promise<T> {
  let committed: (() => void)[] = [];
  const result = await connection.transaction(async (session) => {
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
