/**
 * SQL text with a NUL character is refused before any driver sees it, on every engine: PostgreSQL would answer
 * "insufficient data left in message" and SQLite would silently run only the text before the NUL — a different
 * statement than the one written. The answer is the -32602 invalid-params fault at `["sql"]`, and the session
 * goes on (docs/api.md, query.run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcFault } from '../../../protocol/client.js';
import { dialects } from './dialects.js';
import { rowsOf, runToEnd, startSessionBridge, type SessionBridge } from './session-harness.js';

let harness: SessionBridge;
beforeAll(async () => {
  harness = await startSessionBridge({ sample: true });
});
afterAll(async () => {
  await harness?.stop();
});

for (const dialect of dialects('nul')) {
  describe.skipIf(dialect.skip)(`a NUL in the SQL on ${dialect.name}`, () => {
    let sessionId: string;
    beforeAll(async () => {
      const connectionId = await dialect.setup(harness, 3);
      sessionId = await harness.newSession(connectionId);
    });
    afterAll(() => dialect.teardown());

    it('is refused with -32602 at ["sql"], nothing runs, and the session runs the next statement', async () => {
      const before = harness.client.messages.length;
      const refusal = await harness.client.call('query.run', { sessionId, sql: `delete from ${dialect.table}\u0000 where id = 1` }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(RpcFault);
      const fault = refusal as RpcFault;
      expect(fault.code).toBe(-32602);
      expect(JSON.stringify(fault.data)).toContain('"path":["sql"]');
      expect(JSON.stringify(fault.data)).toContain('NUL');
      // No run was started: no query.* event came for it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const events = (harness.client.messages.slice(before) as Array<{ method?: string }>).filter((m) => m?.method?.startsWith('query.'));
      expect(events).toEqual([]);

      // The text before the NUL (a delete of every row) did not run.
      const count = await runToEnd(harness.client, sessionId, `select count(*) as n from ${dialect.table}`);
      expect(Number((rowsOf(count)[0] as { n: unknown }).n)).toBe(3);
    });

    it('a NUL spelled as an escape inside the SQL (not the character) is the database\'s business, not refused', async () => {
      const run = await runToEnd(harness.client, sessionId, "select 'a\\0b' as x");
      expect(run.done.status).toBe('success');
    });
  });
}
