/**
 * MySQL / MariaDB round trips through the job system on the built bridge against the real server: mariadb-dump
 * (gzipped SQL) restored with the mariadb client, and the driver-level export (forced), each over a damaged database
 * and compared by query; a restore into a second database.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { adminConnection, createTestDatabase, dropTestDatabase } from '../mysql/mysql-fixture.js';
import { BUILT, expectNonDecreasing, jobDone, progressOf, startJobBridge, type JobBridge } from './job-harness.js';

const my = await testDatabase('mysql');
const suffix = randomBytes(4).toString('hex');
const SOURCE = `dbv_bk_my_${suffix}`;
const SECOND = `dbv_bk_my2_${suffix}`;

const FIXTURE = `
  CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, email VARCHAR(200) UNIQUE, photo VARBINARY(64), created DATETIME(6), meta JSON) ENGINE=InnoDB;
  CREATE TABLE orders (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    customer_id INT NOT NULL,
    total DECIMAL(12,2),
    ratio DOUBLE,
    placed DATE,
    flags BIT(3),
    CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE,
    KEY orders_placed (placed)
  ) ENGINE=InnoDB;
  CREATE VIEW big_orders AS SELECT o.id, c.name, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100;
  INSERT INTO customers (name, email, photo, created, meta) VALUES
    ('Zoë Ångström 日本語 🎉', 'zoe@example.com', X'00FF10', '2024-01-02 03:04:05.123456', '{"vip": true}'),
    ('Bob', NULL, NULL, NULL, NULL),
    ('quote''s "and" \\\\ back\\nslash', 'q@example.com', X'', '2024-03-04 05:06:07', '[]');
  INSERT INTO orders (customer_id, total, ratio, placed, flags)
    SELECT 1 + seq % 3, IF(seq % 11 = 0, NULL, seq * 0.75), seq / 7, DATE '2024-01-01' + INTERVAL (seq % 300) DAY, b'101'
      FROM seq_1_to_2000;
`;

async function snapshot(database: string): Promise<unknown> {
  const admin = await adminConnection(my.url!, database);
  try {
    const q = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params))[0] as any[];
    const tables = await q("SELECT TABLE_NAME AS t, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1");
    const rows: Record<string, unknown> = {};
    for (const { t } of tables) rows[t] = await q(`SELECT * FROM \`${t}\` ORDER BY 1`);
    return {
      tables,
      columns: await q(
        'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLUMN_DEFAULT, IS_NULLABLE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, ORDINAL_POSITION',
      ),
      keys: await q('SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2, 3'),
      indexes: await q('SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2, 3'),
      // A view names its own database's tables (the second database's view reads the second database): compare
      // the definitions with that name taken out.
      views: (await q('SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1')).map((v) => ({
        ...v,
        VIEW_DEFINITION: String(v.VIEW_DEFINITION).replaceAll(`\`${database}\`.`, '<db>.'),
      })),
      autoIncrement: await q("SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1"),
      rows,
    };
  } finally {
    await admin.end();
  }
}

describe.skipIf(my.skip || (!BUILT && process.env.CI !== 'true'))('MySQL / MariaDB backup and restore through the job system', () => {
  let jb: JobBridge;
  let connectionId: string;
  let secondId: string;
  let original: unknown;
  let nativeBackup: string;

  beforeAll(async () => {
    await createTestDatabase(my.url!, SOURCE);
    await createTestDatabase(my.url!, SECOND);
    const admin = await adminConnection(my.url!, SOURCE);
    await admin.query(FIXTURE);
    await admin.end();
    original = await snapshot(SOURCE);
    jb = await startJobBridge();
    const base = configFromUrl(my.url!);
    connectionId = (await jb.client.call('connection.create', { config: { ...base, name: 'my source', type: 'mysql', database: SOURCE } })).id;
    secondId = (await jb.client.call('connection.create', { config: { ...base, name: 'my second', type: 'mysql', database: SECOND } })).id;
  }, 60_000);

  afterAll(async () => {
    await jb?.stop();
    await dropTestDatabase(my.url!, SOURCE);
    await dropTestDatabase(my.url!, SECOND);
  });

  async function roundTrip(options: Record<string, unknown>, expected: { format: string; tool: RegExp }): Promise<string> {
    const { jobId } = await jb.client.call('backup.create', { connectionId, options });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(done.metadata).toMatchObject({ format: expected.format, engine: 'mysql' });
    expect(done.metadata!.tool).toMatch(expected.tool);
    const progress = progressOf(jb.client, jobId);
    expect(expectNonDecreasing(progress)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    const admin = await adminConnection(my.url!, SOURCE);
    await admin.query('DROP VIEW big_orders; ALTER TABLE orders ADD COLUMN junk INT DEFAULT 7; DELETE FROM orders WHERE id > 100; UPDATE customers SET name = \'changed\', photo = NULL');
    await admin.end();
    expect(await snapshot(SOURCE)).not.toEqual(original);
    const restore = await jb.client.call('backup.restore', { backupId: done.metadata!.id });
    const restored = await jobDone(jb.client, restore.jobId);
    expect(restored.status, JSON.stringify(restored.error)).toBe('success');
    expect(await snapshot(SOURCE)).toEqual(original);
    return done.metadata!.id;
  }

  it('round-trips with mariadb-dump and the mariadb client', async () => {
    nativeBackup = await roundTrip({}, { format: 'mysql-sql-gz', tool: /\/(mariadb-dump|mysqldump)$/ });
  });

  it('round-trips with the driver-level export when forced', async () => {
    await roundTrip({ via: 'driver' }, { format: 'driver-sql-gz', tool: /^driver$/ });
  });

  it('restores into a second database (targetConnectionId)', async () => {
    const { jobId } = await jb.client.call('backup.restore', { backupId: nativeBackup, options: { targetConnectionId: secondId } });
    const done = await jobDone(jb.client, jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('success');
    expect(await snapshot(SECOND)).toEqual(original);
  });
});
