/**
 * The sample database shipped with the standalone bridge: a small shop (customers, products, orders, order_items,
 * and an order_totals view), about 50k rows, identical on every machine.
 *
 * It is built in `<path>.partial` and renamed into place, so a crash mid-build never leaves a half-written sample
 * where the bridge would open it.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  ADJECTIVES,
  avatar,
  between,
  CATEGORIES,
  COUNTRIES,
  FIRST_NAMES,
  LAST_NAMES,
  NOUNS,
  ORDER_NOTES,
  ORDER_STATUSES,
  pick,
  price,
  seededRandom,
  timestamp,
  type Random,
} from './sample-data.js';

export const SAMPLE_CONNECTION_NAME = 'Sample (SQLite)';

const SEED = 20240501;
const CUSTOMERS = 2_000;
const PRODUCTS = 400;
const ORDERS = 12_000;
/** Lines per order: 1..5, so order_items holds about 36k rows. */
const MAX_LINES = 5;

const SCHEMA = `
create table customers (
  id integer primary key,
  name text not null,
  email text not null unique,
  country text,
  created_at text not null,
  avatar blob
);
create table products (
  id integer primary key,
  sku text not null unique,
  name text not null,
  category text not null,
  price numeric(10,2) not null check (price >= 0),
  weight_kg real,
  discontinued integer not null default 0
);
create table orders (
  id integer primary key,
  customer_id integer not null references customers(id),
  ordered_at text not null,
  status text not null check (status in ('pending', 'paid', 'shipped', 'cancelled')),
  shipped_at text,
  note text
);
create table order_items (
  order_id integer not null references orders(id) on delete cascade,
  line_no integer not null,
  product_id integer not null references products(id),
  quantity integer not null check (quantity > 0),
  unit_price numeric(10,2) not null,
  primary key (order_id, line_no)
);
create view order_totals as
  select o.id as order_id, o.customer_id, o.ordered_at, o.status,
         count(*) as items, round(sum(i.quantity * i.unit_price), 2) as total
  from orders o join order_items i on i.order_id = o.id
  group by o.id;
`;

/** Built after the rows are in: one sort per index instead of a b-tree update per row. */
const INDEXES = `
create index orders_customer_id_idx on orders(customer_id);
create index orders_ordered_at_idx on orders(ordered_at);
create index order_items_product_id_idx on order_items(product_id);
`;

/** Writes the sample database to `path` (replacing any file there) and returns how many rows it holds. */
export function createSampleDatabase(path: string): { path: string; rows: number } {
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  let rows = 0;
  const db = new Database(partial);
  try {
    // Nobody opens the file under its real name until it is complete, so journal and per-commit syncs only cost
    // time here; the one fsync below makes the finished file durable before the rename publishes it.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.transaction(() => {
      db.exec(SCHEMA);
      rows = fill(db, seededRandom(SEED));
      db.exec(INDEXES);
    })();
    db.close();
    const fd = openSync(partial, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (db.open) db.close();
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, path);
  return { path, rows };
}

function fill(db: Database.Database, random: Random): number {
  const insertCustomer = db.prepare('insert into customers values (?, ?, ?, ?, ?, ?)');
  for (let id = 1; id <= CUSTOMERS; id++) {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const email = `${first}.${last}.${id}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
    const picture = random() < 0.1 ? avatar(random) : null;
    insertCustomer.run(id, `${first} ${last}`, email, pick(random, COUNTRIES), timestamp(random).slice(0, 10), picture);
  }

  const insertProduct = db.prepare('insert into products values (?, ?, ?, ?, ?, ?, ?)');
  const productPrices: number[] = [0];
  for (let id = 1; id <= PRODUCTS; id++) {
    const category = pick(random, CATEGORIES);
    const name = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS[category])}`;
    const unitPrice = price(random, 199, 99_999);
    productPrices.push(unitPrice);
    const weight = random() < 0.2 ? null : Math.round(random() * 20_000) / 1000;
    insertProduct.run(id, `SKU-${String(id).padStart(5, '0')}`, name, category, unitPrice, weight, random() < 0.05 ? 1 : 0);
  }

  const insertOrder = db.prepare('insert into orders values (?, ?, ?, ?, ?, ?)');
  const insertItem = db.prepare('insert into order_items values (?, ?, ?, ?, ?)');
  let items = 0;
  for (let id = 1; id <= ORDERS; id++) {
    const orderedAt = timestamp(random);
    const status = pick(random, ORDER_STATUSES);
    const shippedAt = status === 'shipped' ? timestamp(random, orderedAt) : null;
    insertOrder.run(id, between(random, 1, CUSTOMERS), orderedAt, status, shippedAt, pick(random, ORDER_NOTES));
    const lines = between(random, 1, MAX_LINES);
    for (let line = 1; line <= lines; line++) {
      const productId = between(random, 1, PRODUCTS);
      insertItem.run(id, line, productId, between(random, 1, 4), productPrices[productId]);
    }
    items += lines;
  }
  return CUSTOMERS + PRODUCTS + ORDERS + items;
}
