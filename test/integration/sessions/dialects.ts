/**
 * What differs between the three databases for the session tests: how to make a connection through the bridge,
 * how to produce N integer rows, how to make the server wait, and a table whose rows a DML statement may change.
 * Everything else in a lifecycle test is the same for every database.
 */
import { configFromUrl, testDatabase } from '../../helpers/databases.js';
import { SCHEMA, mysqlProbe, pgProbe, type ServerProbe } from './server-probes.js';
import type { SessionBridge } from './session-harness.js';

export interface Dialect {
  name: 'postgres' | 'mysql' | 'sqlite';
  /** No server for this database on this machine (never under CI=true: testDatabase throws there). */
  skip: boolean;
  /** Creates the connection through the bridge (and seeds what the tests need); returns its id. */
  setup(harness: SessionBridge): Promise<string>;
  teardown(): Promise<void>;
  /** One column `g` with the integers 1..n, in order, streamed by the server. */
  series(n: number): string;
  /** A statement that keeps the server busy for about `seconds` and then returns one row. */
  sleep(seconds: number): string;
  /** A table with ids 1..10 that DML may change. */
  dmlTable: string;
}

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');

function serverDialect(
  name: 'postgres' | 'mysql',
  db: { url: string | undefined; skip: boolean },
  openProbe: (url: string) => Promise<ServerProbe>,
  table: string,
  sql: Pick<Dialect, 'series' | 'sleep'>,
): Dialect {
  let probe: ServerProbe | undefined;
  return {
    name,
    skip: db.skip,
    ...sql,
    dmlTable: `${SCHEMA}.${table}`,
    async setup(harness) {
      probe = await openProbe(db.url!);
      await probe.seedItems(table, 10);
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
    }),
    serverDialect('mysql', my, mysqlProbe, `${label}_items`, {
      series: (n) => `select seq as g from seq_1_to_${n}`,
      sleep: (seconds) => `select sleep(${seconds}) as slept`,
    }),
    {
      name: 'sqlite',
      skip: false,
      setup: (harness) => harness.sampleId(),
      teardown: async () => undefined,
      series: (n) => `with recursive c(g) as (select 1 union all select g + 1 from c where g < ${n}) select g from c`,
      // SQLite has no sleep: a CTE that counts for about that long, streaming nothing until it is done.
      sleep: (seconds) => `with recursive c(x) as (select 1 union all select x + 1 from c where x < ${seconds * 2_000_000}) select count(*) as slept from c`,
      dmlTable: 'orders',
    },
  ];
}
