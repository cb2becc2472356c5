/**
 * The TLS hop on its own, for connection.test's hops and for `ssl.mode: 'prefer'`: opens a raw connection to the
 * database (through the tunnel when there is one), asks for TLS the way the protocol does — PostgreSQL's SSLRequest,
 * MySQL's SSL request packet after the server's greeting — and runs the handshake with the mode's checks. It sends no
 * credentials and closes right after the handshake.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { BridgeError } from '../../protocol/errors.js';
import type { ConnectionConfig } from '../../protocol/index.js';
import { nodeTlsOptions, tunnelStreamFactory, type TlsSettings } from './network-config.js';
import { mapTlsFailure } from './tls-errors.js';

const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const MYSQL_CLIENT_SSL = 0x800;
// CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION
const MYSQL_SSL_REQUEST_FLAGS = 0x1 | 0x200 | MYSQL_CLIENT_SSL | 0x8000;

const DEFAULT_PORTS: Record<string, number> = { postgres: 5432, mysql: 3306 };

/** Whether the server offers TLS (false: it said it does not). Connection failures reject as BridgeErrors. */
export async function serverOffersTls(config: ConnectionConfig, timeoutMs: number): Promise<boolean> {
  const socket = await openRaw(config, timeoutMs);
  try {
    return await withTimeout(askForTls(config, socket), timeoutMs, config);
  } finally {
    socket.destroy();
  }
}

/** Runs the TLS handshake with `settings`' checks; rejects with DB_TLS_FAILED (or a connect error). */
export async function probeTls(config: ConnectionConfig, settings: TlsSettings, timeoutMs: number): Promise<void> {
  const socket = await openRaw(config, timeoutMs);
  try {
    const offered = await withTimeout(askForTls(config, socket), timeoutMs, config);
    if (!offered) throw mapTlsFailure({ code: 'HANDSHAKE_NO_SSL_SUPPORT', message: 'The server does not support SSL connections' }, target(config))!;
    const host = config.host ?? '127.0.0.1';
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const secure = tlsConnect({ socket, host, ...(isIP(host) ? {} : { servername: host }), ...nodeTlsOptions(settings) });
        secure.once('secureConnect', () => {
          secure.destroy();
          resolve();
        });
        secure.once('error', (error: Error & { code?: string }) => reject(mapTlsFailure(error, target(config)) ?? error));
      }),
      timeoutMs,
      config,
    );
  } finally {
    socket.destroy();
  }
}

function target(config: ConnectionConfig): { host: string; port: number } {
  return { host: config.host ?? '127.0.0.1', port: config.port ?? DEFAULT_PORTS[config.type] ?? 0 };
}

function openRaw(config: ConnectionConfig, timeoutMs: number): Promise<Duplex> {
  const { host, port } = target(config);
  const viaTunnel = tunnelStreamFactory(config, port, true);
  const socket: Duplex = viaTunnel ? viaTunnel() : netConnect({ host, port });
  return withTimeout(
    new Promise<Duplex>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('error', (error: Error & { code?: string }) =>
        reject(error instanceof BridgeError ? error : new BridgeError('DB_CONN_REFUSED', error.message, { host, port, ...(error.code ? { code: error.code } : {}) })),
      );
    }),
    timeoutMs,
    config,
  ).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}

/** Speaks the protocol up to the point where the client would start TLS; resolves whether the server agreed. */
async function askForTls(config: ConnectionConfig, socket: Duplex): Promise<boolean> {
  if (config.type === 'postgres') {
    socket.write(PG_SSL_REQUEST);
    const answer = await readBytes(socket, 1);
    return answer[0] === 0x53; // 'S'; 'N' means no TLS
  }
  // MySQL: the server speaks first. Packet: 3-byte length, sequence id, then the v10 greeting.
  const header = await readBytes(socket, 4);
  const length = header.readUIntLE(0, 3);
  const greeting = await readBytes(socket, length, header.subarray(4));
  if (greeting[0] === 0xff) throw new BridgeError('DB_CONN_REFUSED', greeting.subarray(3).toString('utf8'), target(config));
  const versionEnd = greeting.indexOf(0, 1);
  const capabilities = greeting.readUInt16LE(versionEnd + 1 + 4 + 8 + 1);
  if ((capabilities & MYSQL_CLIENT_SSL) === 0) return false;
  const request = Buffer.alloc(4 + 32);
  request.writeUIntLE(32, 0, 3);
  request[3] = 1;
  request.writeUInt32LE(MYSQL_SSL_REQUEST_FLAGS, 4);
  request.writeUInt32LE(16 * 1024 * 1024, 8);
  request[12] = 45; // utf8mb4_general_ci
  socket.write(request);
  return true;
}

/** Reads exactly `count` bytes (after `already`), leaving nothing unread that TLS would need: stops at `count`. */
function readBytes(socket: Duplex, count: number, already: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffer = already;
    const done = (): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.pause();
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < count) return;
      done();
      if (buffer.length > count) socket.unshift(buffer.subarray(count));
      resolve(buffer.subarray(0, count));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onClose = (): void => {
      done();
      reject(new BridgeError('DB_CONN_REFUSED', 'The server closed the connection before TLS could start'));
    };
    if (buffer.length >= count) return resolve(buffer.subarray(0, count));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.resume();
  });
}

function withTimeout<T>(work: Promise<T>, ms: number, config: ConnectionConfig): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BridgeError('DB_TIMEOUT', `No answer from the database within ${ms} ms`, target(config))), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `ssl.mode: 'prefer'`: asks the server once, when the worker starts, and turns the mode into 'require' (TLS,
 * unverified) or 'disable', so every later connection agrees. When the server cannot be asked (down), the mode
 * stays 'prefer', which the drivers treat as 'require' until the worker restarts.
 */
export async function settlePreferredTls(config: ConnectionConfig, timeoutMs: number): Promise<void> {
  if (config.ssl?.mode !== 'prefer' || (config.type !== 'postgres' && config.type !== 'mysql')) return;
  const offered = await serverOffersTls(config, timeoutMs).catch(() => undefined);
  if (offered !== undefined) config.ssl = { ...config.ssl, mode: offered ? 'require' : 'disable' };
}
