/**
 * The worker's end of its one message pipe to the supervisor: a local socket back to the supervisor inside a worker
 * thread (workers/channel/socket-frames.ts says why not parentPort), the IPC channel inside a forked child process.
 * Everything above this file is the same in both isolations.
 */
import { connect, type Socket } from 'node:net';
import { isMainThread, workerData } from 'node:worker_threads';
import { encodeFrame, FrameDecoder, readFrames, writeFrames } from './channel/socket-frames.js';
import type { WorkerIsolation } from '../protocol/index.js';
import type { ChannelMessage } from './channel/worker-messages.js';

export interface ParentPipe {
  readonly isolation: WorkerIsolation;
  send(message: ChannelMessage): void;
  onMessage(handler: (message: ChannelMessage) => void): void;
  /** Ends this worker once what was already sent has left (a reply must not die in the pipe). */
  exitWhenFlushed(code: number): void;
}

/** What a thread worker is given in workerData (supervisor/isolation/worker-entry.ts). */
interface ThreadSocketAddress {
  socketPath: string;
  token: string;
}

export function openParentPipe(): ParentPipe {
  if (!isMainThread && isSocketAddress(workerData)) return threadPipe(workerData);
  if (typeof process.send === 'function') return processPipe();
  throw new Error('connection-worker must run in a worker thread started by the supervisor or a forked child process');
}

function isSocketAddress(data: unknown): data is ThreadSocketAddress {
  const candidate = data as Partial<ThreadSocketAddress> | null;
  return typeof candidate?.socketPath === 'string' && typeof candidate.token === 'string';
}

/** The supervisor's hub starts listening in the turn the thread is created; a refused connect is retried briefly. */
const CONNECT_RETRY_MS = 10;
const CONNECT_GIVE_UP_MS = 5_000;

function threadPipe(address: ThreadSocketAddress): ParentPipe {
  const handlers: Array<(message: ChannelMessage) => void> = [];
  const decoder = new FrameDecoder();
  /** Frames written before the socket connected. */
  const outbox: Array<[Buffer, Buffer]> = [encodeFrame({ hello: address.token })];
  let socket: Socket | undefined;
  let exitCode: number | undefined;
  const startedAt = Date.now();
  const deliver = (message: unknown): void => {
    for (const handler of handlers) handler(message as ChannelMessage);
  };

  const open = (): void => {
    const attempt = connect(address.socketPath);
    attempt.once('connect', () => {
      socket = attempt;
      // A frame the supervisor could not have written ends the thread like any uncaught error.
      readFrames(attempt, decoder, deliver, (error) => {
        throw error;
      });
      writeFrames(attempt, outbox.splice(0));
      if (exitCode !== undefined) leave(attempt, exitCode);
    });
    attempt.once('error', (error: NodeJS.ErrnoException) => {
      if (socket) return;
      const retriable = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      if (retriable && Date.now() - startedAt < CONNECT_GIVE_UP_MS) setTimeout(open, CONNECT_RETRY_MS);
      else {
        process.stderr.write(`connection worker could not reach the supervisor: ${error.message}\n`);
        process.exit(1);
      }
    });
    // The supervisor let go of us (it only does so after we exit, or when it is going away): nobody is left to serve.
    attempt.once('close', () => {
      if (socket === attempt) setTimeout(() => process.exit(exitCode ?? 0), 1_000).unref();
    });
  };
  open();

  return {
    isolation: 'thread',
    send: (message) => {
      const frame = encodeFrame(message);
      if (socket) writeFrames(socket, [frame]);
      else outbox.push(frame);
    },
    onMessage: (handler) => void handlers.push(handler),
    exitWhenFlushed: (code) => {
      exitCode = code;
      if (socket) leave(socket, code);
      // Not connected yet: the exit follows the connect, once the outbox is written.
    },
  };
}

/** Ends the thread once everything written has been handed to the kernel (inside a thread, only the thread ends). */
function leave(socket: Socket, code: number): void {
  const exit = (): void => process.exit(code);
  socket.end(exit);
  setTimeout(exit, 1_000).unref();
}

function processPipe(): ParentPipe {
  let unsent = 0;
  let exitCode: number | undefined;
  const leaveIfFlushed = (): void => {
    if (exitCode === undefined || unsent > 0) return;
    // Disconnecting while a send is in flight crashes Node 20 (kPendingMessages on a null channel): wait for it.
    if (process.connected) process.disconnect();
    process.exitCode = exitCode;
  };
  // A supervisor that died or let go of us: nobody is left to serve.
  process.on('disconnect', () => {
    setTimeout(() => process.exit(exitCode ?? 0), 1_000).unref();
  });
  return {
    isolation: 'process',
    send: (message) => {
      if (!process.connected) return;
      unsent++;
      process.send!(message, undefined, {}, () => {
        unsent--;
        leaveIfFlushed();
      });
    },
    onMessage: (handler) => process.on('message', (message) => handler(message as ChannelMessage)),
    exitWhenFlushed: (code) => {
      exitCode = code;
      leaveIfFlushed();
    },
  };
}
