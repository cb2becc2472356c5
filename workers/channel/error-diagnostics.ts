/**
 * `error.details.raw`: the driver's own message and stack, for diagnosing a failure the registry code and message do
 * not explain. Attached only when the bridge logs at debug level (the supervisor says so in the worker's init), and
 * never with a secret in it: every secret value of the connection's config is masked first, wherever the driver put
 * it. At any other level nothing is added.
 *
 * The source is the error a connector mapped (`BridgeError`'s `cause`), or an error no connector mapped at all.
 * The bridge's own errors (SESSION_BUSY…) have no driver behind them and get nothing.
 */
import { BridgeError } from '../../protocol/errors.js';

export const MASK = '[redacted]';

/** Secret values shorter than this are not masked: a one-character "password" would mask every occurrence of it. */
const MIN_MASKED_LENGTH = 4;

interface Diagnostics {
  raw: boolean;
  secrets: string[];
}

let diagnostics: Diagnostics = { raw: false, secrets: [] };

/** Called once, by the worker's init. `secrets`: every secret value of the connection's config. */
export function configureErrorDiagnostics(raw: boolean, secrets: ReadonlyArray<string | undefined>): void {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_MASKED_LENGTH);
  // Longest first, so a secret that contains another is masked whole.
  diagnostics = { raw, secrets: [...new Set(values)].sort((a, b) => b.length - a.length) };
}

export interface RawDiagnostics {
  message: string;
  stack?: string;
  name?: string;
}

/** `{ raw }` to merge into an error's details, or undefined (not at debug level, or nothing from a driver). */
export function rawDiagnosticsOf(thrown: unknown): { raw: RawDiagnostics } | undefined {
  if (!diagnostics.raw) return undefined;
  const source = thrown instanceof BridgeError ? thrown.cause : thrown;
  if (source === undefined || source === null) return undefined;
  if (!(source instanceof Error)) return { raw: { message: mask(String(source)) } };
  const raw: RawDiagnostics = { message: mask(source.message), name: source.name };
  if (typeof source.stack === 'string') raw.stack = mask(source.stack);
  return { raw };
}

/** The same error with `details.raw` when diagnostics ask for it; otherwise the error itself. */
export function withRawDiagnostics(error: BridgeError, thrown: unknown = error): BridgeError {
  const extra = rawDiagnosticsOf(thrown);
  if (extra === undefined) return error;
  return new BridgeError(error.code, error.message, { ...error.details, ...extra }, { cause: error.cause });
}

export function mask(text: string): string {
  let masked = text;
  for (const secret of diagnostics.secrets) masked = masked.split(secret).join(MASK);
  return masked;
}
