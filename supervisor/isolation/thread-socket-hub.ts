/**
 * The local socket server that thread-isolated connection workers connect back to (why a socket and not the
 * thread's MessagePort: workers/channel/socket-frames.ts). One per supervisor process, started on first use, on a Unix socket
 * in a private temporary directory (0700) or a named pipe on Windows, and never keeping the process alive.
 *
 * A worker proves who it is with the one-time token it was given in workerData, in its first frame; a connection
 * that sends anything else, or nothing within a few seconds, is dropped.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDecoder } from '../../workers/channel/socket-frames.js';

/** A worker's first frame. */
export interface WorkerHello {
  hello: string;
}

export interface WorkerSocket {
  socket: Socket;
  /** Holds any bytes that arrived after the hello; keep feeding it. */
  decoder: FrameDecoder;
  /** Messages that arrived in the same chunks as the hello. */
  early: unknown[];
}

const HELLO_TIMEOUT_MS = 5_000;

class ThreadSocketHub {
  readonly path: string;
  readonly #server: Server;
  readonly #expected = new Map<string, (connection: WorkerSocket) => void>();

  constructor() {
    let dir: string | undefined;
    if (process.platform === 'win32') {
      this.path = `\\\\.\\pipe\\dbv-workers-${process.pid}-${randomBytes(8).toString('hex')}`;
    } else {
      dir = mkdtempSync(join(tmpdir(), 'dbv-workers-'));
      this.path = join(dir, 'hub.sock');
      process.once('exit', () => rmSync(dir!, { recursive: true, force: true }));
    }
    this.#server = createServer((socket) => this.#accept(socket));
    // Listening completes within the event loop turn; a worker takes far longer to boot, and retries a refused connect
    // anyway (workers/parent-pipe.ts).
    this.#server.listen(this.path);
    this.#server.unref();
    // A hub that cannot listen shows as workers that cannot connect: each reports it on stderr and exits, and the
    // connection fails with WORKER_CRASHED. Nothing to add here but keeping the error from being uncaught.
    this.#server.on('error', () => undefined);
  }

  /** A token for one worker, and the promise of its socket once it has connected and said hello. */
  expect(): { token: string; connected: Promise<WorkerSocket>; cancel: () => void } {
    const token = randomBytes(24).toString('base64url');
    const connected = new Promise<WorkerSocket>((resolve) => this.#expected.set(token, resolve));
    return { token, connected, cancel: () => this.#expected.delete(token) };
  }

  #accept(socket: Socket): void {
    const decoder = new FrameDecoder();
    const drop = (): void => void socket.destroy();
    const timer = setTimeout(drop, HELLO_TIMEOUT_MS);
    timer.unref();
    const onData = (chunk: Buffer): void => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch {
        clearTimeout(timer);
        drop();
        return;
      }
      if (messages.length === 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const [hello, ...early] = messages;
      const resolve = this.#claim((hello as Partial<WorkerHello> | null)?.hello);
      if (!resolve) {
        drop();
        return;
      }
      socket.pause();
      resolve({ socket, decoder, early });
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  }

  #claim(token: unknown): ((connection: WorkerSocket) => void) | undefined {
    if (typeof token !== 'string') return undefined;
    for (const [expected, resolve] of this.#expected) {
      const a = Buffer.from(expected);
      const b = Buffer.from(token);
      if (a.length === b.length && timingSafeEqual(a, b)) {
        this.#expected.delete(expected);
        return resolve;
      }
    }
    return undefined;
  }
}

let hub: ThreadSocketHub | undefined;

export function threadSocketHub(): ThreadSocketHub {
  hub ??= new ThreadSocketHub();
  return hub;
}
