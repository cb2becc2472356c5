/**
 * The framing of the supervisor ↔ thread-worker socket: messages survive being cut anywhere, several may share a
 * chunk, and what a structured clone carries (nested objects, large and non-ASCII strings) comes back equal.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../../workers/channel/socket-frames.js';

const messages = [
  { ch: 'rpc', msg: { id: 'a1', type: 'APPLY', path: ['init'], argumentList: [{ type: 'RAW', value: { host: 'db', port: 5432 } }] } },
  { ch: 'stream', msg: { type: 'batch', runId: 'r1', json: `{"rows":[${'[1,"naïve ☃ 🐘"],'.repeat(5_000)}[2,null]]}`, rows: 5_001 } },
  { ch: 'stream', msg: { type: 'end', runId: 'r1', status: 'success', rows: 5_001 } },
  { ch: 'stream', msg: { type: 'health', state: 'lost', reason: 'connection refused', code: 'ECONNREFUSED' } },
];
const wire = Buffer.concat(messages.flatMap((message) => encodeFrame(message)));

describe('socket frames', () => {
  it('decodes a stream delivered in one piece', () => {
    expect(new FrameDecoder().push(wire)).toEqual(messages);
  });

  it('decodes the same stream cut at every kind of boundary', () => {
    for (const size of [1, 2, 3, 4, 5, 7, 1_000, 65_536]) {
      const decoder = new FrameDecoder();
      const out: unknown[] = [];
      for (let at = 0; at < wire.length; at += size) out.push(...decoder.push(wire.subarray(at, at + size)));
      expect(out, `chunks of ${size} bytes`).toEqual(messages);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    const [header, body] = encodeFrame({ ch: 'stream', msg: { type: 'end', runId: 'r2', status: 'cancelled', rows: 0 } });
    expect(decoder.push(header)).toEqual([]);
    expect(decoder.push(body.subarray(0, 3))).toEqual([]);
    expect(decoder.pendingBytes).toBe(header.length + 3);
    expect(decoder.push(body.subarray(3))).toEqual([{ ch: 'stream', msg: { type: 'end', runId: 'r2', status: 'cancelled', rows: 0 } }]);
  });
});
