/**
 * The hub thread workers connect back to: only a connection that says hello with the token it was given reaches
 * the worker's pipe; anything else is dropped, and a token is good for one connection.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { threadSocketHub } from '../../../supervisor/isolation/thread-socket-hub.js';
import { encodeFrame } from '../../../workers/channel/socket-frames.js';

async function dial(path: string): Promise<Socket> {
  const socket = connect(path);
  await once(socket, 'connect');
  return socket;
}

function sendFrames(socket: Socket, ...messages: unknown[]): void {
  for (const message of messages) for (const part of encodeFrame(message)) socket.write(part);
}

describe('thread socket hub', () => {
  it('hands over a connection that says hello with its token, with the messages that came along', async () => {
    const hub = threadSocketHub();
    const expected = hub.expect();
    const socket = await dial(hub.path);
    sendFrames(socket, { hello: expected.token }, { ch: 'rpc', msg: 1 });
    const { early, socket: accepted } = await expected.connected;
    expect(early).toEqual([{ ch: 'rpc', msg: 1 }]);
    accepted.destroy();
    socket.destroy();
  });

  it('drops a connection with a wrong token, and does not hand it to anyone', async () => {
    const hub = threadSocketHub();
    const expected = hub.expect();
    let handed = false;
    void expected.connected.then(() => (handed = true));
    const intruder = await dial(hub.path);
    sendFrames(intruder, { hello: 'not-the-token' });
    await once(intruder, 'close');
    expect(handed).toBe(false);

    const worker = await dial(hub.path);
    sendFrames(worker, { hello: expected.token });
    (await expected.connected).socket.destroy();
    worker.destroy();

    // The token is spent: a second hello with it is dropped too.
    const replay = await dial(hub.path);
    sendFrames(replay, { hello: expected.token });
    await once(replay, 'close');
  });

  it('drops a connection that sends something that is not a frame', async () => {
    const hub = threadSocketHub();
    const socket = await dial(hub.path);
    socket.write(Buffer.from([8, 0, 0, 0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8]));
    await once(socket, 'close');
  });
});
