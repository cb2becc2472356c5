/**
 * A connection worker in a forked child process: for native drivers (better-sqlite3), where a segfault must end
 * only the child (the parent sees `exit(null, 'SIGSEGV')`), and where killing is the only way to stop a blocked step.
 */
import { fork } from 'node:child_process';
import type { ChannelMessage } from '../../workers/channel/worker-messages.js';
import { forwardLines, type ChildExit, type ChildPipe } from './child-pipe.js';
import type { OutputSource } from './worker-handle.js';
import { processLaunch, workerEnv } from './worker-entry.js';

export interface ProcessChildOptions {
  name: string;
  maxOldGenerationSizeMb?: number;
}

/** How long after 'exit' we wait for 'close' (all IPC messages and output read) before reporting the exit anyway. */
const CLOSE_AFTER_EXIT_MS = 1_000;

export function spawnProcessChild(options: ProcessChildOptions): ChildPipe {
  const launch = processLaunch(options.maxOldGenerationSizeMb);
  const child = fork(launch.modulePath, [], {
    execArgv: launch.execArgv,
    env: workerEnv(),
    serialization: 'advanced',
    // stdout is piped, never inherited: in --stdio mode the supervisor's stdout is the protocol channel.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const outputHandlers: Array<(line: string, source: OutputSource) => void> = [];
  const emitOutput = (line: string, source: OutputSource): void => {
    for (const handler of outputHandlers) handler(line, source);
  };
  forwardLines(child.stdout, 'stdout', emitOutput);
  forwardLines(child.stderr, 'stderr', emitOutput);

  let gone = false;
  let reported = false;
  const exitHandlers: Array<(exit: ChildExit) => void> = [];
  const report = (exit: ChildExit): void => {
    if (reported) return;
    reported = true;
    for (const handler of exitHandlers) handler(exit);
  };
  child.once('exit', (code, signal) => {
    gone = true;
    // 'close' comes once the IPC channel and the output pipes are drained; a grandchild holding a pipe could
    // delay it forever, hence the timer.
    const timer = setTimeout(() => report({ code, signal }), CLOSE_AFTER_EXIT_MS);
    child.once('close', () => {
      clearTimeout(timer);
      report({ code, signal });
    });
  });
  // A child that could not be started at all emits 'error' and may never emit 'exit'.
  child.on('error', (error) => {
    emitOutput(`connection worker process error: ${error.message}`, 'stderr');
    if (child.pid === undefined) {
      gone = true;
      report({ code: null, signal: null });
    }
  });

  return {
    pid: child.pid,
    send: (message: ChannelMessage) => {
      if (gone || !child.connected) return;
      // With a callback a closed channel is reported here instead of as an 'error' event on the child.
      child.send(message, (error) => {
        if (error) emitOutput(`send to connection worker failed: ${error.message}`, 'stderr');
      });
    },
    onMessage: (handler) => child.on('message', (message) => handler(message as ChannelMessage)),
    onExit: (handler) => exitHandlers.push(handler),
    onOutput: (handler) => outputHandlers.push(handler),
    kill: () => {
      if (!gone) child.kill('SIGKILL');
    },
  };
}
