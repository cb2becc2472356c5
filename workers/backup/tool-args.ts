/**
 * Connection arguments and environment for the native tools. The password is only ever in the environment
 * (PGPASSWORD / MYSQL_PWD); host and port come as resolved by the supervisor (possibly a tunnel's local end).
 */
import type { TaskConnection } from '../channel/backup-task-types.js';

export function pgConnArgs(conn: TaskConnection): string[] {
  const args = ['--no-password'];
  const host = conn.socketPath ?? conn.host;
  if (host) args.push('-h', host);
  if (conn.port) args.push('-p', String(conn.port));
  if (conn.user) args.push('-U', conn.user);
  return args;
}

export function pgEnv(conn: TaskConnection): Record<string, string> {
  return conn.password ? { PGPASSWORD: conn.password } : {};
}

export function mysqlConnArgs(conn: TaskConnection): string[] {
  const args: string[] = [];
  if (conn.socketPath) args.push(`--socket=${conn.socketPath}`);
  else {
    if (conn.host) args.push(`--host=${conn.host}`);
    if (conn.port) args.push(`--port=${conn.port}`);
    args.push('--protocol=TCP');
  }
  if (conn.user) args.push(`--user=${conn.user}`);
  return args;
}

export function mysqlEnv(conn: TaskConnection): Record<string, string> {
  return conn.password ? { MYSQL_PWD: conn.password } : {};
}

/**
 * Progress of a dump weighted by table size: when the tool says it starts table N, tables before it are done.
 * Tables the tool names that were not in the size list count as empty.
 */
export class TableWeights {
  readonly #weights = new Map<string, number>();
  readonly #total: number;
  #done = 0;
  readonly #seen = new Set<string>();
  #current: string | null = null;

  constructor(sizes: Array<{ name: string; bytes: number }>) {
    // Every table weighs at least one page, so a database of empty tables still advances.
    for (const { name, bytes } of sizes) this.#weights.set(name, Math.max(Number(bytes), 8192));
    this.#total = [...this.#weights.values()].reduce((a, b) => a + b, 0) || 1;
  }

  /** The tool started `name`; returns the fraction done (0..1) before it. */
  starting(name: string): number {
    if (this.#current !== null && !this.#seen.has(this.#current)) {
      this.#seen.add(this.#current);
      this.#done += this.#weights.get(this.#current) ?? 0;
    }
    this.#current = name;
    return Math.min(this.#done / this.#total, 1);
  }
}
