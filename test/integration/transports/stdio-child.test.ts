import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stdioClient } from '../../helpers/clients.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/stdio-test-bridge.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

async function startChild(): Promise<ChildProcess> {
  child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child!.stderr!.on('data', () => stderr.includes('"ready"') && resolve());
    child!.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
  });
  return child;
}

describe('stdio transport in a real child process, driven by stdioClient', () => {
  it('answers calls and streams a run that collectRun gathers, events before the response included', async () => {
    const client = stdioClient(await startChild());
    await expect(client.call('health.ping', {})).resolves.toMatchObject({ version: 'transport-test' });
    const { runId } = await client.call('query.run', { sessionId: 's1', sql: 'select 1' });
    const run = await client.collectRun(runId);
    expect(run.results.map((r) => r.rows)).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    expect(run.done.status).toBe('success');
    await expect(client.waitFor('query.done', (p: { runId: string }) => p.runId === runId)).resolves.toMatchObject({ rows: 2 });
    await client.close();
  });

  it('answers malformed input sent raw with a parse error', async () => {
    const client = stdioClient(await startChild());
    client.raw.send('{oops');
    await expect.poll(() => client.messages).toContainEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the message is not valid JSON' } });
    await client.close();
  });

  it('close() ends the child\'s stdin, the child sees its transport close and exits 0', async () => {
    const proc = await startChild();
    const client = stdioClient(proc);
    const exited = once(proc, 'exit');
    await client.close();
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(client.closed).resolves.toMatchObject({ reason: expect.any(String) });
  });
});
