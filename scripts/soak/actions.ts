/**
 * The soak's actions: what a simulated user does, each as likely as its weight. A client draws the next action and
 * all its parameters from its own seeded stream (random.ts), so a seed replays the same sequence per client.
 * Faults (faults.ts) are one more action here, so they come at random among the rest.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BridgeError, type BackupDoneEvent, type ConnectionConfig } from '../../protocol/index.js';
import type { ClientSlot } from './client-slot.js';
import { FIXTURE_CHECK_SQL, FIXTURE_ROWS, FIXTURE_SUM, FIXTURE_TABLE, SeriesCheck, seriesSql, type Engine } from './expected-data.js';
import { injectFault } from './faults.js';
import { runChecked, series } from './run-checked.js';
import { engineOf, QUERY_TARGETS, type ConnectionKey } from './soak-context.js';
import type { TransportKind } from './soak-client.js';

export interface SoakAction {
  name: string;
  weight: number;
  /** Transports it needs (default: any). */
  transports?: readonly TransportKind[];
  run(slot: ClientSlot): Promise<void>;
}

const queryTarget = (slot: ClientSlot): { key: ConnectionKey; engine: Engine } => {
  const key = slot.random.pick(QUERY_TARGETS);
  slot.target = key;
  return { key, engine: engineOf(key) as Engine };
};
const rowFormat = (slot: ClientSlot) => slot.random.pick(['array', 'object'] as const);

