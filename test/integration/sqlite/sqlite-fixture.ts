/** Temp SQLite files and a connector over them, for the SQLite connector's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Connector, RowBatch } from '../../../workers/connectors/connector.js';
import { createSqliteConnector } from '../../../workers/connectors/sqlite/sqlite-connector.js';

export interface SqliteFixture {
  dir: string;
  path: string;
  connector: Connector;
  cleanup(): Promise<void>;
}

/** A database file built with `ddl`, and a connector for it (extra: connection `extra` settings). */
export function sqliteFixture(ddl: string, extra: Record<string, boolean> = {}): SqliteFixture {
  const dir = mkdtempSync(join(tmpdir(), 'dbv-sqlite-'));
  const path = join(dir, 'fixture.db');
  const db = new Database(path);
  db.exec(ddl);
  db.close();
  const connector = createSqliteConnector({ name: 'fixture', type: 'sqlite', database: path, extra });
  return {
    dir,
    path,
    connector,
    async cleanup() {
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `sql` on the session to the end and returns every batch, rows as arrays of cells: rows that SQLite
 * serialized itself (RowBatch.rowsAreJson) are parsed, so a test sees the values a client receives either way.
 */
export async function runAll(
  connector: Connector,
  sessionId: string,
  sql: string,
  opts: { batchSize?: number; params?: unknown[]; signal?: AbortSignal } = {},
): Promise<RowBatch[]> {
  const batches: RowBatch[] = [];
  const run = connector.runQuery(sessionId, sql, {
    batchSize: opts.batchSize ?? 500,
    rowFormat: 'array',
    params: opts.params,
    signal: opts.signal ?? new AbortController().signal,
  });
  for await (const batch of run) batches.push(decodeRows(batch));
  return batches;
}

export function decodeRows(batch: RowBatch): RowBatch {
  if (!batch.rowsAreJson) return batch;
  const { rowsAreJson: _, ...rest } = batch;
  return { ...rest, rows: (batch.rows as string[]).map((row) => JSON.parse(row) as unknown[]) };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
