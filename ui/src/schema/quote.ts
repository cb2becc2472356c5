/** Identifier quoting for the SQL the UI writes itself ("open a table's rows"). */
import type { ConnectorType } from '../../../protocol/connections.js';

export function quoteIdent(name: string, engine: ConnectorType | undefined): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) return name;
  return engine === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

export function selectAllSql(schema: string | null, table: string, engine: ConnectorType | undefined, defaultSchema?: string): string {
  const qualified = schema && schema !== defaultSchema ? `${quoteIdent(schema, engine)}.${quoteIdent(table, engine)}` : quoteIdent(table, engine);
  return `select * from ${qualified}`;
}
