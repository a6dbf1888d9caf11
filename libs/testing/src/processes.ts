import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { spawnTied } from '../../../deploy/local/infrastructure.mjs';

/** How long a command that outlived its time is given to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * Runs a command to its end and keeps its output (both streams, interleaved). After `timeoutMs`
 * it is stopped (SIGTERM, then SIGKILL): set it under the test's own timeout, so that a run that
 * outlasts its test fails that test with the command's output instead of going on loading the
 * machine under the suite's next tests. It is tied to this process (spawnTied): a test run that dies
 * takes the command with it.
 */
export function runToEnd(
  command: string,
  args: string[],
  { cwd, env = {}, timeoutMs }: { cwd?: string; env?: Record<string, string>; timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<null, Readable, Readable>;
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const kill = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(kill);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(kill);
      const note = timedOut ? `\n${command} was stopped (${signal ?? `exit ${code}`}): still running after ${timeoutMs} ms\n` : '';
      resolve({ code: timedOut ? null : code, output: output + note });
    });
  });
}
