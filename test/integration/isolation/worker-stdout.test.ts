/**
 * In --stdio mode the supervisor's stdout is the protocol channel: whatever a worker prints must go to the log hook,
 * never to the supervisor's stdout. Checked on a real supervisor-like process, in both isolations.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/print-through-workers.ts', import.meta.url));

describe("a worker's output", () => {
  it("reaches the onStderr hook and never the parent's stdout", () => {
    const marker = `dbv-marker-${process.pid}-${Date.now()}`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', fixture, marker], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(marker);
    expect(result.stderr).not.toContain(marker);
    expect(JSON.parse(result.stdout.trim())).toEqual({
      thread: { stdout: 1, stderr: 1 },
      process: { stdout: 1, stderr: 1 },
    });
  });
});
