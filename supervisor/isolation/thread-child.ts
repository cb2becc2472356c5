/**
 * A connection worker in a worker thread: for pure-JS drivers (pg, mysql2), cheap to start, shares the process.
 *
 * Messages go over a local socket the worker connects back to (thread-socket-hub.ts), not over the thread's
 * MessagePort: see workers/channel/socket-frames.ts for the priority inversion that avoids. The MessagePort carries nothing.
 */
import { Worker } from 'node:worker_threads';
import type { Socket } from 'node:net';
import type { ChannelMessage } from '../../workers/channel/worker-messages.js';
import { encodeFrame, readFrames, writeFrames } from '../../workers/channel/socket-frames.js';
import { forwardLines, type ChildExit, type ChildPipe } from './child-pipe.js';
import { threadSocketHub } from './thread-socket-hub.js';
import type { OutputSource } from './worker-handle.js';
import { threadLaunch, workerEnv } from './worker-entry.js';

export interface ThreadChildOptions {
  name: string;
  maxOldGenerationSizeMb?: number;
}

/** How long after the thread's 'exit' we wait for its socket to be read to the end before reporting the exit anyway. */
const CLOSE_AFTER_EXIT_MS = 1_000;

export function spawnThreadChild(options: ThreadChildOptions): ChildPipe {
  const hub = threadSocketHub();
  const expected = hub.expect();
  const launch = threadLaunch({ socketPath: hub.path, token: expected.token });
  const worker = new Worker(launch.file, {
    name: options.name,
    workerData: launch.workerData,
    env: workerEnv(),
    // Piped, never inherited: in --stdio mode the supervisor's stdout is the protocol channel.
    stdout: true,
    stderr: true,
    resourceLimits: options.maxOldGenerationSizeMb === undefined ? undefined : { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
  });
  const outputHandlers: Array<(line: string, source: OutputSource) => void> = [];
  const emitOutput = (line: string, source: OutputSource): void => {
    for (const handler of outputHandlers) handler(line, source);
  };
  forwardLines(worker.stdout, 'stdout', emitOutput);
  forwardLines(worker.stderr, 'stderr', emitOutput);
  // An uncaught exception in the thread ends it; its message is the only trace of why, so it goes to the log.
  worker.on('error', (error) => emitOutput(`uncaught in worker thread: ${error.stack ?? String(error)}`, 'stderr'));

  const messageHandlers: Array<(message: ChannelMessage) => void> = [];
  const deliver = (message: unknown): void => {
    for (const handler of messageHandlers) handler(message as ChannelMessage);
  };
  let socket: Socket | undefined;
  /** Frames the supervisor sends before the worker has connected. */
  const outbox: Array<[Buffer, Buffer]> = [];
  let gone = false;
  let socketClosed: Promise<void> = Promise.resolve();

  void expected.connected.then(({ socket: connected, decoder, early }) => {
    if (gone) {
      connected.destroy();
      return;
    }
    socket = connected;
    socketClosed = new Promise((resolve) => connected.once('close', () => resolve()));
    for (const message of early) deliver(message);
    readFrames(connected, decoder, deliver, (error) => {
      emitOutput(`unreadable message from worker thread: ${error.message}`, 'stderr');
      void worker.terminate();
    });
    writeFrames(connected, outbox.splice(0));
  });

  let reported = false;
  const exitHandlers: Array<(exit: ChildExit) => void> = [];
  worker.once('exit', (code) => {
    gone = true;
    expected.cancel();
    outbox.length = 0;
    const report = (): void => {
      if (reported) return;
      reported = true;
      socket?.destroy();
      for (const handler of exitHandlers) handler({ code, signal: null });
    };
    // Every message the thread managed to write is in the socket: read it all before the exit is reported.
    const timer = setTimeout(report, CLOSE_AFTER_EXIT_MS);
    void socketClosed.then(() => {
      clearTimeout(timer);
      report();
    });
  });

  return {
    threadId: worker.threadId,
    send: (message) => {
      if (gone) return;
      const frame = encodeFrame(message);
      if (socket) writeFrames(socket, [frame]);
      else outbox.push(frame);
    },
    onMessage: (handler) => void messageHandlers.push(handler),
    onExit: (handler) => void exitHandlers.push(handler),
    onOutput: (handler) => void outputHandlers.push(handler),
    kill: () => void worker.terminate(),
  };
}