export const ACTIONS: readonly SoakAction[] = [
  {
    name: 'small query',
    weight: 30,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const count = slot.random.int(1, 2000);
      const batchSize = slot.random.chance(0.3) ? slot.random.int(1, 20) : slot.random.int(50, 1000);
      await runChecked(slot, { key, label: 'small query', sql: seriesSql(engine, count), opts: { batchSize, rowFormat: rowFormat(slot) }, checks: [series(count)], statuses: ['success'] });
    },
  },
  {
    name: 'large stream',
    weight: 6,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const count = slot.soak.options.streamRows;
      const batchSize = slot.random.int(500, 5000);
      await runChecked(slot, { key, label: 'large stream', sql: seriesSql(engine, count), opts: { batchSize, rowFormat: 'array' }, checks: [series(count)], statuses: ['success'] });
    },
  },
  {
    name: 'page mode',
    weight: 8,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const count = slot.random.int(100, 20_000);
      const batchSize = slot.random.int(50, 2000);
      // Sometimes the user stops paging and cancels: the run must still end, as cancelled.
      const stopAfterPages = slot.random.chance(0.25) ? slot.random.int(0, 3) : Infinity;
      let token: string | undefined;
      let firstPage!: () => void;
      const firstPageSeen = new Promise<void>((resolve) => (firstPage = resolve));
      await runChecked(slot, {
        key,
        label: 'page mode',
        sql: seriesSql(engine, count),
        opts: { mode: 'page', batchSize, rowFormat: rowFormat(slot) },
        checks: [series(count)],
        // The first page is pushed as a query.result; its token pulls the next.
        onBatch(batch) {
          if (batch.batchIndex !== 0) return;
          token = batch.cursorToken;
          firstPage();
        },
        statuses: stopAfterPages === Infinity ? ['success'] : ['success', 'cancelled'],
        async during(record, sessionId) {
          await Promise.race([firstPageSeen, record.outcome]);
          let pages = 0;
          while (token !== undefined) {
            if (pages++ >= stopAfterPages) {
              slot.soak.stats.cancels++;
              await slot.client.bridge.call('query.cancel', { sessionId });
              return;
            }
            const page = await slot.client.fetchMore(record, token);
            token = page.cursorToken;
          }
        },
      });
    },
  },
  {
    name: 'multi-statement',
    weight: 8,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const counts = [slot.random.int(1, 3000), slot.random.int(1, 3000), slot.random.int(0, 1) ? slot.random.int(1, 500) : 0].filter((n) => n > 0);
      await runChecked(slot, {
        key,
        label: 'multi-statement',
        sql: counts.map((n) => seriesSql(engine, n)).join(';\n'),
        opts: { batchSize: slot.random.int(100, 1000), rowFormat: rowFormat(slot) },
        checks: counts.map(series),
        statuses: ['success'],
      });
    },
  },
  {
    name: 'error',
    weight: 8,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const kind = slot.random.pick(['syntax', 'missing table', 'after a result set'] as const);
      const count = slot.random.int(1, 2000);
      const missing = `select * from soak_no_such_table_${slot.random.token(4)}`;
      const sql = kind === 'syntax' ? 'selec 1' : kind === 'missing table' ? missing : `${seriesSql(engine, count)};\n${missing}`;
      await runChecked(slot, {
        key,
        label: `error (${kind})`,
        sql,
        opts: { batchSize: 500 },
        checks: kind === 'after a result set' ? [series(count)] : [],
        statuses: ['error'],
        errorCodes: kind === 'syntax' ? ['QUERY_SYNTAX_ERROR'] : ['QUERY_FAILED'],
      });
    },
  },
  {
    name: 'cancel',
    weight: 8,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const count = slot.soak.options.streamRows;
      const delayMs = slot.random.int(0, 800);
      await runChecked(slot, {
        key,
        label: `cancel after ${delayMs} ms`,
        sql: seriesSql(engine, count),
        opts: { batchSize: slot.random.int(100, 2000), rowFormat: 'array' },
        checks: [series(count)],
        statuses: ['cancelled', 'success'],
        async during(record, sessionId) {
          await sleep(delayMs);
          if (record.done) return;
          slot.soak.stats.cancels++;
          await slot.client.bridge.call('query.cancel', { sessionId });
        },
      });
    },
  },
  {
    name: 'session churn',
    weight: 5,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const connectionId = slot.soak.connectionId(key);
      const sessions: string[] = [];
      const n = slot.random.int(2, 6);
      const count = slot.random.int(1, 300);
      try {
        for (let i = 0; i < n; i++) sessions.push((await slot.client.bridge.call('query.createSession', { connectionId })).sessionId);
        slot.soak.stats.sessionsOpened += n;
        await Promise.all(
          sessions.map(async (sessionId) => {
            const check = new SeriesCheck(count);
            const started = await slot.client.run(sessionId, seriesSql(engine, count), { batchSize: 100 }, (_set, rows) => check.take(rows));
            slot.soak.stats.runs++;
            const outcome = await started.outcome;
            slot.soak.stats.rows += outcome.rowsReceived;
            const crashed = outcome.error?.code === 'WORKER_CRASHED';
            if (!crashed && (outcome.status !== 'success' || check.received !== count || check.firstProblem)) {
              slot.soak.report('runs end as expected', `${slot.name} session churn on ${key}: ${outcome.status}, ${check.received}/${count} rows ${check.firstProblem ?? ''}`);
            }
          }),
        );
      } finally {
        // Closed even when a run was refused (its worker being killed): a session left open would outlive the action.
        if (!slot.client.closed) for (const sessionId of sessions) await slot.client.bridge.call('query.closeSession', { sessionId }).catch(() => undefined);
      }
      // A closed session is gone: closing it again is SESSION_NOT_FOUND, nothing else.
      const again = await slot.client.bridge.call('query.closeSession', { sessionId: sessions[0]! }).then(
        () => 'closed again',
        (error: unknown) => (error instanceof BridgeError ? error.code : String(error)),
      );
      if (again !== 'SESSION_NOT_FOUND') slot.soak.report('closed sessions are gone', `${slot.name}: closing session ${sessions[0]} twice answered ${again}`);
    },
  },
  {
    name: 'metadata',
    weight: 6,
    async run(slot) {
      const key = slot.random.pick(QUERY_TARGETS);
      slot.target = key;
      const connectionId = slot.soak.connectionId(key);
      const schemas = await slot.client.bridge.call('metadata.listSchemas', { connectionId });
      const tables = schemas.schemas.flatMap((schema) => schema.tables.map((table) => table.name));
      if (!tables.includes(FIXTURE_TABLE)) slot.soak.report('metadata as expected', `${slot.name}: ${key}'s metadata lists no ${FIXTURE_TABLE} (${tables.join(', ')})`);
      const info = await slot.client.bridge.call('metadata.tableInfo', { connectionId, tableName: FIXTURE_TABLE });
      const columns = info.columns.map((column) => column.name).join(',');
      if (columns !== 'id,v,label') slot.soak.report('metadata as expected', `${slot.name}: ${key}'s ${FIXTURE_TABLE} has columns ${columns}`);
    },
  },
  {
    name: 'backup and restore',
    weight: 3,
    async run(slot) {
      const engine = slot.random.pick(['postgres', 'mysql', 'sqlite'] as const);
      const main: ConnectionKey = engine === 'postgres' ? 'pg' : engine === 'mysql' ? 'my' : 'sq';
      const restore: ConnectionKey = `${main}-restore` as ConnectionKey;
      const cancel = slot.random.chance(0.2);
      const backup = await startJob(slot, 'backup', () => slot.client.bridge.call('backup.create', { connectionId: slot.soak.connectionId(main), options: {} }));
      if (cancel) {
        await sleep(slot.random.int(0, 300));
        await slot.client.bridge.call('job.cancel', { jobId: backup.jobId });
      }
      const done = await backup.end;
      if (done.status !== 'success') {
        if (!(cancel && done.status === 'cancelled')) slot.soak.report('jobs succeed', `${slot.name}: backup of ${main} ended ${done.status}: ${JSON.stringify(done.error)}`);
        return;
      }
      const backupId = done.metadata!.id;
      await slot.soak.locked(restore, async () => {
        const restoreJob = await startJob(slot, 'restore', () =>
          slot.client.bridge.call('backup.restore', { backupId, options: { targetConnectionId: slot.soak.connectionId(restore) } }),
        );
        const restored = await restoreJob.end;
        if (restored.status !== 'success') {
          slot.soak.report('jobs succeed', `${slot.name}: restore of ${main}'s backup into ${restore} ended ${restored.status}: ${JSON.stringify(restored.error)}`);
          return;
        }
        await verifyFixture(slot, restore);
      });
      await slot.client.bridge.call('backup.delete', { backupId });
    },
  },
  {
    name: 'export',
    weight: 3,
    async run(slot) {
      const { key, engine } = queryTarget(slot);
      const count = slot.random.int(1, 20_000);
      const format = slot.random.pick(['csv', 'jsonl'] as const);
      const path = join(slot.soak.backupDir, `export-${slot.name.replace(/\W/g, '_')}-${slot.random.token(6)}.${format}`);
      const job = await startJob(slot, 'export', () =>
        slot.client.bridge.call('backup.export', { connectionId: slot.soak.connectionId(key), source: { sql: seriesSql(engine, count) }, options: { format, path } }),
      );
      const done = await job.end;
      if (done.status !== 'success') {
        slot.soak.report('jobs succeed', `${slot.name}: export from ${key} ended ${done.status}: ${JSON.stringify(done.error)}`);
        return;
      }
      const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line !== '');
      const rows = format === 'jsonl' ? lines.map((line) => JSON.parse(line) as unknown) : lines.slice(1).map((line) => line.split(','));
      const check = new SeriesCheck(count);
      check.take(rows);
      if (done.export?.rows !== count || check.received !== count || check.firstProblem) {
        slot.soak.report('exports hold the data', `${slot.name}: export of ${count} rows from ${key} (${format}) reported ${done.export?.rows}, file has ${check.received} ${check.firstProblem ?? ''}`);
      }
      rmSync(path, { force: true });
    },
  },
  {
    name: 'secrets',
    weight: 4,
    async run(slot) {
      const { soak, random } = slot;
      const bridge = slot.client.bridge;
      const password = `soakpw-${random.token(20)}`;
      soak.secrets.add(password);
      soak.allSecrets.add(password);
      const base = soak.databases.config('postgres', 'main');
      const config: ConnectionConfig = { ...base, name: `soak secret ${random.token(6)}`, password };
      const created = await bridge.call('connection.create', { config });
      if (!created.storedCredentials) soak.report('secrets stored', `${slot.name}: a connection created with a password says storedCredentials false`);
      // PostgreSQL here trusts loopback logins, so any password connects: the test is that the bridge keeps it.
      const test = await bridge.call('connection.test', { connectionId: created.id });
      if (!test.ok) soak.report('secrets usable', `${slot.name}: connection.test of a connection with a stored password failed: ${test.message}`);
      const newPassword = `soakpw-${random.token(20)}`;
      soak.secrets.add(newPassword);
      soak.allSecrets.add(newPassword);
      await bridge.call('connection.update', { id: created.id, config: { password: newPassword } });
      await bridge.call('connection.delete', { id: created.id });
      const gone = await bridge.call('connection.get', { id: created.id }).then(
        () => 'still there',
        (error: unknown) => (error instanceof BridgeError ? error.code : String(error)),
      );
      if (gone !== 'CONNECTION_NOT_FOUND') soak.report('deleted connections are gone', `${slot.name}: connection.get after delete answered ${gone}`);
      soak.secrets.delete(password);
      soak.secrets.delete(newPassword);

      const key = `soak/${slot.name.replace(/[^A-Za-z0-9]/g, '')}/${random.token(8)}`;
      const value = random.token(32);
      await bridge.call('secret.store', { key, value });
      const read = await bridge.call('secret.get', { key });
      if (read.value !== value) soak.report('secrets round-trip', `${slot.name}: secret.get of ${key} gave back another value`);
      const deleted = await bridge.call('secret.delete', { key });
      const after = await bridge.call('secret.get', { key });
      if (!deleted.deleted || after.value !== null) soak.report('secrets round-trip', `${slot.name}: secret.delete of ${key}: deleted ${deleted.deleted}, then get ${after.value === null ? 'null' : 'a value'}`);
    },
  },
  {
    name: 'fault',
    weight: 8,
    run: injectFault,
  },
];

