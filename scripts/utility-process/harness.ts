/**
 * Stands in for Electron's utilityProcess, so the desktop path runs in plain Node (CI machines cannot download the
 * Electron binary). Run as `node <V8 flags> harness.js <supervisor entry> [supervisor flags…]` with an IPC channel
 * (simulated-utility-process.ts does that); it gives the process what Electron gives a utility process, then imports
 * the supervisor entry unchanged:
 *
 * - `process.parentPort`: an EventEmitter whose 'message' events are `{ data, ports }`, queued until the first
 *   listener as Electron's are, and whose postMessage() reaches the parent;
 * - a real MessageChannel per renderer. One end reaches the supervisor inside such an event, shaped like Electron's
 *   MessagePortMain (events `{ data, ports }`, queued until start(), 'close' when the other end goes), exactly as
 *   `child.postMessage(message, [port])` in the main process delivers it. The other end, the renderer's, is relayed
 *   to the parent over the IPC channel: a MessagePort cannot cross a process boundary in Node. In Electron it lives
 *   in the renderer process, so this relay's work (one receive and one IPC write per message) runs here on the
 *   supervisor's own thread, where Electron would not put it.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { HarnessToParent, ParentToHarness } from './harness-messages.js';

/** Electron's MessagePortMain over one end of a Node MessageChannel. */
class MainShapedPort extends EventEmitter {
  #started = false;

  constructor(private readonly port: MessagePort) {
    super();
    port.on('close', () => this.emit('close'));
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    // Node's port starts delivering (and emptying its queue) when the first 'message' listener is added.
    this.port.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
  }

  postMessage(message: unknown): void {
    this.port.postMessage(message);
  }

  close(): void {
    this.port.close();
  }
}

/** Electron's ParentPort: messages wait until someone listens. */
class SimulatedParentPort extends EventEmitter {
  readonly #queued: Array<{ data: unknown; ports: MainShapedPort[] }> = [];

  constructor() {
    super();
    this.on('newListener', (event: string) => {
      if (event !== 'message') return;
      // After the listener is added: deliver what waited.
      queueMicrotask(() => {
        for (const message of this.#queued.splice(0)) this.emit('message', message);
      });
    });
  }

  deliver(message: { data: unknown; ports: MainShapedPort[] }): void {
    if (this.listenerCount('message') === 0) this.#queued.push(message);
    else this.emit('message', message);
  }

  postMessage(message: unknown): void {
    send({ kind: 'from-parent-port', data: message });
  }
}

function send(message: HarnessToParent): void {
  process.send?.(message);
}

const [entry, ...supervisorArgs] = process.argv.slice(2);
if (!entry || !process.send) {
  process.stderr.write('usage: node harness.js <supervisor entry> [flags…], forked with an IPC channel\n');
  process.exit(2);
}

const parentPort = new SimulatedParentPort();
Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: false });
const rendererEnds = new Map<number, MessagePort>();

process.on('message', (message: ParentToHarness) => {
  switch (message.kind) {
    case 'open-port': {
      const { port1, port2 } = new MessageChannel();
      rendererEnds.set(message.id, port2);
      port2.on('message', (data: unknown) => send({ kind: 'from-port', id: message.id, data }));
      port2.on('close', () => {
        rendererEnds.delete(message.id);
        send({ kind: 'port-closed', id: message.id });
      });
      parentPort.deliver({ data: { type: 'client-port' }, ports: [new MainShapedPort(port1)] });
      break;
    }
    case 'to-port':
      rendererEnds.get(message.id)?.postMessage(message.data);
      break;
    case 'close-port':
      rendererEnds.get(message.id)?.close();
      break;
    case 'to-parent-port':
      parentPort.deliver({ data: message.data, ports: [] });
      break;
  }
});
// Electron takes its utility processes down with the main process; a parent that is gone must not leave an orphan.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

process.argv = [process.argv[0]!, entry, ...supervisorArgs];
await import(pathToFileURL(entry).href);
