import type { Readable, Writable } from 'node:stream';
import { NdjsonSplitter } from './ndjson-splitter.js';
import { MAX_MESSAGE_BYTES, OVERSIZED_MESSAGE, type Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/**
 * A client over a pair of byte streams carrying newline-delimited JSON: the supervisor's own stdin/stdout in
 * `--stdio` mode, or a child's pipes. Framing is NdjsonSplitter's; a line over 16 MiB is dropped and
 * OVERSIZED_MESSAGE is delivered in its place.
 *
 * The streams belong to the caller: close() stops reading and sending but neither ends nor destroys them, because
 * process.stdout must stay writable for the last log flush and exit. The transport closes by itself when the input
 * ends or either stream fails (EPIPE: the parent went away).
 */
export function createStdioTransport(input: Readable, output: Writable): Transport {
  const signals = new TransportSignals();
  const splitter = new NdjsonSplitter(
    (line) => signals.deliver(line),
    () => signals.deliver(OVERSIZED_MESSAGE),
    MAX_MESSAGE_BYTES,
  );

  const onData = (chunk: Buffer | string) => splitter.push(chunk);
  const onEnd = () => {
    splitter.end();
    close('input ended');
  };
  const onInputClose = () => close('input closed');
  const onInputError = (error: Error) => close(`input error: ${errorCode(error)}`);
  const onOutputError = (error: Error) => close(`output error: ${errorCode(error)}`);
  const onOutputClose = () => close('output closed');
  // writableLength reaches 0 when 'drain' fires, so no poll is needed here.
  const onOutputDrain = () => signals.noteBuffered(output.writableLength);

  input.on('data', onData);
  input.on('end', onEnd);
  input.on('close', onInputClose);
  input.on('error', onInputError);
  output.on('error', onOutputError);
  output.on('close', onOutputClose);
  output.on('drain', onOutputDrain);

  function close(reason: string): void {
    if (!signals.markClosed(reason)) return;
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('close', onInputClose);
    output.off('close', onOutputClose);
    output.off('drain', onOutputDrain);
    // The error listeners stay: a late EPIPE on a stream nobody listens to would crash the process.
    input.pause();
  }

  return {
    kind: 'stdio',
    send(text) {
      if (signals.closed || output.writableEnded || output.destroyed) return;
      // write()'s false return is ignored on purpose: the router watches bufferedBytes() against the
      // transport's own high-water mark, which is far above the stream's 16 KiB default.
      output.write(text + '\n');
      signals.noteBuffered(output.writableLength);
    },
    bufferedBytes: () => output.writableLength,
    onMessage: (handler) => signals.onMessage(handler),
    onDrain: (handler) => signals.onDrain(handler),
    onClose: (handler) => signals.onClose(handler),
    close: (reason = 'closed by bridge') => close(reason),
  };
}

function errorCode(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
