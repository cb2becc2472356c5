/**
 * A test-only delay before a server cancel (pg_cancel_backend, KILL QUERY) is sent, so the fault tests can make a
 * cancel miss the supervisor's cancel grace deterministically (test/fault/slow-cancel.test.ts). Only a worker of a
 * bridge started with --enable-fault-injection sets it, from DBV_FAULT_SLOW_CANCEL_MS (docs/reliability.md).
 */
import { setTimeout as sleep } from 'node:timers/promises';

let delayMs = 0;

export function setCancelDelayForTests(ms: number): void {
  delayMs = Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** Calls `send` at once, as a cancel always is, unless a test delay is set. */
export function sendCancel<T>(send: () => Promise<T>): Promise<T> {
  return delayMs > 0 ? sleep(delayMs).then(send) : send();
}
