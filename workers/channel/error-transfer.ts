/**
 * How a thrown error crosses the supervisor<->worker boundary.
 *
 * comlink 4.4's own 'throw' handler sends only `{ message, name, stack }`, so a BridgeError arrives as a plain Error
 * without its code and a pg error loses `code`. This module replaces that handler with one that keeps
 * `{ name, message, code, details }`. Both sides must register it: the worker serializes with it, the supervisor
 * deserializes with it. The stack is left behind on purpose (it belongs in the worker's own log, not on the wire).
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { BridgeError, isErrorCode } from '../../protocol/errors.js';
import type { ErrorCode } from '../../protocol/index.js';
import { rawDiagnosticsOf, withRawDiagnostics } from './error-diagnostics.js';

/** The form a thrown value takes on the wire. */
export type ThrownWire =
  | { isError: true; value: { name: string; message: string; code?: unknown; details?: Record<string, unknown> } }
  | { isError: false; value: unknown };

/** Turns anything thrown into its wire form, keeping a BridgeError's code/details and an Error's `code`. */
export function toThrownWire(thrown: unknown): ThrownWire {
  if (!(thrown instanceof Error)) return { isError: false, value: thrown };
  const source = thrown as Error & { code?: unknown; details?: unknown };
  const value: Extract<ThrownWire, { isError: true }>['value'] = { name: source.name, message: source.message };
  if (typeof source.code === 'string' || typeof source.code === 'number') value.code = source.code;
  // At log level debug, the driver's own message and stack ride along as details.raw (error-diagnostics.ts).
  const raw = rawDiagnosticsOf(thrown);
  const details = raw ? { ...plainDetails(source.details), ...raw } : plainDetails(source.details);
  if (details) value.details = details;
  return { isError: true, value };
}

/** Rebuilds the error a ThrownWire describes: a BridgeError when it was one (or carries a registry code). */
export function fromThrownWire(wire: ThrownWire): unknown {
  if (!wire.isError) return wire.value;
  const { name, message, code, details } = wire.value;
  if (name === 'BridgeError' && isErrorCode(code)) return new BridgeError(code, message, details);
  const error = new Error(message) as Error & { code?: unknown; details?: Record<string, unknown> };
  error.name = name;
  if (code !== undefined) error.code = code;
  if (details !== undefined) error.details = details;
  return error;
}

/** The comlink response that makes a pending call reject with `error` (used for calls a dead worker never answers). */
export function thrownResponse(id: string, error: BridgeError): Record<string, unknown> {
  return { id, type: 'HANDLER', name: 'throw', value: toThrownWire(error) };
}

let registered = false;

/** Installs the field-keeping 'throw' handler into comlink. Idempotent; call it on both sides before any call. */
export function registerErrorTransfer(): void {
  if (registered) return;
  const original = transferHandlers.get('throw');
  if (!original) throw new Error('comlink has no built-in throw handler to replace');
  const handler: TransferHandler<{ value: unknown }, ThrownWire> = {
    // comlink marks a thrown value with a private symbol; only its own handler can recognise it.
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [toThrownWire(value), []],
    deserialize: (wire) => {
      throw fromThrownWire(wire);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  registered = true;
}

/** The BridgeError shape of anything thrown, with `fallback` as code when it carries no registry code. */
export function toBridgeError(thrown: unknown, fallback: ErrorCode): BridgeError {
  if (thrown instanceof BridgeError) return withRawDiagnostics(thrown);
  if (thrown instanceof Error) {
    const source = thrown as Error & { code?: unknown; details?: unknown };
    if (isErrorCode(source.code)) return withRawDiagnostics(new BridgeError(source.code, source.message, plainDetails(source.details)), thrown);
    // A driver's own code (pg '42P01', mysql 'ER_NO_SUCH_TABLE') is kept beside the registry code.
    const details = { ...plainDetails(source.details), ...(source.code !== undefined ? { driverCode: source.code } : {}) };
    return withRawDiagnostics(new BridgeError(fallback, source.message, Object.keys(details).length > 0 ? details : undefined), thrown);
  }
  return new BridgeError(fallback, String(thrown));
}

function plainDetails(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
