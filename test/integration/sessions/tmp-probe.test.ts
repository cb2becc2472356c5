import { afterAll, beforeAll, expect, it } from 'vitest';
import { runToEnd, startSessionBridge, type SessionBridge } from './session-harness.js';
let h: SessionBridge;
beforeAll(async () => { h = await startSessionBridge({ sample: true }); });
afterAll(async () => { await h?.stop(); });
it('sqlite long step timeout', async () => {
  const id = await h.sampleId(); const s = await h.newSession(id);
  const t = Date.now();
  const run = await runToEnd(h.client, s, 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000000000) select count(*) from c', { timeoutMs: 500 }).catch((e) => e);
  console.log('elapsed', Date.now() - t, JSON.stringify(run.done ?? String(run)), JSON.stringify(run.errors));
}, 40_000);
