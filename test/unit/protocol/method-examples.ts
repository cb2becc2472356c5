import type { MethodName } from '../../../protocol/index.js';

/**
 * One valid set of named params per method. Typed by MethodName, so a method added to protocol/ without an example
 * here fails to type-check, and descriptors.test.ts fails at run time as well.
 */
export const VALID_PARAMS: Record<MethodName, Record<string, unknown>> = {
  'connection.create': {
    config: { name: 'Local PG', type: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres', password: 's3cret', database: 'app' },
  },
  'connection.test': { connectionId: 'c_1' },
  'connection.list': {},
  'connection.get': { id: 'c_1' },
  'connection.update': { id: 'c_1', config: { port: 5433 } },
  'connection.delete': { id: 'c_1' },
  'connection.trustHostKey': { connectionId: 'c_1', fingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' },
  'metadata.listSchemas': { connectionId: 'c_1' },
  'metadata.tableInfo': { connectionId: 'c_1', tableName: 'orders', schema: 'public' },
  'query.createSession': { connectionId: 'c_1' },
  'query.run': {
    sessionId: 's_1',
    sql: 'SELECT * FROM orders WHERE id > $1',
    opts: { batchSize: 1000, maxRows: 100_000, mode: 'page', rowFormat: 'array', params: [10], timeoutMs: 30_000 },
  },
  'query.cancel': { sessionId: 's_1' },
  'query.fetchMore': { sessionId: 's_1', cursorToken: 'r_1:0:1' },
  'query.closeSession': { sessionId: 's_1' },
  'backup.create': { connectionId: 'c_1', options: { type: 'table', tables: ['orders'], compress: true, format: 'custom' } },
  'backup.list': { connectionId: 'c_1' },
  'backup.restore': { backupId: 'b_1', options: { targetConnectionId: 'c_2', dropExisting: true } },
  'backup.delete': { backupId: 'b_1' },
  'backup.export': { connectionId: 'c_1', source: { table: 'orders', schema: 'public' }, options: { format: 'jsonl', path: '/home/me/exports/orders.jsonl' } },
  'job.list': { status: 'running' },
  'job.get': { jobId: 'j_1' },
  'job.cancel': { jobId: 'j_1' },
  'schedule.create': { connectionId: 'c_1', cron: '0 3 * * *', options: { type: 'full' }, timezone: 'Europe/Berlin', misfire: 'run_once' },
  'schedule.list': { connectionId: 'c_1' },
  'schedule.update': { id: 'sch_1', patch: { enabled: false, cron: '30 2 * * 1-5' } },
  'schedule.delete': { id: 'sch_1' },
  'schedule.preview': { cron: '30 2 * * 1-5', timezone: 'Europe/Berlin', count: 5 },
  'secret.store': { key: 'app/github-token', value: 'ghp_example' },
  'secret.get': { key: 'app/github-token' },
  'secret.delete': { key: 'app/github-token' },
  'secret.status': {},
  'secret.unlock': { masterPassword: 'correct horse battery staple' },
  'health.ping': {},
  'connector.statuses': {},
  'debug.dumpState': { collectGarbage: true },
  'history.list': { connectionId: 'c_1', limit: 50 },
  'chart.save': { name: 'Revenue by month', connectionId: 'c_1', sql: 'SELECT month, revenue FROM sales', spec: { kind: 'line', x: 'month', y: ['revenue'], groupBy: null }, id: 'chart_1' },
  'chart.list': { connectionId: 'c_1' },
  'chart.delete': { id: 'chart_1' },
};

/** A value of another JSON type than `value`, for "rejects wrong types". */
export function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { not: 'an array' };
  return 'not an object';
}
