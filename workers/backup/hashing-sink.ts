/** A pass-through that hashes and counts what is written to a backup file, so the file is read only once. */
import { createHash } from 'node:crypto';
import { createWriteStream, fsyncSync, openSync, closeSync } from 'node:fs';
import { Transform, type Writable } from 'node:stream';

export class HashingCounter extends Transform {
  readonly #hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onBytes?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

/** The output file: created new (never over an existing one), readable by its owner only. */
export function openOutput(path: string): Writable {
  return createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 });
}

/** Flushes a finished file to disk before the supervisor renames it into place. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
