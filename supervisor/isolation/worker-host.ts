/**
 * Starts a connection worker in the isolation asked for and gives it the one WorkerHandle face. Both channels share
 * the child's single pipe, tagged `{ ch: 'rpc' | 'stream' }` (workers/channel/worker-messages.ts).
 */
import { wrap } from 'comlink';
import { BridgeError } from '../../protocol/index.js';
import { registerErrorTransfer } from '../../workers/channel/error-transfer.js';
import type { SupervisorStreamMessage, WorkerApi, WorkerStreamMessage } from '../../workers/channel/worker-messages.js';
import { relayScheduler } from '../flow/relay-scheduler.js';
import type { ChildExit, ChildPipe } from './child-pipe.js';
import { CrashSafeEndpoint } from './crash-safe-endpoint.js';
import { spawnProcessChild } from './process-child.js';
import { spawnThreadChild } from './thread-child.js';
import {
  DEFAULT_STOP_GRACE_MS,
  type OutputSource,
  type SpawnWorkerOptions,
  type WorkerExitInfo,
  type WorkerHandle,
} from './worker-handle.js';

export function spawnConnectionWorker(options: SpawnWorkerOptions): WorkerHandle {
  registerErrorTransfer();
  const child: ChildPipe =
    options.isolation === 'process'
      ? spawnProcessChild({ name: options.name, maxOldGenerationSizeMb: options.maxOldGenerationSizeMb })
      : spawnThreadChild({ name: options.name, maxOldGenerationSizeMb: options.maxOldGenerationSizeMb });

  const endpoint = new CrashSafeEndpoint((msg) => child.send({ ch: 'rpc', msg }));
  const api = wrap<WorkerApi>(endpoint);
  const streamHandlers: Array<(msg: WorkerStreamMessage) => void> = [];
  const heartbeatHandlers: Array<(seq: number) => void> = [];
  const outputHandlers: Array<(line: string, source: OutputSource) => void> = options.onStderr ? [options.onStderr] : [];
  const exitHandlers: Array<(info: WorkerExitInfo) => void> = [];
  let exitInfo: WorkerExitInfo | undefined;
  let stopping = false;
  let exitedPromiseResolve: () => void;
  const exitedPromise = new Promise<void>((resolve) => (exitedPromiseResolve = resolve));

  child.onOutput((line, source) => {
    for (const handler of outputHandlers) handler(line, source);
  });
  // Stream messages, and the exit that may follow them, are handled through the relay scheduler: in order, in slices
  // that let the event loop answer requests in between (relay-scheduler.ts). RPC replies are not stream work.
  child.onMessage((message) => {
    // Any message proves the worker's loop turned (its heartbeat echo may be queued behind a large batch).
    for (const handler of heartbeatHandlers) handler(0);
    if (message.ch === 'rpc') endpoint.deliver(message.msg);
    else if (message.ch === 'stream') {
      const msg = message.msg as WorkerStreamMessage;
      if (msg.type === 'heartbeat') {
        if (msg.seq > 0) for (const handler of heartbeatHandlers) handler(msg.seq);
        return;
      }
      relayScheduler.enqueue(() => {
        for (const handler of streamHandlers) handler(msg);
      });
    }
  });
  child.onExit((exit) => {
    const info: WorkerExitInfo = { ...exit, expected: stopping };
    exitInfo = info;
    endpoint.fail(exitError(options, exit, stopping));
    relayScheduler.enqueue(() => {
      for (const handler of exitHandlers.splice(0)) handler(info);
      exitedPromiseResolve();
    });
  });

  const handle: WorkerHandle = {
    isolation: options.isolation,
    name: options.name,
    pid: child.pid,
    threadId: child.threadId,
    api,
    get exited() {
      return exitInfo !== undefined;
    },
    get pendingCalls() {
      return endpoint.pendingCalls;
    },
    sendStream: (msg: SupervisorStreamMessage) => child.send({ ch: 'stream', msg }),
    onStream: (handler) => void streamHandlers.push(handler),
    onHeartbeat: (handler) => void heartbeatHandlers.push(handler),
    onExit: (handler) => {
      const info = exitInfo;
      if (info) queueMicrotask(() => handler(info));
      else exitHandlers.push(handler);
    },
    onStderr: (handler) => void outputHandlers.push(handler),
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      if (exitInfo) return;
      stopping = true;
      // The reply may be lost when the worker exits right after sending it; only the exit counts.
      api.shutdown().catch(() => undefined);
      const timer = setTimeout(() => child.kill(), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
    kill: () => child.kill(),
  };
  return handle;
}

function exitError(options: SpawnWorkerOptions, exit: ChildExit, expected: boolean): BridgeError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const message = expected
    ? `Connection worker "${options.name}" was stopped`
    : `Connection worker "${options.name}" ${how}`;
  return new BridgeError('WORKER_CRASHED', message, { isolation: options.isolation, exitCode: exit.code, signal: exit.signal });
}
