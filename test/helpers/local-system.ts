/** What the tests that start their own servers (sshd, a PostgreSQL cluster, a mariadbd) ask of this machine. */
import { execFileSync } from 'node:child_process';
import net from 'node:net';

/** A port on 127.0.0.1 with nothing listening (bound, then released): for a server to start on, or to find closed. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether `name` is on PATH. */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
