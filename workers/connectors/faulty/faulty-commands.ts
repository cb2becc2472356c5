/**
 * The faulty connector's "SQL": a tiny command language, one command per statement, statements split on `;`.
 *
 *   rows N          N rows of { i: int, s: text }, in batches of the run's batchSize
 *   slow N MS       like `rows N`, waiting MS ms before each batch
 *   affect N        a statement without rows that reports N rows affected
 *   throw CODE      fails: a BridgeError when CODE is a registry code, else an Error with that driver `code`
 *   hang            yields nothing until the run is aborted
 *   exit            the worker exits with code 1 (process.exit: the whole child, or just the thread)
 *   abort           process.abort(): SIGABRT, the segfault-like case (in a thread it takes the whole process down)
 *   print TEXT      writes TEXT to the worker's stdout and stderr (they must reach the log, never the protocol)
 *   leak MB         keeps MB more MiB of JavaScript heap alive for the worker's life, then yields one row
 *   oom             allocates until the worker's heap limit is reached: the worker dies out of memory, alone
 *   block [MS]      a synchronous busy loop of MS ms (forever without MS): the event loop answers nothing meanwhile
 *   malformed       a batch whose cells cannot be encoded (a BigInt, a cycle): the run fails, the worker lives
 *   huge MB         one batch of one row whose text cell is MB MiB: an oversized batch that must still flow
 *   noclose         from now on the connector's close() never answers (the worker must be killed to stop)
 *   segv            the worker process kills itself with SIGSEGV (process isolation only, like `abort`)
 *
 * The list of commands that make a fault, with what each must lead to, is FAULTY_MODES (faulty-modes.ts).
 */
import { BridgeError } from '../../../protocol/errors.js';

export type FaultyCommand =
  | { kind: 'rows'; count: number; delayMs: number }
  | { kind: 'affect'; count: number }
  | { kind: 'throw'; code: string }
  | { kind: 'hang' }
  | { kind: 'exit' }
  | { kind: 'abort' }
  | { kind: 'leak'; megabytes: number }
  | { kind: 'print'; text: string }
  | { kind: 'oom' }
  | { kind: 'block'; ms: number | null }
  | { kind: 'malformed' }
  | { kind: 'huge'; megabytes: number }
  | { kind: 'noclose' }
  | { kind: 'segv' };

export function parseFaultyScript(sql: string): FaultyCommand[] {
  const statements = sql
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  if (statements.length === 0) throw syntaxError(sql, 'empty script');
  return statements.map(parseCommand);
}

function parseCommand(statement: string): FaultyCommand {
  const [word, ...args] = statement.split(/\s+/);
  switch (word.toLowerCase()) {
    case 'rows':
      return { kind: 'rows', count: count(statement, args[0]), delayMs: 0 };
    case 'slow':
      return { kind: 'rows', count: count(statement, args[0]), delayMs: count(statement, args[1]) };
    case 'affect':
      return { kind: 'affect', count: count(statement, args[0]) };
    case 'throw':
      if (!args[0]) throw syntaxError(statement, 'throw needs an error code');
      return { kind: 'throw', code: args[0] };
    case 'hang':
      return { kind: 'hang' };
    case 'exit':
      return { kind: 'exit' };
    case 'abort':
      return { kind: 'abort' };
    case 'leak':
      return { kind: 'leak', megabytes: count(statement, args[0]) };
    case 'print':
      return { kind: 'print', text: args.join(' ') };
    case 'oom':
      return { kind: 'oom' };
    case 'block':
      return { kind: 'block', ms: args[0] === undefined ? null : count(statement, args[0]) };
    case 'malformed':
      return { kind: 'malformed' };
    case 'huge':
      return { kind: 'huge', megabytes: count(statement, args[0]) };
    case 'noclose':
      return { kind: 'noclose' };
    case 'segv':
      return { kind: 'segv' };
    default:
      throw syntaxError(statement, `unknown command "${word}"`);
  }
}

function count(statement: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < 0) {
    throw syntaxError(statement, `expected a non-negative integer, got "${text ?? ''}"`);
  }
  return value;
}

function syntaxError(statement: string, reason: string): BridgeError {
  return new BridgeError('QUERY_SYNTAX_ERROR', `faulty: ${reason}`, { statement });
}
