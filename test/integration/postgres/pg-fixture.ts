/**
 * Shared by the PostgreSQL connector tests: an admin client for fixtures, a throwaway database per test file
 * (named dbv_conn_pg_*), and small helpers to drain a run.
 */
import net from 'node:net';
import pg from 'pg';
import type { ConnectionConfig } from '../../../protocol/index.js';
import type { RowBatch } from '../../../workers/connectors/connector.js';
import { configFromUrl } from '../../helpers/databases.js';

export async function adminClient(url: string, database?: string): Promise<pg.Client> {
  const config = configFromUrl(url);
  const client = new pg.Client({ host: config.host, port: config.port, user: config.user, password: config.password, database: database ?? config.database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Creates (or recreates) a database for one test file and returns a connector config pointing at it. */
export async function createTestDatabase(url: string, name: string): Promise<ConnectionConfig> {
  const admin = await adminClient(url);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return { ...configFromUrl(url, name), database: name };
}

export async function dropTestDatabase(url: string, name: string): Promise<void> {
  const admin = await adminClient(url);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function collect(batches: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** Rows of each result set, concatenated across batches (the pg and mysql connectors never return rowsAreJson). */
export function rowsByResultSet(batches: RowBatch[]): unknown[][][] {
  const out: unknown[][][] = [];
  for (const b of batches) (out[b.resultSetIndex] ??= []).push(...(b.rows as unknown[][]));
  return out;
}

/** A TCP server on 127.0.0.1 that accepts and never answers: a black-holed database host without leaving the machine. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export { freePort as closedPort } from '../../helpers/local-system.js';