/** Starts a job and tracks it until it ends: every job must reach a final state. */
async function startJob(slot: ClientSlot, kind: string, start: () => Promise<{ jobId: string }>): Promise<{ jobId: string; end: Promise<BackupDoneEvent> }> {
  const { jobId } = await start();
  slot.soak.openJobs.set(jobId, `${kind} by ${slot.name}`);
  const end = slot.jobEnd(jobId).then((event) => {
    slot.soak.openJobs.delete(jobId);
    slot.soak.stats.count(slot.soak.stats.jobs, `${kind} ${event.status}`);
    return event;
  });
  return { jobId, end };
}

async function verifyFixture(slot: ClientSlot, key: ConnectionKey): Promise<void> {
  let counted: unknown[] | undefined;
  const outcome = await runChecked(slot, {
    key,
    label: 'restore check',
    sql: FIXTURE_CHECK_SQL,
    opts: { rowFormat: 'array' },
    checks: [{ take: (rows) => (counted = rows[0] as unknown[]), received: 1, expectedCount: 1, firstProblem: undefined }],
    statuses: ['success'],
  });
  if (outcome?.status === 'success' && (Number(counted?.[0]) !== FIXTURE_ROWS || Number(counted?.[1]) !== FIXTURE_SUM)) {
    slot.soak.report('restores hold the data', `${slot.name}: ${key} after restore holds count/sum ${JSON.stringify(counted)}, expected [${FIXTURE_ROWS}, ${FIXTURE_SUM}]`);
  }
  // The verifying session is closed at once: the next restore (a SQLite file swap) must not meet it.
  await slot.closeSession(key);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
