/**
 * The worker's end of its one message pipe to the supervisor: `parentPort` inside a worker thread, the IPC channel
 * inside a forked child process. Everything above this file is the same in both isolations.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import type { ChannelMessage } from './worker-messages.js';

export interface ParentPipe {
  readonly isolation: 'thread' | 'process';
  send(message: ChannelMessage): void;
  onMessage(handler: (message: ChannelMessage) => void): void;
  /** Ends this worker once what was already sent has left (a reply must not die in the pipe). */
  exitWhenFlushed(code: number): void;
}

export function openParentPipe(): ParentPipe {
  if (!isMainThread && parentPort) return threadPipe(parentPort);
  if (typeof process.send === 'function') return processPipe();
  throw new Error('connection-worker must run in a worker thread or a forked child process');
}

function threadPipe(port: NonNullable<typeof parentPort>): ParentPipe {
  return {
    isolation: 'thread',
    send: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', handler),
    // postMessage has already queued the message on the port; inside a thread process.exit ends only the thread.
    exitWhenFlushed: (code) => setImmediate(() => process.exit(code)),
  };
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
