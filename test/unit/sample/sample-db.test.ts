import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleDatabase, SAMPLE_CONNECTION_NAME } from '../../../supervisor/sample/sample-db.js';
import { createSqliteConnector } from '../../../workers/connectors/sqlite/sqlite-connector.js';

describe('the sample database', () => {
  let dir: string;
  let path: string;
  let rows: number;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbv-sample-'));
    path = join(dir, 'sample.db');
    // A leftover from an interrupted earlier build must not matter.
    writeFileSync(`${path}.partial`, 'half-written');
    ({ rows } = createSampleDatabase(path));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const count = (db: Database.Database, table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

  // Its build time is not asserted here (timed tests flake on a loaded machine); first start stays fast by design.
  it('leaves no .partial file', () => {
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(SAMPLE_CONNECTION_NAME).toBe('Sample (SQLite)');
  });

  it('holds about 50k rows in four tables, as reported, with intact foreign keys', () => {
    const db = new Database(path, { readonly: true });
    const counts = Object.fromEntries(['customers', 'products', 'orders', 'order_items'].map((t) => [t, count(db, t)]));
    expect(counts).toMatchObject({ customers: 2000, products: 400, orders: 12000 });
    expect(counts.order_items).toBeGreaterThan(30_000);
    expect(rows).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    expect(rows).toBeGreaterThan(45_000);
    expect(rows).toBeLessThan(55_000);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(db, 'order_totals')).toBe(12000);
    db.close();
  });

  it('declares the cascade, the indexes and realistic column kinds, NULLs and BLOBs included', () => {
    const db = new Database(path, { readonly: true });
    const fks = db.prepare(`select "table", "from", on_delete from pragma_foreign_key_list('order_items') order by "from"`).all();
    expect(fks).toEqual([
      { table: 'orders', from: 'order_id', on_delete: 'CASCADE' },
      { table: 'products', from: 'product_id', on_delete: 'NO ACTION' },
    ]);
    const indexes = (db.prepare(`select name from pragma_index_list('orders') order by name`).all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(['orders_customer_id_idx', 'orders_ordered_at_idx']);
    expect(count(db, 'customers where country is null')).toBeGreaterThan(0);
    expect(count(db, "customers where typeof(avatar) = 'blob'")).toBeGreaterThan(0);
    expect(count(db, "orders where ordered_at not glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'")).toBe(0);
    expect(count(db, "products where typeof(price) not in ('real', 'integer')")).toBe(0);
    db.close();
  });

  it('is identical on every build (seeded data)', () => {
    const again = join(dir, 'again.db');
    createSampleDatabase(again);
    const digest = (file: string) => {
      const db = new Database(file, { readonly: true });
      const row = db.prepare(`select group_concat(order_id || ':' || line_no || ':' || product_id || ':' || quantity || ':' || unit_price)
        as items, (select group_concat(name || email || ifnull(country, '-') || ifnull(hex(avatar), '-')) from customers) as customers
        from order_items`).get();
      db.close();
      return row;
    };
    expect(digest(again)).toEqual(digest(path));
  });

  it('serves `select * from orders limit 1000` through the SQLite connector', async () => {
    const connector = createSqliteConnector({ name: SAMPLE_CONNECTION_NAME, type: 'sqlite', database: path });
    await connector.openSession('s');
    let total = 0;
    for await (const batch of connector.runQuery('s', 'select * from orders limit 1000', { batchSize: 500, signal: new AbortController().signal })) {
      total += batch.rows.length;
    }
    expect(total).toBe(1000);
    await connector.close();
  });
});
