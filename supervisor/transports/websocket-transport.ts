import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Transport } from './transport.js';
import { TransportSignals } from './transport-signals.js';

/** RFC 6455 close codes the transport uses. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_UNSUPPORTED_DATA = 1003;

export interface WebSocketTransportOptions {
  /** Ping interval; a peer that has not answered the previous ping by the next one is dropped. Default 30 s. */
  keepAliveMs?: number;
  /** How often to re-check bufferedAmount while above the high-water mark, in case no 'drain' comes. Default 100 ms. */
  drainPollMs?: number;
}

/**
 * A client over an accepted WebSocket (server side, from `ws`). One JSON-RPC message per text frame; binary frames
 * are refused with 1003. Oversized frames never reach here: the server's `maxPayload` closes them with 1009.
 *
 * `socket` is the raw TCP socket the upgrade came on: its 'drain' tells when `ws.bufferedAmount` (the socket's
 * writable buffer plus ws's own send queue) has gone down, without touching ws's private fields.
 */
export function createWebSocketTransport(ws: WebSocket, socket: Duplex, options: WebSocketTransportOptions = {}): Transport {
  const signals = new TransportSignals();
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  const drainPollMs = options.drainPollMs ?? 100;
  let peerAlive = true;
  let drainPoll: NodeJS.Timeout | undefined;

  const checkDrain = () => {
    const stillHigh = signals.noteBuffered(ws.bufferedAmount);
    if (stillHigh && !drainPoll) {
      drainPoll = setInterval(checkDrain, drainPollMs);
      drainPoll.unref();
    } else if (!stillHigh && drainPoll) {
      clearInterval(drainPoll);
      drainPoll = undefined;
    }
  };

  const keepAlive = setInterval(() => {
    if (!peerAlive) {
      ws.terminate();
      return;
    }
    peerAlive = false;
    ws.ping();
  }, keepAliveMs);
  keepAlive.unref();

  ws.on('pong', () => (peerAlive = true));
  ws.on('message', (data, isBinary) => {
    peerAlive = true;
    if (isBinary) {
      ws.close(CLOSE_UNSUPPORTED_DATA, 'binary frames are not supported; send JSON text');
      return;
    }
    signals.deliver(rawToString(data));
  });
  // 'error' precedes 'close' (e.g. a frame over maxPayload); the close reason carries what the peer needs.
  ws.on('error', () => {});
  ws.on('close', (code, reason) => {
    const text = reason.toString('utf8');
    finish(`websocket closed (${code}${text ? `: ${text}` : ''})`);
  });
  socket.on('drain', checkDrain);

  function finish(reason: string): void {
    clearInterval(keepAlive);
    if (drainPoll) clearInterval(drainPoll);
    drainPoll = undefined;
    socket.off('drain', checkDrain);
    signals.markClosed(reason);
  }

  return {
    kind: 'websocket',
    send(text) {
      if (signals.closed || ws.readyState !== ws.OPEN) return;
      ws.send(text);
      checkDrain();
    },
    bufferedBytes: () => ws.bufferedAmount,
    onMessage: (handler) => signals.onMessage(handler),
    onDrain: (handler) => signals.onDrain(handler),
    onClose: (handler) => signals.onClose(handler),
    close(reason = 'closed by bridge') {
      if (signals.closed) return;
      ws.close(CLOSE_NORMAL, closeReasonText(reason));
      finish(reason);
    },
  };
}

function rawToString(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** RFC 6455 limits a close reason to 123 bytes; ws throws on longer ones. */
function closeReasonText(reason: string): string {
  const short = reason.slice(0, 120);
  return Buffer.byteLength(short) <= 123 ? short : '';
}
