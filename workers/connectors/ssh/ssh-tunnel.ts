/**
 * One SSH connection to a bastion (ssh2 Client) per connection worker; every database connection the worker makes
 * is one `direct-tcpip` channel through it (tunnel-socket.ts), and dump tools get a local port forwarded through
 * the same kind of tunnel (local-forward.ts).
 *
 * The SSH connection is opened on first need and again after it was lost, so it lives and dies with its worker and
 * comes back when the worker (or the bastion) does. Before any credential is sent, the server's host key is checked
 * against the pinned keys (known-hosts.ts): an unknown key fails with SSH_HOST_UNKNOWN carrying its fingerprint, a
 * changed one with SSH_HOST_KEY_CHANGED — neither is ever trusted silently. Traffic goes only to `ssh.host`.
 * Errors name the host, port and user, never a password, key or passphrase.
 */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { BridgeError } from '../../../protocol/errors.js';
import type { ConnectionConfig } from '../../../protocol/index.js';
import { checkHostKey, DEFAULT_SSH_PORT, type HostKeyVerdict } from '../../channel/known-hosts.js';

export type SshConfig = NonNullable<ConnectionConfig['ssh']>;

export interface SshTunnelOptions {
  ssh: SshConfig;
  /** The pinned host keys; without it every host is unknown. */
  knownHostsPath?: string;
  /** Budget for TCP connect + handshake + authentication. */
  connectTimeoutMs: number;
}

const DEFAULT_KEEPALIVE_SEC = 15;
/** Unanswered keep-alives before the connection counts as lost. */
const KEEPALIVE_COUNT_MAX = 3;

export class SshTunnel {
  readonly #options: SshTunnelOptions;
  readonly #host: string;
  readonly #port: number;
  #ready: Promise<Client> | null = null;
  #client: Client | null = null;
  #closed = false;

  constructor(options: SshTunnelOptions) {
    this.#options = options;
    this.#host = options.ssh.host;
    this.#port = options.ssh.port ?? DEFAULT_SSH_PORT;
  }

  /** Connects (or reuses the live connection); rejects with an SSH_* BridgeError. */
  async connect(): Promise<void> {
    await this.#connected();
  }

  /** A channel to `host:port` as the bastion sees it. */
  async openChannel(host: string, port: number): Promise<ClientChannel> {
    const client = await this.#connected();
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (!error) return resolve(channel);
        reject(
          new BridgeError('DB_CONN_REFUSED', `The SSH server ${this.#label()} could not open a connection to ${host}:${port}: ${error.message}`, {
            host,
            port,
            hop: 'ssh',
            sshHost: this.#host,
            sshPort: this.#port,
          }),
        );
      });
    });
  }

  /** Whether the SSH connection is up right now (debug and tests). */
  get connected(): boolean {
    return this.#client !== null;
  }

  close(): void {
    this.#closed = true;
    this.#client?.end();
    this.#client = null;
    this.#ready = null;
  }

  #connected(): Promise<Client> {
    if (this.#closed) return Promise.reject(new BridgeError('SSH_FAILED', 'The SSH tunnel is closed', this.#where()));
    return (this.#ready ??= this.#handshake());
  }

  #handshake(): Promise<Client> {
    const { ssh, knownHostsPath, connectTimeoutMs } = this.#options;
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let verdict: HostKeyVerdict | { status: 'error'; error: Error } | null = null;
      let settled = false;
      const fail = (error: BridgeError): void => {
        if (settled) return;
        settled = true;
        this.#ready = null;
        client.end();
        reject(error);
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        this.#client = client;
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => fail(this.#mapError(error, verdict)));
      // After 'ready', a close means the tunnel was lost: the next channel request opens a new one.
      client.on('close', () => {
        if (this.#client === client) {
          this.#client = null;
          this.#ready = null;
        }
        fail(new BridgeError('SSH_FAILED', `The SSH server ${this.#label()} closed the connection during the handshake`, this.#where()));
      });
      const config: ConnectConfig = {
        host: this.#host,
        port: this.#port,
        username: ssh.user,
        readyTimeout: connectTimeoutMs,
        keepaliveInterval: (ssh.keepAliveIntervalSec ?? DEFAULT_KEEPALIVE_SEC) * 1000,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          checkHostKey(knownHostsPath, this.#host, this.#port, key).then(
            (result) => {
              verdict = result;
              verify(result.status === 'trusted');
            },
            (error: Error) => {
              verdict = { status: 'error', error };
              verify(false);
            },
          );
        },
        ...(ssh.password ? { password: ssh.password } : {}),
        ...(ssh.privateKey ? { privateKey: ssh.privateKey } : {}),
        ...(ssh.passphrase ? { passphrase: ssh.passphrase } : {}),
        ...(ssh.agent ? { agent: process.env.SSH_AUTH_SOCK } : {}),
      };
      if (ssh.agent && !process.env.SSH_AUTH_SOCK) {
        fail(new BridgeError('SSH_AUTH_FAILED', 'Agent authentication was asked for but no SSH agent is running (SSH_AUTH_SOCK is not set)', this.#where({ reason: 'no-agent' })));
        return;
      }
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 parses the private key synchronously: a wrong or missing passphrase, or a key it cannot read.
        fail(new BridgeError('SSH_AUTH_FAILED', `The SSH private key could not be used: ${(error as Error).message}`, this.#where({ reason: 'private-key' })));
      }
    });
  }

  #mapError(error: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | { status: 'error'; error: Error } | null): BridgeError {
    if (verdict?.status === 'unknown') {
      return new BridgeError(
        'SSH_HOST_UNKNOWN',
        `The SSH host key of ${this.#label()} is not trusted yet (${verdict.fingerprint}); pin it with connection.trustHostKey if it is the right one`,
        this.#where({ fingerprint: verdict.fingerprint, ...(verdict.keyType ? { keyType: verdict.keyType } : {}) }),
      );
    }
    if (verdict?.status === 'changed') {
      return new BridgeError(
        'SSH_HOST_KEY_CHANGED',
        `The SSH host key of ${this.#label()} has changed (now ${verdict.fingerprint}, pinned ${verdict.pinned}); the connection was refused`,
        this.#where({ fingerprint: verdict.fingerprint, pinnedFingerprint: verdict.pinned }),
      );
    }
    if (verdict?.status === 'error') {
      return new BridgeError('SSH_FAILED', `The pinned SSH host keys could not be read: ${verdict.error.message}`, this.#where({ reason: 'known-hosts' }));
    }
    if (error.level === 'client-authentication') {
      return new BridgeError('SSH_AUTH_FAILED', `The SSH server ${this.#label()} rejected the credentials of ${this.#options.ssh.user}`, this.#where());
    }
    if (error.level === 'client-timeout') {
      return new BridgeError('SSH_FAILED', `The SSH server ${this.#label()} did not complete the handshake in time`, this.#where({ reason: 'timeout' }));
    }
    return new BridgeError('SSH_FAILED', `SSH connection to ${this.#label()} failed: ${error.message}`, this.#where(error.code ? { code: error.code } : {}));
  }

  #label(): string {
    return `${this.#host}:${this.#port}`;
  }

  #where(extra: Record<string, unknown> = {}): Record<string, unknown> {
    // `host`/`port` here are the SSH server's (the hop says so): what connection.trustHostKey takes.
    return { hop: 'ssh', host: this.#host, port: this.#port, user: this.#options.ssh.user, ...extra };
  }
}
