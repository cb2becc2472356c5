/**
 * What `npm start` runs: the compiled supervisor in dist/ (npm test builds it first). It serves the UI page and the
 * first query end to end on the sample database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, type TestClient } from '../../helpers/clients.js';
import { REPO_ROOT, startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process.js';

const built = existsSync(join(REPO_ROOT, 'dist/supervisor/main.js'));

describe.skipIf(!built && process.env.CI !== 'true')('the built bridge (npm start)', () => {
  let bridge: BridgeProcess;
  let client: TestClient;
  beforeAll(async () => {
    bridge = await startBridgeProcess({ fromDist: true });
    client = await connectWs(bridge.ready.url, bridge.token);
  });
  afterAll(async () => {
    await client?.close();
    expect(await bridge?.stop()).toBe(0);
  });

  it('serves the UI page at the ready line\'s ui address', async () => {
    const response = await fetch(bridge.ready.ui!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('DB Visualizer');
    // The Vite build of ui/ (npm run build), not its sources.
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
  });

  it('runs select * from orders limit 1000 on the sample database', async () => {
    const sample = (await client.call('connection.list', {})).find((c) => c.name === 'Sample (SQLite)')!;
    const { sessionId } = await client.call('query.createSession', { connectionId: sample.id });
    const { runId } = await client.call('query.run', { sessionId, sql: 'select * from orders limit 1000' });
    const run = await client.collectRun(runId);
    expect(run.done).toMatchObject({ status: 'success', rows: 1000 });
    expect(run.results.reduce((n, r) => n + r.rows.length, 0)).toBe(1000);
  });
});
