/** A connection worker in a worker thread: for pure-JS drivers (pg, mysql2), cheap to start, shares the process. */
import { Worker } from 'node:worker_threads';
import { forwardLines, type ChildExit, type ChildPipe } from './child-pipe.js';
import type { OutputSource } from './worker-handle.js';
import { threadLaunch, workerEnv } from './worker-entry.js';

export interface ThreadChildOptions {
  name: string;
  maxOldGenerationSizeMb?: number;
}

export function spawnThreadChild(options: ThreadChildOptions): ChildPipe {
  const launch = threadLaunch();
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

  let exited = false;
  const exitHandlers: Array<(exit: ChildExit) => void> = [];
  worker.once('exit', (code) => {
    exited = true;
    for (const handler of exitHandlers) handler({ code, signal: null });
  });

  return {
    threadId: worker.threadId,
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    onMessage: (handler) => worker.on('message', handler),
    onExit: (handler) => exitHandlers.push(handler),
    onOutput: (handler) => outputHandlers.push(handler),
    kill: () => void worker.terminate(),
  };
}
