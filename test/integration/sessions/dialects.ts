/**
 * What differs between the three databases for the session tests: how to make a connection through the bridge,
 * how to produce N integer rows, how to make the server wait, bind placeholders, and where the seeded table is.
 * Everything else in a session test is the same for every database.
 */
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { SCHEMA, mysqlProbe, pgProbe, type ServerProbe } from './server-probes.js';
import { runToEnd, type SessionBridge } from './session-harness.js';

export interface Dialect {
  name: 'postgres' | 'mysql' | 'sqlite';
  /** No server for this database on this machine (never under CI=true: testDatabase throws there). */
  skip: boolean;
  /** Creates the connection through the bridge and seeds `table` with `rows` items (expectedItem); returns its id. */
  setup(harness: SessionBridge, rows?: number): Promise<string>;
  teardown(): Promise<void>;
  /** One column `g` with the integers 1..n, in order, streamed by the server. */
  series(n: number): string;
  /** A statement that keeps the server busy for about `seconds` and then returns one row. */
  sleep(seconds: number): string;
  /** The seeded table (id, name, amount), which DML may change. */
  table: string;
  /** The n-th (1-based) bind placeholder. */
  placeholder(n: number): string;
}

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');

function serverDialect(
  name: 'postgres' | 'mysql',
  db: { url: string | undefined; skip: boolean },
  openProbe: (url: string) => Promise<ServerProbe>,
  table: string,
  sql: Pick<Dialect, 'series' | 'sleep' | 'placeholder'>,
): Dialect {
  let probe: ServerProbe | undefined;
  return {
    name,
    skip: db.skip,
    ...sql,
    table: `${SCHEMA}.${table}`,
    async setup(harness, rows = 10) {
      probe = await openProbe(db.url!);
      await probe.seedItems(table, rows);
      return harness.connect(configFromUrl(db.url!, `${name} sessions`));
    },
    async teardown() {
      await probe?.close();
    },
  };
}

/**
 * `label` keeps each test file's tables apart: files run in parallel against the same servers.
 */
export function dialects(label: string): Dialect[] {
  return [
    serverDialect('postgres', pg, pgProbe, `${label}_items`, {
      series: (n) => `select generate_series(1, ${n}) as g`,
      sleep: (seconds) => `select pg_sleep(${seconds}) as slept`,
      placeholder: (n) => `$${n}`,
    }),
    serverDialect('mysql', my, mysqlProbe, `${label}_items`, {
      series: (n) => `select seq as g from seq_1_to_${n}`,
      sleep: (seconds) => `select sleep(${seconds}) as slept`,
      placeholder: () => '?',
    }),
    {
      name: 'sqlite',
      skip: false,
      async setup(harness, rows = 10) {
        const connectionId = await harness.sampleId();
        await seedSqliteItems(harness, connectionId, `dbv_${label}_items`, rows);
        return connectionId;
      },
      teardown: async () => undefined,
      series: (n) => `with recursive c(g) as (select 1 union all select g + 1 from c where g < ${n}) select g from c`,
      // SQLite has no sleep: a CTE that counts for about that long, streaming nothing until it is done.
      sleep: (seconds) => `with recursive c(x) as (select 1 union all select x + 1 from c where x < ${seconds * 2_000_000}) select count(*) as slept from c`,
      table: `dbv_${label}_items`,
      placeholder: () => '?',
    },
  ];
}

/** The sample database is a file of the bridge's own: the table is made through the bridge, in one statement list. */
async function seedSqliteItems(harness: SessionBridge, connectionId: string, table: string, rows: number): Promise<void> {
  const sessionId = await harness.newSession(connectionId);
  // amount is text: SQLite has no exact decimal type, and the other databases send decimals as strings too.
  const sql = [
    `drop table if exists ${table}`,
    `create table ${table} (id integer primary key, name text not null, amount text not null)`,
    `insert into ${table} with recursive c(g) as (select 1 union all select g + 1 from c where g < ${Math.trunc(rows)}) ` +
      `select g, 'item ' || g, printf('%.2f', ((g * 37) % 10000) / 100.0) from c`,
  ].join(';\n');
  const run = await runToEnd(harness.client, sessionId, sql);
  if (run.done.status !== 'success') throw new Error(`could not seed ${table}: ${JSON.stringify(run.errors)}`);
  await harness.client.call('query.closeSession', { sessionId });
}
