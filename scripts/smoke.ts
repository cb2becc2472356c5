/**
 * Smoke test of the built artifact: starts `dist/supervisor/main.js` as `npm start` would (fresh data dir, port 0),
 * reads the ready line, calls health.ping over WebSocket, shuts the bridge down with SIGTERM and expects exit 0.
 * Used by CI's build matrix: `node dist/scripts/smoke.js`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { SUPERVISOR_NODE_FLAGS } from '../supervisor/node-flags.js';

const main = fileURLToPath(new URL('../supervisor/main.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'dbv-smoke-'));
const token = 'smoke-token';
const child = spawn(process.execPath, [...SUPERVISOR_NODE_FLAGS, main, '--port', '0', '--data-dir', dataDir], { env: { ...process.env, DBV_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });

const timeout = setTimeout(() => fail('no ready line within 30 s'), 30_000);
function fail(message: string): never {
  process.stderr.write(`smoke: FAILED: ${message}\n`);
  child.kill('SIGKILL');
  process.exit(1);
}

const ready = await new Promise<{ url: string; version: string }>((resolve) => {
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.includes('"event":"ready"')) resolve(JSON.parse(line) as { url: string; version: string });
  });
});
const ws = new WebSocket(`${ready.url}?token=${token}`);
await once(ws, 'open');
ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'health.ping' }));
const [message] = (await once(ws, 'message')) as [Buffer];
const answer = JSON.parse(message.toString()) as { result?: { ok: boolean; data: { version: string } } };
if (!answer.result?.ok || answer.result.data.version !== ready.version) fail(`unexpected answer ${message.toString()}`);
ws.close();
child.kill('SIGTERM');
const [code] = (await once(child, 'exit')) as [number | null];
clearTimeout(timeout);
rmSync(dataDir, { recursive: true, force: true });
if (code !== 0) fail(`bridge exited with ${code} after SIGTERM`);
process.stdout.write(`smoke: ok (bridge ${ready.version} answered health.ping and shut down cleanly)\n`);
