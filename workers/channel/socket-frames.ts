/**
 * Framing for the local socket between the supervisor and a thread-isolated connection worker: each message is a
 * 4-byte little-endian length and the message in V8's serialization format (the structured clone postMessage uses,
 * so the same messages cross it: strings, plain objects, errors as comlink's transfer handler shapes them).
 *
 * Why a socket and not the thread's MessagePort: Node's MessagePort wakes the receiving thread while it still holds
 * the port's lock. A worker runs below the supervisor's priority (connection-worker.ts), so the woken supervisor
 * preempts it inside that lock, then blocks on the lock itself until the busy cores get round to the worker again —
 * measured at up to 30 ms of a frozen supervisor per batch under the concurrency benchmark. A socket's reader is
 * woken by the kernel after its lock is released, so nothing is held when the supervisor runs.
 */
import type { Duplex, Writable } from 'node:stream';
import { deserialize, serialize } from 'node:v8';

const HEADER_BYTES = 4;

/** One message as the bytes to write: header and body, for a corked pair of writes (one writev). */
export function encodeFrame(message: unknown): [Buffer, Buffer] {
  const body = serialize(message);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(body.length, 0);
  return [header, body];
}

/** Writes frames in one corked burst, so each leaves in a single `writev`. */
export function writeFrames(socket: Writable, frames: ReadonlyArray<[Buffer, Buffer]>): void {
  socket.cork();
  for (const [header, body] of frames) {
    socket.write(header);
    socket.write(body);
  }
  socket.uncork();
}

/**
 * Feeds everything `socket` delivers through `decoder` and hands each message on, in order. A frame that does not
 * deserialize goes to `fail`, and the chunk's other messages are dropped with it: the stream is unusable from there.
 */
export function readFrames(socket: Duplex, decoder: FrameDecoder, deliver: (message: unknown) => void, fail: (error: Error) => void): void {
  socket.on('data', (chunk: Buffer) => {
    let messages: unknown[];
    try {
      messages = decoder.push(chunk);
    } catch (error) {
      fail(error as Error);
      return;
    }
    for (const message of messages) deliver(message);
  });
  socket.on('error', () => undefined);
  socket.resume();
}

/** Reassembles messages from the chunks a socket delivers, however they are cut. */
export class FrameDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Every message completed by this chunk, in order. Throws on a frame that does not deserialize. */
  push(chunk: Buffer): unknown[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: unknown[] = [];
    while (this.#buffered >= HEADER_BYTES) {
      const head = this.#peek(HEADER_BYTES);
      const length = head.readUInt32LE(0);
      if (this.#buffered < HEADER_BYTES + length) break;
      const frame = this.#take(HEADER_BYTES + length);
      messages.push(deserialize(frame.subarray(HEADER_BYTES)));
    }
    return messages;
  }

  /** Bytes of an incomplete frame still waiting for the rest (a child that died mid-write leaves some). */
  get pendingBytes(): number {
    return this.#buffered;
  }

  #peek(bytes: number): Buffer {
    if (this.#chunks[0]!.length < bytes) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!;
  }

  #take(bytes: number): Buffer {
    const first = this.#chunks[0]!;
    let frame: Buffer;
    if (first.length >= bytes) {
      frame = first.subarray(0, bytes);
      if (first.length === bytes) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(bytes);
    } else {
      const all = Buffer.concat(this.#chunks);
      frame = all.subarray(0, bytes);
      this.#chunks = all.length > bytes ? [all.subarray(bytes)] : [];
    }
    this.#buffered -= bytes;
    return frame;
  }
}
