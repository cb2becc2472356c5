/**
 * Runs a native tool (pg_dump, pg_restore, psql, mariadb-dump, mariadb) as a child of the task, under the task's
 * own AbortSignal: piscina's abort would only stop the thread, the child would live on. On abort the tool gets
 * SIGTERM, then SIGKILL after a grace period. Its stdout and stdin are pipes owned by this process, so if the whole
 * bridge dies the tool's next write or read fails and it exits instead of writing on alone.
 *
 * Secrets: the password reaches the tool through its environment (PGPASSWORD, MYSQL_PWD), never argv; the rest of
 * the environment is a short allow-list, not the supervisor's.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BridgeError } from '../../protocol/errors.js';
import type { TaskChannel } from './task-channel.js';
import type { ResolvedTool } from '../channel/backup-task-types.js';

const KILL_GRACE_MS = 2000;
const STDERR_TAIL_CHARS = 4000;
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

export interface ToolRun {
  tool: ResolvedTool;
  args: string[];
  /** Extra variables (the password). */
  env?: Record<string, string>;
  /** Streamed into the tool's stdin, then closed. */
  stdin?: Readable;
  /** The tool's stdout goes through these (e.g. gzip, hashing, the file). */
  stdout?: Array<NodeJS.ReadWriteStream | Writable>;
  onStderrLine?: (line: string) => void;
  channel: TaskChannel;
  /** The error code of a failure (BACKUP_FAILED or RESTORE_FAILED). */
  failCode: 'BACKUP_FAILED' | 'RESTORE_FAILED';
}

export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

export async function runTool(run: ToolRun): Promise<void> {
  const { signal } = run.channel;
  if (signal.aborted) throw cancelled();
  const child = spawn(run.tool.path, run.args, {
    env: toolEnv(run.env),
    stdio: [run.stdin ? 'pipe' : 'ignore', run.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, sig) => resolve({ code, signal: sig }));
  });
  if (child.pid !== undefined) run.channel.spawned(child.pid, run.tool.path);

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  };
  signal.addEventListener('abort', onAbort, { once: true });

  let stderrTail = '';
  let pending = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) run.onStderrLine?.(line);
  });

  const streams: Promise<void>[] = [];
  if (run.stdin) {
    // A tool that exits early (an error, a cancel) closes its stdin: EPIPE then is the tool's failure, not ours.
    child.stdin!.on('error', () => undefined);
    streams.push(pipeline(run.stdin, child.stdin!).catch(() => undefined));
  }
  if (run.stdout) streams.push((pipeline as unknown as (streams: unknown[]) => Promise<void>)([child.stdout!, ...run.stdout]));

  try {
    const [exit] = await Promise.all([exited, ...streams.map((p) => p.catch((e: unknown) => (signal.aborted ? undefined : Promise.reject(e))))]);
    if (signal.aborted) throw cancelled();
    if (exit.code !== 0) {
      throw new BridgeError(run.failCode, `${basename(run.tool.path)} failed (${exit.signal ?? `exit code ${exit.code}`}): ${lastLines(stderrTail)}`, {
        tool: run.tool.path,
        exitCode: exit.code,
      });
    }
  } catch (error) {
    if (signal.aborted) {
      await exited.catch(() => undefined);
      throw cancelled();
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(killTimer);
    signal.removeEventListener('abort', onAbort);
    if (child.pid !== undefined) run.channel.exited(child.pid);
  }
}

export function cancelled(): BridgeError {
  return new BridgeError('QUERY_CANCELLED', 'the job was cancelled');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || 'no output';
}
