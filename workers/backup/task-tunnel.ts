/**
 * A task's way through a connection's SSH bastion: before the job's work, a local port forwarded through the tunnel
 * (local-forward.ts, host key checked against the pinned keys), and a copy of the task's connection that points at
 * its 127.0.0.1 end, so native tools and driver-level paths alike only ever reach the database through the bastion.
 * The caller closes the forward when the job ends, however it ends. SSH failures (SSH_HOST_UNKNOWN,
 * SSH_AUTH_FAILED…) reject here with their own code.
 */
import type { ConnectionConfig } from '../../protocol/index.js';
import type { TaskConnection } from '../channel/backup-task-types.js';
import { openLocalForward, type LocalForward } from '../connectors/ssh/local-forward.js';
import { cancelled } from './tool-process.js';

export interface TaskTunnel {
  conn: TaskConnection;
  close(): Promise<void>;
}

/** `conn` as is when it has no `ssh`; else a forward and the connection through it. */
export async function openTaskTunnel(conn: TaskConnection, signal: AbortSignal): Promise<TaskTunnel> {
  if (!conn.ssh || conn.engine === 'sqlite') return { conn, close: async () => {} };
  if (signal.aborted) throw cancelled();
  // openLocalForward takes a connection config; only the type, the database's address and the ssh settings count.
  const config = {
    name: 'backup job',
    type: conn.engine,
    ...(conn.host !== undefined ? { host: conn.host } : {}),
    ...(conn.port !== undefined ? { port: conn.port } : {}),
    ssh: conn.ssh,
    ...(conn.connectTimeoutMs !== undefined ? { extra: { connectTimeoutMs: conn.connectTimeoutMs } } : {}),
  } satisfies ConnectionConfig;
  const opening = openLocalForward(config, { ...(conn.knownHostsPath ? { knownHostsPath: conn.knownHostsPath } : {}) });
  const forward = await untilAborted(opening, signal);
  // The SSH settings and secrets stay here: the task's work only sees the loopback end.
  const { ssh: _ssh, knownHostsPath: _known, connectTimeoutMs: _timeout, socketPath: _socket, ...rest } = conn;
  return { conn: { ...rest, host: forward.host, port: forward.port }, close: () => forward.close() };
}

/** A cancel during the SSH handshake ends the wait at once; the forward, if it still opens, is closed then. */
function untilAborted(opening: Promise<LocalForward>, signal: AbortSignal): Promise<LocalForward> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(cancelled());
      opening.then((forward) => forward.close(), () => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (forward) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return;
        resolve(forward);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
