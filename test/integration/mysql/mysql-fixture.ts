/**
 * Shared by the MySQL/MariaDB connector tests: an admin connection for fixtures and a throwaway database per test
 * file (named dbv_conn_my_*). Run helpers and local TCP stand-ins are the PostgreSQL tests' ones.
 */
import mysql from 'mysql2/promise';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { configFromUrl } from '../../helpers/databases.js';

export { closedPort, collect, rowsByResultSet, silentServer } from '../postgres/pg-fixture.js';

export async function adminConnection(url: string, database?: string): Promise<mysql.Connection> {
  const config = configFromUrl(url);
  const connection = await mysql.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: database ?? config.database,
    multipleStatements: true,
  });
  connection.on('error', () => undefined);
  return connection;
}

export async function createTestDatabase(url: string, name: string): Promise<ConnectionConfig> {
  const admin = await adminConnection(url);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return { ...configFromUrl(url, name), database: name };
}

export async function dropTestDatabase(url: string, name: string): Promise<void> {
  const admin = await adminConnection(url);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
