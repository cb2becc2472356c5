/**
 * What the simulated utility process (harness.ts) and its parent (simulated-utility-process.ts) say over the IPC
 * channel between them. `id` names one renderer's port.
 */
export type ParentToHarness =
  /** The main process hands the utility process a new port pair's end (a renderer (re)connects). */
  | { kind: 'open-port'; id: number }
  /** The renderer posts on its end. */
  | { kind: 'to-port'; id: number; data: unknown }
  /** The renderer goes away (reload, window closed). */
  | { kind: 'close-port'; id: number }
  /** The main process posts on the utility process's parentPort (e.g. `{ type: 'shutdown' }`). */
  | { kind: 'to-parent-port'; data: unknown };

export type HarnessToParent =
  | { kind: 'from-port'; id: number; data: unknown }
  | { kind: 'port-closed'; id: number }
  | { kind: 'from-parent-port'; data: unknown };
