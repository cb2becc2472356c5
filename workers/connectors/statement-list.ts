/**
 * The statement-list loop every connector runs a script with: split lazily (sql-split.ts), one statement at a time,
 * each statement's failure tagged with where it lies, bind parameters only for a script of one statement.
 *
 * The splitter is read one statement ahead, never more: that is how the loop knows the last statement (so the
 * run's final batch can say so, RowBatch.final) and a second statement (so parameters are refused before anything
 * runs), while the memory a script costs stays its own text plus the statement in hand (docs/benchmarks.md).
 */
import { BridgeError } from '../../protocol/errors.js';
import type { RowBatch } from './connector.js';
import { statementRanges, type SqlDialect } from '../../protocol/sql-split.js';

/** One statement of the list, as the connector runs it. */
export interface ListedStatement {
  text: string;
  /** Its index in the list: `details.statementIndex` of its failure, the result set index where it has one. */
  index: number;
  /** Where it starts in the submitted text (a server's error `position` counts from here). */
  offset: number;
  isLast: boolean;
}

export interface StatementListOptions {
  dialect: SqlDialect;
  params?: unknown[];
  /**
   * Each statement makes exactly one result set (PostgreSQL, SQLite; not MySQL, where a CALL makes several): the last
   * batch of the last statement is then flagged `final`, and every other batch `final: false`.
   */
  oneResultSetPerStatement: boolean;
  /** Throws when the run was stopped; checked before each statement. */
  throwIfStopped(statementIndex: number): void;
  /** The batches of one statement, pulled one at a time. */
  runStatement(statement: ListedStatement): AsyncIterable<RowBatch>;
  /** The error the run ends with when a statement fails. */
  mapError(error: unknown, statement: ListedStatement): BridgeError;
}

/** Runs the statements of `sql` in order, yielding their batches; a failure in statement k ends the list. */
export async function* runStatementList(sql: string, options: StatementListOptions): AsyncGenerator<RowBatch> {
  const ranges = statementRanges(sql, options.dialect);
  let current = ranges.next();
  const withParams = options.params !== undefined && options.params.length > 0;
  for (let index = 0; !current.done; index++) {
    const range = current.value;
    const following = ranges.next();
    if (withParams && !following.done) {
      throw new BridgeError('INVALID_PARAMS', 'Bind parameters can only be used with a single statement', { statementIndex: index + 1 });
    }
    const statement: ListedStatement = { text: sql.slice(range.start, range.end), index, offset: range.start, isLast: following.done === true };
    try {
      options.throwIfStopped(index);
      for await (const batch of options.runStatement(statement)) {
        yield options.oneResultSetPerStatement ? { ...batch, final: statement.isLast && batch.last } : batch;
      }
    } catch (error) {
      throw options.mapError(error, statement);
    }
    current = following;
  }
}
