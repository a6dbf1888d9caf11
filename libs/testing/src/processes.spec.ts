import { describe, expect, it } from '@jest/globals';
import { runToEnd } from './processes.js';

describe('runToEnd', () => {
  it('gives a command that ends its exit code and its output', async () => {
    const { code, output } = await runToEnd(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], { timeoutMs: 30_000 });
    expect(code).toBe(3);
    expect(output).toContain('out');
    expect(output).toContain('err');
  });

  it('stops a command still running after its time, keeping what it wrote and saying why', async () => {
    const { code, output } = await runToEnd(
      process.execPath,
      ['-e', 'console.log("working"); setInterval(() => undefined, 1000)'],
      { env: { NODE_OPTIONS: '' }, timeoutMs: 3000 },
    );
    expect(code).toBeNull();
    expect(output).toContain('working');
    expect(output).toContain('still running after 3000 ms');
  });

  it('kills a command that ignores SIGTERM', async () => {
    const { code, output } = await runToEnd(
      process.execPath,
      ['-e', 'process.on("SIGTERM", () => console.log("ignored")); console.log("working"); setInterval(() => undefined, 1000)'],
      { env: { NODE_OPTIONS: '' }, timeoutMs: 3000 },
    );
    expect(code).toBeNull();
    expect(output).toContain('ignored');
    expect(output).toContain('(SIGKILL)');
  });
});
