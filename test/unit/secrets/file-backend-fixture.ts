import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { EncryptedFileBackend } from '../../../supervisor/secrets/encrypted-file-backend.js';
import type { ScryptParams } from '../../../supervisor/secrets/secrets-file-format.js';

/** N=2^10 instead of 2^17: ~5 ms per unlock instead of ~0.7 s. Only through the test-named option. */
export const WEAK_TEST_SCRYPT: ScryptParams = { log2N: 10, r: 8, p: 1 };

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dbv-secrets-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function fileBackend(dataDir: string): EncryptedFileBackend {
  return new EncryptedFileBackend({ dataDir, testOnlyScryptParams: WEAK_TEST_SCRYPT });
}

/** Asserts the promise rejects with a BridgeError of this code (and, if given, this details.reason). */
export async function expectBridgeError(promise: Promise<unknown>, code: string, reason?: string): Promise<BridgeError> {
  const error = await promise.then(
    () => expect.fail(`expected ${code}, but it resolved`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BridgeError);
  const bridgeError = error as BridgeError;
  expect(bridgeError.code).toBe(code);
  if (reason !== undefined) expect(bridgeError.details?.reason).toBe(reason);
  return bridgeError;
}
