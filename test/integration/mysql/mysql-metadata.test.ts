/**
 * getMetadata / tableInfo of a fixture database with composite and self-referencing foreign keys, a view, routines,
 * comments, JSON/spatial/fulltext columns and indexes, and quoted, mixed-case and unicode identifiers — compared
 * whole, exactly.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mysql from 'mysql2';
import type { ConnectionConfig, TableInfo } from '../../../protocol/index.js';
import type { Connector } from '../../../workers/connectors/connector.js';
import { createMysqlConnector } from '../../../workers/connectors/mysql/mysql-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminConnection, createTestDatabase, dropTestDatabase } from './mysql-fixture.js';

const db = await testDatabase('mysql');
const DB_NAME = 'dbv_conn_my_meta';

const FIXTURE = `
CREATE TABLE customers (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL UNIQUE COMMENT 'Login e-mail',
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  profile JSON NULL
) ENGINE=InnoDB COMMENT='People who buy';
CREATE TABLE orders (
  region CHAR(2) NOT NULL,
  order_no INT NOT NULL,
  customer_id BIGINT UNSIGNED NULL,
  total DECIMAL(12,2) DEFAULT 0.00,
  PRIMARY KEY (region, order_no),
  KEY orders_no_region (order_no, region),
  KEY orders_total (total),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE order_lines (
  region CHAR(2) NOT NULL,
  order_no INT NOT NULL,
  line INT NOT NULL,
  parent_line INT NULL,
  note TEXT,
  PRIMARY KEY (region, order_no, line),
  FULLTEXT KEY note_ft (note),
  CONSTRAINT lines_order_fk FOREIGN KEY (order_no, region) REFERENCES orders (order_no, region) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT lines_parent_fk FOREIGN KEY (region, order_no, parent_line) REFERENCES order_lines (region, order_no, line) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE places (id INT PRIMARY KEY, pos POINT NOT NULL, SPATIAL INDEX pos_idx (pos)) ENGINE=InnoDB;
CREATE TABLE \`Weird Table\` (
  \`Id\` INT NOT NULL PRIMARY KEY,
  \`ünïcödé 列\` VARCHAR(10) DEFAULT 'x',
  \`Parent\` INT NULL,
  CONSTRAINT weird_parent_fk FOREIGN KEY (\`Parent\`) REFERENCES \`Weird Table\` (\`Id\`) ON UPDATE SET NULL
) ENGINE=InnoDB;
CREATE VIEW big_orders AS SELECT region, order_no, total FROM orders WHERE total > 100;
CREATE FUNCTION order_total(r CHAR(2), n INT) RETURNS DECIMAL(12,2) READS SQL DATA
  RETURN (SELECT total FROM orders WHERE region = r AND order_no = n);
CREATE PROCEDURE archive() SELECT 1;
INSERT INTO customers (email) VALUES ('a@x'), ('b@x');
INSERT INTO orders VALUES ('EU', 1, 1, 10), ('EU', 2, 1, 200), ('US', 1, 2, 300);
INSERT INTO order_lines VALUES ('EU', 1, 1, NULL, 'first'), ('EU', 1, 2, 1, 'second');
ANALYZE TABLE customers, orders, order_lines, places, \`Weird Table\`;
`;

const col = (name: string, type: string, ordinal: number, more: Partial<TableInfo['columns'][number]> = {}) => ({
  name, type, ordinal, nullable: true, default: null, primaryKey: false, comment: null, ...more,
});
const idx = (name: string, columns: string[], method: string, unique = false) => ({ name, columns, unique, primary: name === 'PRIMARY', method });

const customers: TableInfo = {
  schema: DB_NAME, name: 'customers', kind: 'table', rowEstimate: 2, comment: 'People who buy',
  columns: [
    col('id', 'bigint unsigned', 1, { nullable: false, primaryKey: true }),
    col('email', 'varchar(255)', 2, { nullable: false, comment: 'Login e-mail' }),
    col('created_at', 'datetime(6)', 3, { nullable: false, default: 'current_timestamp(6)' }),
    col('profile', 'json', 4),
  ],
  indexes: [idx('PRIMARY', ['id'], 'btree', true), idx('email', ['email'], 'btree', true)],
  foreignKeys: [],
};

const orders: TableInfo = {
  schema: DB_NAME, name: 'orders', kind: 'table', rowEstimate: 3, comment: null,
  columns: [
    col('region', 'char(2)', 1, { nullable: false, primaryKey: true }),
    col('order_no', 'int', 2, { nullable: false, primaryKey: true }),
    col('customer_id', 'bigint unsigned', 3),
    col('total', 'decimal(12,2)', 4, { default: '0.00' }),
  ],
  indexes: [
    idx('PRIMARY', ['region', 'order_no'], 'btree', true),
    idx('orders_customer_fk', ['customer_id'], 'btree'),
    idx('orders_no_region', ['order_no', 'region'], 'btree'),
    idx('orders_total', ['total'], 'btree'),
  ],
  foreignKeys: [
    { name: 'orders_customer_fk', columns: ['customer_id'], referencedSchema: DB_NAME, referencedTable: 'customers', referencedColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'RESTRICT' },
  ],
};

const orderLines: TableInfo = {
  schema: DB_NAME, name: 'order_lines', kind: 'table', rowEstimate: 2, comment: null,
  columns: [
    col('region', 'char(2)', 1, { nullable: false, primaryKey: true }),
    col('order_no', 'int', 2, { nullable: false, primaryKey: true }),
    col('line', 'int', 3, { nullable: false, primaryKey: true }),
    col('parent_line', 'int', 4),
    col('note', 'text', 5),
  ],
  indexes: [
    idx('PRIMARY', ['region', 'order_no', 'line'], 'btree', true),
    idx('lines_order_fk', ['order_no', 'region'], 'btree'),
    idx('lines_parent_fk', ['region', 'order_no', 'parent_line'], 'btree'),
    idx('note_ft', ['note'], 'fulltext'),
  ],
  foreignKeys: [
    { name: 'lines_order_fk', columns: ['order_no', 'region'], referencedSchema: DB_NAME, referencedTable: 'orders', referencedColumns: ['order_no', 'region'], onDelete: 'RESTRICT', onUpdate: 'CASCADE' },
    { name: 'lines_parent_fk', columns: ['region', 'order_no', 'parent_line'], referencedSchema: DB_NAME, referencedTable: 'order_lines', referencedColumns: ['region', 'order_no', 'line'], onDelete: 'CASCADE', onUpdate: 'RESTRICT' },
  ],
};

const places: TableInfo = {
  schema: DB_NAME, name: 'places', kind: 'table', rowEstimate: 0, comment: null,
  columns: [col('id', 'int', 1, { nullable: false, primaryKey: true }), col('pos', 'point', 2, { nullable: false })],
  indexes: [idx('PRIMARY', ['id'], 'btree', true), idx('pos_idx', ['pos'], 'spatial')],
  foreignKeys: [],
};

const weird: TableInfo = {
  schema: DB_NAME, name: 'Weird Table', kind: 'table', rowEstimate: 0, comment: null,
  columns: [
    col('Id', 'int', 1, { nullable: false, primaryKey: true }),
    col('ünïcödé 列', 'varchar(10)', 2, { default: "'x'" }),
    col('Parent', 'int', 3),
  ],
  indexes: [idx('PRIMARY', ['Id'], 'btree', true), idx('weird_parent_fk', ['Parent'], 'btree')],
  foreignKeys: [
    { name: 'weird_parent_fk', columns: ['Parent'], referencedSchema: DB_NAME, referencedTable: 'Weird Table', referencedColumns: ['Id'], onDelete: 'RESTRICT', onUpdate: 'SET NULL' },
  ],
};

const bigOrders: TableInfo = {
  schema: DB_NAME, name: 'big_orders', kind: 'view', rowEstimate: null, comment: null,
  columns: [
    col('region', 'char(2)', 1, { nullable: false }),
    col('order_no', 'int', 2, { nullable: false }),
    col('total', 'decimal(12,2)', 3, { default: '0.00' }),
  ],
  indexes: [], foreignKeys: [],
};

describe.skipIf(db.skip)('MySQL metadata', () => {
  let config: ConnectionConfig;
  let connector: Connector;

  beforeAll(async () => {
    config = await createTestDatabase(db.url!, DB_NAME);
    const admin = await adminConnection(db.url!, DB_NAME);
    await admin.query(FIXTURE);
    await admin.end();
    connector = createMysqlConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it("reports the connection's database as the single schema, exactly", async () => {
    const metadata = await connector.getMetadata();
    expect(metadata.database).toBe(DB_NAME);
    expect(metadata.schemas).toHaveLength(1);
    const [schema] = metadata.schemas;
    expect(schema.name).toBe(DB_NAME);
    // Code-point order, whatever the server's collation (as PostgreSQL's catalog orders names).
    expect(schema.tables).toEqual([weird, customers, orderLines, orders, places]);
    expect(schema.views).toEqual([bigOrders]);
    expect(schema.routines).toEqual([
      { name: 'archive', kind: 'procedure' },
      { name: 'order_total', kind: 'function' },
    ]);
  });

  it('describes one table or view by exact name', async () => {
    expect(await connector.tableInfo('Weird Table')).toEqual(weird);
    expect(await connector.tableInfo('big_orders', DB_NAME)).toEqual(bigOrders);
    // information_schema compares names case-insensitively; tableInfo does not.
    await expect(connector.tableInfo('weird table')).rejects.toMatchObject({ code: 'QUERY_FAILED' });
    await expect(connector.tableInfo('missing')).rejects.toMatchObject({ code: 'QUERY_FAILED', details: { table: 'missing' } });
  });

  it('reads the catalog in a fixed number of queries whatever the number of tables', async () => {
    // A spy (not a stub) on the real driver: every statement still goes to the server.
    const sent = vi.spyOn(mysql.Connection.prototype, 'query');
    const countQueries = async (): Promise<number> => {
      sent.mockClear();
      await connector.getMetadata();
      return sent.mock.calls.length;
    };
    const small = await countQueries();
    const admin = await adminConnection(db.url!, DB_NAME);
    const count = 100;
    const names = Array.from({ length: count }, (_, i) => `bulk_${i + 1}`);
    await admin.query(
      names.map((name, i) => `CREATE TABLE ${name} (id INT PRIMARY KEY, ref INT, FOREIGN KEY (ref) REFERENCES ${names[Math.max(i - 1, 0)]} (id));`).join('\n'),
    );
    try {
      const large = await countQueries();
      expect((await connector.getMetadata()).schemas[0].tables.filter((t) => t.name.startsWith('bulk_'))).toHaveLength(count);
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(8);
    } finally {
      sent.mockRestore();
      await admin.query(`DROP TABLE ${[...names].reverse().join(', ')}`);
      await admin.end();
    }
  });
});
