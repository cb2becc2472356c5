/**
 * Desktop mode (docs/architecture.md, "Desktop mode"): inside Electron's utilityProcess the main process hands the
 * supervisor one MessagePort per renderer through `process.parentPort`, and each becomes a client of its own. A
 * renderer that reloads gets a new port; its old one closes, which ends the old client and its sessions.
 *
 * Messages on the parent port itself (docs/api.md, "MessagePort"):
 *   main → supervisor  `{ type: 'client-port' }` with exactly one port transferred; `{ type: 'shutdown' }`
 *   supervisor → main  `{ type: 'ready', pid, version }` once the bridge serves
 */
import { createMessagePortTransport, type PortLike } from './message-port-transport.js';
import type { ClientAcceptor } from './transport.js';

/** Electron's `process.parentPort` (a ParentPort), as far as the supervisor uses it. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export interface ParentPortClients {
  /** From now on every port (those that already arrived first) becomes a client through `accept`. */
  serve(accept: ClientAcceptor): void;
  /** Tells the main process the bridge is serving. */
  announceReady(info: { pid: number; version: string }): void;
}

export interface ParentPortHandlers {
  /** The main process asked for a graceful shutdown (Windows has no SIGTERM for it to send). */
  onShutdown(): void;
  /** A message that is none of the above: logged, never fatal. */
  onUnexpected(description: string): void;
}

/** The parent port of this process when it runs as an Electron utilityProcess, else undefined. */
export function processParentPort(): ParentPortLike | undefined {
  return (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
}

/**
 * Starts listening at once, before the bridge is up, so a port the main process sends right after the fork is never
 * missed: ports that arrive early wait until serve().
 */
export function listenForClientPorts(parent: ParentPortLike, handlers: ParentPortHandlers): ParentPortClients {
  const early: PortLike[] = [];
  let accept: ClientAcceptor | null = null;

  parent.on('message', (event) => {
    const type = typeof event.data === 'object' && event.data !== null ? (event.data as { type?: unknown }).type : undefined;
    if (type === 'shutdown') {
      handlers.onShutdown();
      return;
    }
    if (type !== 'client-port' || event.ports.length !== 1) {
      handlers.onUnexpected(`type ${String(type)} with ${event.ports.length} port(s)`);
      for (const port of event.ports) port.close();
      return;
    }
    const port = event.ports[0]!;
    if (accept) accept(createMessagePortTransport(port));
    else early.push(port);
  });

  return {
    serve(next) {
      accept = next;
      for (const port of early.splice(0)) next(createMessagePortTransport(port));
    },
    announceReady(info) {
      parent.postMessage({ type: 'ready', ...info });
    },
  };
}
