/**
 * getMetadata / tableInfo of a fixture database with several schemas, composite and self-referencing foreign keys,
 * views, routines, comments, and quoted, mixed-case and unicode identifiers — compared whole, exactly.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionConfig, TableInfo } from '../../../protocol/index.js';
import type { Connector } from '../../../workers/connectors/connector.js';
import { createPostgresConnector } from '../../../workers/connectors/postgres/postgres-connector.js';
import { testDatabase } from '../../helpers/databases.js';
import { adminClient, createTestDatabase, dropTestDatabase } from './pg-fixture.js';

const db = await testDatabase('postgres');
const DB_NAME = 'dbv_conn_pg_meta';

const FIXTURE = `
CREATE SCHEMA sales;
CREATE SCHEMA "Mixed Case";
CREATE SCHEMA "ünï";
CREATE TABLE sales.customers (
  id bigserial PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sales.customers IS 'People who buy';
COMMENT ON COLUMN sales.customers.email IS 'Login e-mail';
CREATE INDEX customers_lower_email ON sales.customers (lower(email));
CREATE TABLE sales.orders (
  region char(2) NOT NULL,
  order_no integer NOT NULL,
  customer_id bigint REFERENCES sales.customers (id) ON DELETE CASCADE,
  total numeric(12,2),
  PRIMARY KEY (region, order_no)
);
CREATE INDEX orders_total_hash ON sales.orders USING hash (total);
CREATE TABLE sales.order_lines (
  region char(2) NOT NULL,
  order_no integer NOT NULL,
  line integer NOT NULL,
  parent_line integer,
  PRIMARY KEY (region, order_no, line),
  CONSTRAINT lines_order_fk FOREIGN KEY (order_no, region) REFERENCES sales.orders (order_no, region)
    ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT lines_parent_fk FOREIGN KEY (region, order_no, parent_line) REFERENCES sales.order_lines (region, order_no, line)
    ON DELETE SET NULL
);
CREATE TABLE sales.audit_log (msg text);
CREATE VIEW sales.big_orders AS SELECT region, order_no, total FROM sales.orders WHERE total > 100;
COMMENT ON VIEW sales.big_orders IS 'Orders over 100';
CREATE FUNCTION sales.order_total(r char, n integer) RETURNS numeric LANGUAGE sql
  AS $$ SELECT total FROM sales.orders WHERE region = r AND order_no = n $$;
CREATE FUNCTION sales.order_total(n integer) RETURNS numeric LANGUAGE sql AS $$ SELECT 0::numeric $$;
CREATE PROCEDURE sales.archive() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TABLE "Mixed Case"."Weird Table" (
  "Id" integer PRIMARY KEY,
  "ünïcödé 列" text DEFAULT 'x',
  "Parent" integer REFERENCES "Mixed Case"."Weird Table" ("Id") ON UPDATE SET DEFAULT
);
CREATE TABLE "ünï"."Empl" (
  id integer PRIMARY KEY,
  manager integer REFERENCES "ünï"."Empl" (id) ON DELETE SET NULL,
  customer bigint REFERENCES sales.customers (id)
);
INSERT INTO sales.customers (email) VALUES ('a@x'), ('b@x');
INSERT INTO sales.orders VALUES ('EU', 1, 1, 10), ('EU', 2, 1, 200), ('US', 1, 2, 300);
INSERT INTO sales.order_lines VALUES ('EU', 1, 1, NULL), ('EU', 1, 2, 1);
ANALYZE sales.customers; ANALYZE sales.orders; ANALYZE sales.order_lines; ANALYZE "Mixed Case"."Weird Table"; ANALYZE "ünï"."Empl";
`;

const col = (name: string, type: string, ordinal: number, more: Partial<TableInfo['columns'][number]> = {}) => ({
  name, type, ordinal, nullable: true, default: null, primaryKey: false, comment: null, ...more,
});

const customers: TableInfo = {
  schema: 'sales', name: 'customers', kind: 'table', rowEstimate: 2, comment: 'People who buy',
  columns: [
    col('id', 'int8', 1, { nullable: false, primaryKey: true, default: "nextval('sales.customers_id_seq'::regclass)" }),
    col('email', 'varchar(255)', 2, { nullable: false, comment: 'Login e-mail' }),
    col('created_at', 'timestamptz', 3, { nullable: false, default: 'now()' }),
  ],
  indexes: [
    { name: 'customers_email_key', columns: ['email'], unique: true, primary: false, method: 'btree' },
    { name: 'customers_lower_email', columns: ['lower(email::text)'], unique: false, primary: false, method: 'btree' },
    { name: 'customers_pkey', columns: ['id'], unique: true, primary: true, method: 'btree' },
  ],
  foreignKeys: [],
};

const orders: TableInfo = {
  schema: 'sales', name: 'orders', kind: 'table', rowEstimate: 3, comment: null,
  columns: [
    col('region', 'bpchar(2)', 1, { nullable: false, primaryKey: true }),
    col('order_no', 'int4', 2, { nullable: false, primaryKey: true }),
    col('customer_id', 'int8', 3),
    col('total', 'numeric(12,2)', 4),
  ],
  indexes: [
    { name: 'orders_pkey', columns: ['region', 'order_no'], unique: true, primary: true, method: 'btree' },
    { name: 'orders_total_hash', columns: ['total'], unique: false, primary: false, method: 'hash' },
  ],
  foreignKeys: [
    { name: 'orders_customer_id_fkey', columns: ['customer_id'], referencedSchema: 'sales', referencedTable: 'customers', referencedColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
  ],
};

const orderLines: TableInfo = {
  schema: 'sales', name: 'order_lines', kind: 'table', rowEstimate: 2, comment: null,
  columns: [
    col('region', 'bpchar(2)', 1, { nullable: false, primaryKey: true }),
    col('order_no', 'int4', 2, { nullable: false, primaryKey: true }),
    col('line', 'int4', 3, { nullable: false, primaryKey: true }),
    col('parent_line', 'int4', 4),
  ],
  indexes: [{ name: 'order_lines_pkey', columns: ['region', 'order_no', 'line'], unique: true, primary: true, method: 'btree' }],
  foreignKeys: [
    { name: 'lines_order_fk', columns: ['order_no', 'region'], referencedSchema: 'sales', referencedTable: 'orders', referencedColumns: ['order_no', 'region'], onDelete: 'RESTRICT', onUpdate: 'CASCADE' },
    { name: 'lines_parent_fk', columns: ['region', 'order_no', 'parent_line'], referencedSchema: 'sales', referencedTable: 'order_lines', referencedColumns: ['region', 'order_no', 'line'], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
  ],
};

// Never analyzed and without an index build: pg reports reltuples = -1, "unknown".
const auditLog: TableInfo = {
  schema: 'sales', name: 'audit_log', kind: 'table', rowEstimate: null, comment: null,
  columns: [col('msg', 'text', 1)], indexes: [], foreignKeys: [],
};

const bigOrders: TableInfo = {
  schema: 'sales', name: 'big_orders', kind: 'view', rowEstimate: null, comment: 'Orders over 100',
  columns: [col('region', 'bpchar(2)', 1), col('order_no', 'int4', 2), col('total', 'numeric(12,2)', 3)],
  indexes: [], foreignKeys: [],
};

const weird: TableInfo = {
  schema: 'Mixed Case', name: 'Weird Table', kind: 'table', rowEstimate: 0, comment: null,
  columns: [
    col('Id', 'int4', 1, { nullable: false, primaryKey: true }),
    col('ünïcödé 列', 'text', 2, { default: "'x'::text" }),
    col('Parent', 'int4', 3),
  ],
  indexes: [{ name: 'Weird Table_pkey', columns: ['Id'], unique: true, primary: true, method: 'btree' }],
  foreignKeys: [
    { name: 'Weird Table_Parent_fkey', columns: ['Parent'], referencedSchema: 'Mixed Case', referencedTable: 'Weird Table', referencedColumns: ['Id'], onDelete: 'NO ACTION', onUpdate: 'SET DEFAULT' },
  ],
};

const empl: TableInfo = {
  schema: 'ünï', name: 'Empl', kind: 'table', rowEstimate: 0, comment: null,
  columns: [col('id', 'int4', 1, { nullable: false, primaryKey: true }), col('manager', 'int4', 2), col('customer', 'int8', 3)],
  indexes: [{ name: 'Empl_pkey', columns: ['id'], unique: true, primary: true, method: 'btree' }],
  foreignKeys: [
    { name: 'Empl_customer_fkey', columns: ['customer'], referencedSchema: 'sales', referencedTable: 'customers', referencedColumns: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' },
    { name: 'Empl_manager_fkey', columns: ['manager'], referencedSchema: 'ünï', referencedTable: 'Empl', referencedColumns: ['id'], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
  ],
};

describe.skipIf(db.skip)('PostgreSQL metadata', () => {
  let config: ConnectionConfig;
  let connector: Connector;

  beforeAll(async () => {
    config = await createTestDatabase(db.url!, DB_NAME);
    const admin = await adminClient(db.url!, DB_NAME);
    await admin.query(FIXTURE);
    await admin.end();
    connector = createPostgresConnector(config);
  });

  afterAll(async () => {
    await connector?.close();
    await dropTestDatabase(db.url!, DB_NAME);
  });

  it('lists every user schema with its tables, views and routines, exactly', async () => {
    const metadata = await connector.getMetadata();
    expect(metadata.database).toBe(DB_NAME);
    expect(metadata.serverVersion).toMatch(/^\d+/);
    const byName = Object.fromEntries(metadata.schemas.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['Mixed Case', 'public', 'sales', 'ünï'].sort());
    expect(byName.public).toEqual({ name: 'public', tables: [], views: [], routines: [] });
    expect(byName.sales).toEqual({
      name: 'sales',
      tables: [auditLog, customers, orderLines, orders],
      views: [bigOrders],
      routines: [
        { name: 'archive', kind: 'procedure' },
        { name: 'order_total', kind: 'function' },
      ],
    });
    expect(byName['Mixed Case']).toEqual({ name: 'Mixed Case', tables: [weird], views: [], routines: [] });
    expect(byName['ünï']).toEqual({ name: 'ünï', tables: [empl], views: [], routines: [] });
  });

  it('describes one table by schema and name, and finds an unqualified name on the search_path', async () => {
    expect(await connector.tableInfo('Weird Table', 'Mixed Case')).toEqual(weird);
    expect(await connector.tableInfo('big_orders', 'sales')).toEqual(bigOrders);
    await expect(connector.tableInfo('orders')).rejects.toMatchObject({ code: 'QUERY_FAILED' });
    await expect(connector.tableInfo('missing', 'sales')).rejects.toMatchObject({ code: 'QUERY_FAILED', details: { table: 'missing' } });
  });

  it('reads the catalog in a fixed number of queries whatever the number of tables', async () => {
    // A spy (not a stub) on the real driver: every statement the connector sends still goes to the server.
    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const countQueries = async (): Promise<number> => {
      sent.mockClear();
      await connector.getMetadata();
      return sent.mock.calls.length;
    };
    const small = await countQueries();
    const admin = await adminClient(db.url!, DB_NAME);
    await admin.query(`CREATE SCHEMA bulk`);
    await admin.query(`DO $$ BEGIN FOR i IN 1..300 LOOP
      EXECUTE format('CREATE TABLE bulk.t%s (id int PRIMARY KEY, ref int REFERENCES bulk.t%s (id))', i, greatest(i - 1, 1));
    END LOOP; END $$`);
    try {
      const large = await countQueries();
      expect((await connector.getMetadata()).schemas.find((s) => s.name === 'bulk')?.tables).toHaveLength(300);
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(8);
    } finally {
      sent.mockRestore();
      await admin.query(`DROP SCHEMA bulk CASCADE`);
      await admin.end();
    }
  });
});
