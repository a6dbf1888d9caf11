import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../deploy/local/infrastructure.mjs';
import { Supervisor } from '../deploy/local/supervisor.mjs';
import { eventually, readState } from '@parley/testing';

// npm start and npm run chaos bring the apps up through the supervisor; an app whose start fails
// (a server still coming up) must be waited for through its restart, not fail the whole start.
describe('the supervisor that runs the apps for npm start and npm run chaos', () => {
  const supervisors: Supervisor[] = [];
  afterAll(() => Promise.all(supervisors.map((supervisor) => supervisor.stopAll())));

  function supervise(env: Record<string, string> = {}, liveness?: { intervalMs: number; hungAfterMs: number }) {
    const state = readState();
    const lines: string[] = [];
    const supervisor = new Supervisor({ state: { ...state, env: { ...state.env, ...env } }, log: (line) => lines.push(line), liveness });
    supervisors.push(supervisor);
    return { supervisor, lines };
  }

  it('waits through a start that crashed until the restarted instance answers', async () => {
    const { supervisor, lines } = supervise();
    const instance = supervisor.start({ app: 'outbound-delivery', port: await freePort(), label: 'outbound-delivery#crashed' });
    supervisor.kill(instance);

    await supervisor.waitHealthy(instance);

    expect(instance.restarts).toBe(1);
    expect((await fetch(`http://127.0.0.1:${instance.port}/health`)).status).toBe(200);
    await eventually(() => lines.length, (count) => count >= 2, 'the line saying it is up again');
    expect(lines).toEqual([
      expect.stringContaining('outbound-delivery#crashed exited (SIGKILL); restarting it in 1 s'),
      expect.stringMatching(/outbound-delivery#crashed is up again \(pid \d+, after restart 1\)/),
    ]);
  });

  it('kills and starts again an instance that stops answering on its port (hung), and says so', async () => {
    const { supervisor, lines } = supervise({}, { intervalMs: 500, hungAfterMs: 2000 });
    const instance = supervisor.start({ app: 'outbound-delivery', port: await freePort(), label: 'outbound-delivery#hung' });
    await supervisor.waitHealthy(instance);
    const hung = instance.child?.pid as number;

    process.kill(hung, 'SIGSTOP');

    await eventually(() => lines.join('\n'), (text) => text.includes('is up again'), 'the hung instance killed and started again', 60_000);
    expect(lines[0]).toMatch(new RegExp(`outbound-delivery#hung \\(pid ${hung}\\) has not answered .*/metrics for \\d+ s: killing it to start it again`));
    expect(lines[1]).toContain('outbound-delivery#hung exited (SIGKILL); restarting it in 1 s');
    expect(instance.child?.pid).not.toBe(hung);
    expect((await fetch(`http://127.0.0.1:${instance.port}/health`)).status).toBe(200);
  });

  it('gives up after five failed starts, with the last start’s own error, and says why each start failed', async () => {
    const { supervisor, lines } = supervise({ KAFKA_PARTITIONS: 'many' });
    const instance = supervisor.start({ app: 'outbound-delivery', port: await freePort(), label: 'outbound-delivery#misconfigured' });

    await expect(supervisor.waitHealthy(instance)).rejects.toThrow(/exited with 1\):\n[\s\S]*failed to start[\s\S]*KAFKA_PARTITIONS/);

    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).toContain('outbound-delivery#misconfigured exited (code 1: outbound-delivery failed to start: Invalid configuration: - KAFKA_PARTITIONS');
    }
  });
});
