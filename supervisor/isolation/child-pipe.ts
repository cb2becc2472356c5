/**
 * The supervisor's end of a worker's one message pipe, before any meaning is given to the messages. thread-child.ts
 * and process-child.ts are its two adapters; worker-host.ts builds the WorkerHandle on top.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ChannelMessage } from '../../workers/channel/worker-messages.js';
import type { OutputSource } from './worker-handle.js';

export interface ChildExit {
  code: number | null;
  signal: string | null;
}

export interface ChildPipe {
  readonly pid?: number;
  readonly threadId?: number;
  /** Dropped silently once the child is gone (the exit is reported through onExit). */
  send(message: ChannelMessage): void;
  onMessage(handler: (message: ChannelMessage) => void): void;
  /** Called once, after every message the child managed to send has been delivered. */
  onExit(handler: (exit: ChildExit) => void): void;
  onOutput(handler: (line: string, source: OutputSource) => void): void;
  /** SIGKILL / terminate(), at once. */
  kill(): void;
}

/** Splits a child's output stream into lines for the supervisor's log. */
export function forwardLines(stream: Readable | null, source: OutputSource, emit: (line: string, source: OutputSource) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => emit(line, source));
}
