import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdioTransport } from '../../../supervisor/transports/stdio-transport.js';
import { HIGH_WATER_MARK, LOW_WATER_MARK, MAX_MESSAGE_BYTES, OVERSIZED_MESSAGE } from '../../../supervisor/transports/transport.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function pipes() {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = createStdioTransport(input, output);
  const received: Array<string | object> = [];
  transport.onMessage((m) => received.push(m));
  return { input, output, transport, received };
}

describe('stdio transport', () => {
  it('delivers each NDJSON line as one text message: split lines, CRLF, several per chunk', async () => {
    const { input, received } = pipes();
    input.write('{"jsonrpc":"2.0","id":1,');
    input.write('"method":"health.ping"}\r\n{"id":2}\n{"id":3}\n{"id"');
    input.write(':4}\n');
    await tick();
    expect(received).toEqual(['{"jsonrpc":"2.0","id":1,"method":"health.ping"}', '{"id":2}', '{"id":3}', '{"id":4}']);
  });

  it('writes each message followed by a newline', async () => {
    const { output, transport } = pipes();
    transport.send('{"a":1}');
    transport.send('{"b":2}');
    expect(output.read().toString()).toBe('{"a":1}\n{"b":2}\n');
  });

  it('delivers OVERSIZED_MESSAGE in place of a line over 16 MiB, then goes on', async () => {
    const { input, received } = pipes();
    input.write('{"big":"');
    input.write(Buffer.alloc(MAX_MESSAGE_BYTES, 0x61));
    input.write('"}\n{"id":5}\n');
    await tick();
    expect(received).toEqual([OVERSIZED_MESSAGE, '{"id":5}']);
  });

  it('queues messages that arrive before a handler is registered', async () => {
    const input = new PassThrough();
    const transport = createStdioTransport(input, new PassThrough());
    input.write('{"id":1}\n');
    await tick();
    const received: unknown[] = [];
    transport.onMessage((m) => received.push(m));
    expect(received).toEqual(['{"id":1}']);
  });

  it('closes once when the input ends, delivering a last unterminated line first, and drops later sends', async () => {
    const { input, output, transport, received } = pipes();
    const reasons: string[] = [];
    transport.onClose((r) => reasons.push(r));
    input.end('{"id":9}');
    await tick();
    expect(received).toEqual(['{"id":9}']);
    expect(reasons).toEqual(['input ended']);
    transport.send('{"late":true}');
    transport.close();
    expect(output.read()).toBeNull();
    expect(reasons).toHaveLength(1);
  });

  it('tells a close handler registered after the close', async () => {
    const { transport } = pipes();
    transport.close('bye');
    const reason = await new Promise((resolve) => transport.onClose(resolve));
    expect(reason).toBe('bye');
  });

  it('reports buffered bytes for a consumer that does not read, and fires onDrain once it has read enough', async () => {
    const { output, transport } = pipes();
    let drains = 0;
    transport.onDrain(() => drains++);
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 5; i++) transport.send(chunk);
    // Nobody reads `output`: everything past the stream's own small buffers stays in writableLength.
    expect(transport.bufferedBytes()).toBeGreaterThan(HIGH_WATER_MARK);
    await tick();
    expect(drains).toBe(0);

    output.resume();
    await new Promise((resolve) => transport.onDrain(() => resolve(undefined)));
    expect(transport.bufferedBytes()).toBeLessThan(LOW_WATER_MARK);
    expect(drains).toBe(1);
  });

  it('does not fire onDrain for a buffer that never went above the high-water mark', async () => {
    const { output, transport } = pipes();
    let drains = 0;
    transport.onDrain(() => drains++);
    transport.send('x'.repeat(64 * 1024));
    output.resume();
    await tick();
    await tick();
    expect(drains).toBe(0);
  });

  it('closes when the output fails (the parent went away)', async () => {
    const { output, transport } = pipes();
    const reason = new Promise((resolve) => transport.onClose(resolve));
    output.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await reason).toBe('output error: EPIPE');
    expect(() => transport.send('{}')).not.toThrow();
  });
});
