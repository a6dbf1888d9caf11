import { describe, expect, it } from '@jest/globals';
import { RepeatedFailureLog, type FailureLogger } from './repeated-failure-log.js';

/** A logger that keeps its lines, and a clock the test moves. */
function recorded() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const logger: FailureLogger = {
    error: (fields, message) => lines.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    info: (fields, message) => lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
  };
  const clock = { at: 1_000_000 };
  return { lines, log: new RepeatedFailureLog(logger, 'outbox relay tick', 'error', () => clock.at), clock };
}

describe('the log of a job that fails run after run', () => {
  it('logs the first failure in full, then only a summary a minute while the same failure repeats', () => {
    const { lines, log, clock } = recorded();
    const away = new Error('connect ECONNREFUSED 127.0.0.1:27017');
    for (let run = 0; run < 90; run++) {
      log.failed(away);
      clock.at += 1000;
    }
    expect(lines.map(({ level, message }) => [level, message])).toEqual([
      ['error', 'outbox relay tick failed; retrying on the next run'],
      ['error', 'outbox relay tick still failing, for the same reason'],
    ]);
    expect(lines[0].fields.err).toBe(away);
    expect(lines[1].fields).toEqual({ reason: away.message, failures: 61, failingForMs: 60_000 });
  });

  it('logs a new reason in full at once', () => {
    const { lines, log, clock } = recorded();
    log.failed(new Error('connect ECONNREFUSED 127.0.0.1:27017'));
    clock.at += 1000;
    log.failed(new Error('Server selection timed out after 3000 ms'));
    expect(lines.map(({ fields }) => (fields.err as Error).message)).toEqual(['connect ECONNREFUSED 127.0.0.1:27017', 'Server selection timed out after 3000 ms']);
  });

  it('says the job works again after failures, and nothing when it never failed', () => {
    const { lines, log, clock } = recorded();
    log.succeeded();
    expect(lines).toEqual([]);
    log.failed(new Error('away'));
    clock.at += 5000;
    log.failed(new Error('away'));
    clock.at += 2000;
    log.succeeded();
    log.succeeded();
    expect(lines.slice(1)).toEqual([{ level: 'info', fields: { failures: 2, failedForMs: 7000 }, message: 'outbox relay tick works again' }]);
    // A failure after the recovery is a new outage: logged in full again.
    log.failed(new Error('away'));
    expect(lines).toHaveLength(3);
    expect(lines[2].message).toBe('outbox relay tick failed; retrying on the next run');
  });
});
