/**
 * A local port forwarded through an SSH tunnel, for tools that cannot take a stream (pg_dump, mariadb-dump…): a TCP
 * listener on 127.0.0.1 and an ephemeral port; each accepted socket becomes one `direct-tcpip` channel to the
 * database's host and port as the bastion sees them. Point the tool at the returned host and port; call close()
 * when it is done (the listener, its sockets and — when this function opened it — the tunnel end).
 *
 * Known limit: any local process can connect to the port while it is open (as with `ssh -L`); it is open only for
 * the job's duration and only on loopback.
 */
import net from 'node:net';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../network-config.js';
import { SshTunnel } from './ssh-tunnel.js';

export interface LocalForward {
  host: '127.0.0.1';
  port: number;
  close(): Promise<void>;
}

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306 };

/**
 * Opens a forward for `config`'s database through its `ssh` settings (a tunnel of its own, verified against the
 * pinned host keys at `knownHostsPath`), or through `tunnel` when one is given (it is then left open on close).
 * The tunnel is connected before this resolves, so SSH failures (SSH_HOST_UNKNOWN, SSH_AUTH_FAILED…) reject here.
 */
export async function openLocalForward(
  config: ConnectionConfig,
  options: { knownHostsPath?: string; tunnel?: SshTunnel },
): Promise<LocalForward> {
  if (!config.ssh && !options.tunnel) throw new Error('openLocalForward needs a config with ssh settings or a tunnel');
  const owned = !options.tunnel;
  const tunnel =
    options.tunnel ??
    new SshTunnel({
      ssh: config.ssh!,
      knownHostsPath: options.knownHostsPath,
      connectTimeoutMs: config.extra?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
  try {
    await tunnel.connect();
  } catch (error) {
    if (owned) tunnel.close();
    throw error;
  }
  const targetHost = config.host ?? '127.0.0.1';
  const targetPort = config.port ?? DEFAULT_PORTS[config.type] ?? 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    tunnel.openChannel(targetHost, targetPort).then(
      (channel) => {
        if (socket.destroyed) return channel.close();
        socket.pipe(channel).pipe(socket);
        channel.on('error', () => socket.destroy());
        channel.on('close', () => socket.destroy());
        socket.on('close', () => channel.close());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        if (owned) tunnel.close();
      }),
  };
}
