/**
 * A socket-shaped Duplex over one SSH `direct-tcpip` channel, for drivers that take a ready-made stream (pg's and
 * mysql2's `stream` option). The channel is opened asynchronously (the tunnel may first have to connect); bytes the
 * driver writes meanwhile wait for it, in order. The few net.Socket methods the drivers call (connect, setNoDelay,
 * setKeepAlive, ref, unref) are accepted: the channel is already "connected", and keep-alive is the tunnel's.
 *
 * When the channel closes under the driver (the tunnel died), the socket closes too, which both drivers report as
 * a lost connection (DB_CONN_LOST).
 */
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

export type ChannelOpener = () => Promise<ClientChannel>;

export class TunnelSocket extends Duplex {
  readonly #open: ChannelOpener;
  #opening: Promise<ClientChannel> | null = null;
  #channel: ClientChannel | null = null;

  /** `eager`: open the channel now (mysql2 never calls connect()); otherwise on connect() (pg does). */
  constructor(open: ChannelOpener, eager: boolean) {
    super({ allowHalfOpen: false });
    this.#open = open;
    if (eager) this.#start();
  }

  connect(): this {
    this.#start();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _read(): void {
    this.#channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#channel) {
      this.#channel.write(chunk, callback);
      return;
    }
    this.#start().then((channel) => channel.write(chunk, callback), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#opening) return callback();
    this.#opening.then(
      (channel) => {
        channel.end();
        callback();
      },
      () => callback(),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#channel?.close();
    callback(error);
  }

  #start(): Promise<ClientChannel> {
    if (this.#opening) return this.#opening;
    this.#opening = this.#open();
    this.#opening.then(
      (channel) => this.#attach(channel),
      (error: Error) => this.destroy(error),
    );
    return this.#opening;
  }

  #attach(channel: ClientChannel): void {
    if (this.destroyed) {
      channel.close();
      return;
    }
    this.#channel = channel;
    channel.on('data', (data: Buffer) => {
      if (!this.push(data)) channel.pause();
    });
    channel.on('end', () => this.push(null));
    channel.on('error', (error: Error) => this.destroy(error));
    channel.on('close', () => this.destroy());
    this.emit('connect');
    this.emit('ready');
  }
}
