/**
 * End-to-end flow control for one run (docs/architecture.md, "A query, from RPC to driver and back"). The worker may send `window` batches ahead; each
 * batch handed to the client's transport earns the worker one more credit, but only while that transport is below
 * its high-water mark. A client that stops reading therefore stops its own runs' workers from reading the database,
 * and nothing piles up in the supervisor.
 */
import { HIGH_WATER_MARK } from '../transports/transport.js';

export const DEFAULT_CREDIT_WINDOW = 4;

export interface CreditTarget {
  bufferedBytes(): number;
  onDrain(listener: () => void): () => void;
}

export class CreditGate {
  #owed = 0;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly target: CreditTarget,
    private readonly grant: (batches: number) => void,
    private readonly highWaterMark = HIGH_WATER_MARK,
  ) {
    this.#unsubscribe = target.onDrain(() => this.#release());
  }

  /** Call after each batch was handed to the transport. */
  delivered(): void {
    if (this.#closed) return;
    if (this.target.bufferedBytes() < this.highWaterMark) this.grant(1);
    else this.#owed++;
  }

  /** Credits withheld while the client was slow. */
  get owed(): number {
    return this.#owed;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
  }

  #release(): void {
    if (this.#closed || this.#owed === 0) return;
    const owed = this.#owed;
    this.#owed = 0;
    this.grant(owed);
  }
}
