/**
 * One mysql2 statement as a pull-based event source. mysql2 pushes rows as they are parsed; once a batch's worth is
 * buffered here the connection is paused (mysql2 then parks further packets unparsed and stops reading the socket,
 * so the server blocks on its write), and it is resumed only when the consumer asks for more. So nothing is read
 * ahead of the consumer beyond one batch and the socket's buffers.
 */
import type { EventEmitter } from 'node:events';
import type { MysqlField } from './mysql-types.js';

export interface MysqlOkPacket {
  affectedRows?: number;
}

export type StatementEvent =
  | { kind: 'fields'; fields: MysqlField[] }
  | { kind: 'row'; row: unknown[] }
  | { kind: 'ok'; header: MysqlOkPacket }
  | { kind: 'end' }
  | { kind: 'error'; error: unknown };

/** The callback-style mysql2 connection surface this reader uses. */
export interface RawMysqlConnection {
  query(options: { sql: string; rowsAsArray: boolean }): EventEmitter;
  execute(options: { sql: string; values: unknown[]; rowsAsArray: boolean }): EventEmitter;
  pause(): void;
  resume(): void;
}

export class MysqlStatementReader {
  readonly #connection: RawMysqlConnection;
  readonly #pauseAt: number;
  readonly #queue: StatementEvent[] = [];
  #bufferedRows = 0;
  #paused = false;
  #finished = false;
  #wake: (() => void) | null = null;
  #discarding = false;

  constructor(connection: RawMysqlConnection, sql: string, params: unknown[] | undefined, pauseAt: number) {
    this.#connection = connection;
    this.#pauseAt = pauseAt;
    const query =
      params !== undefined && params.length > 0
        ? connection.execute({ sql, values: params, rowsAsArray: true })
        : connection.query({ sql, rowsAsArray: true });
    // 'fields' is undefined for a statement without a result set; its OK packet then comes as a 'result'.
    let expectingOk = true;
    query.on('fields', (fields: MysqlField[] | undefined) => {
      expectingOk = fields === undefined;
      if (fields !== undefined) this.#push({ kind: 'fields', fields });
    });
    query.on('result', (row: unknown) => {
      if (this.#discarding) return;
      if (expectingOk) {
        this.#push({ kind: 'ok', header: row as MysqlOkPacket });
        return;
      }
      this.#bufferedRows++;
      this.#push({ kind: 'row', row: row as unknown[] });
      if (this.#bufferedRows >= this.#pauseAt && !this.#paused) {
        this.#paused = true;
        connection.pause();
      }
    });
    query.on('error', (error: unknown) => this.#finish({ kind: 'error', error }));
    query.on('end', () => this.#finish({ kind: 'end' }));
  }

  /** True once the server's answer to this statement has been read completely (end or error). */
  get finished(): boolean {
    return this.#finished;
  }

  async next(): Promise<StatementEvent> {
    while (this.#queue.length === 0) {
      if (this.#paused) {
        this.#paused = false;
        this.#connection.resume();
        if (this.#queue.length > 0) break;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const event = this.#queue.shift()!;
    if (event.kind === 'row') this.#bufferedRows--;
    return event;
  }

  /** Ends the statement with a connection-level failure (mysql2 reports those on the connection, not the query). */
  fail(error: unknown): void {
    this.#finish({ kind: 'error', error });
  }

  /** Reads and discards the rest of the answer; used after KILL QUERY so the connection is free again. */
  async drain(): Promise<void> {
    this.#discarding = true;
    this.#queue.length = 0;
    this.#bufferedRows = 0;
    while (!this.#finished) await this.next();
    this.#queue.length = 0;
  }

  #push(event: StatementEvent): void {
    // An error after end (or a second end) cannot happen in mysql2, but a finished reader ignores anything late.
    if (this.#finished) return;
    this.#queue.push(event);
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #finish(event: StatementEvent): void {
    if (this.#finished) return;
    this.#push(event);
    this.#finished = true;
  }
}
