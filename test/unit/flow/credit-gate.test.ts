/**
 * CreditGate alone: each delivered batch earns the worker one credit while the client's transport is under the
 * high-water mark; above it credit is owed, and all of it is granted in one go when the transport drains.
 */
import { describe, expect, it } from 'vitest';
import { CreditGate } from '../../../supervisor/flow/credit-gate.js';
import { HIGH_WATER_MARK } from '../../../supervisor/transports/transport.js';

function slowableClient() {
  const drainListeners = new Set<() => void>();
  const target = {
    buffered: 0,
    bufferedBytes: () => target.buffered,
    onDrain(listener: () => void) {
      drainListeners.add(listener);
      return () => drainListeners.delete(listener);
    },
    drain: () => drainListeners.forEach((listener) => listener()),
    get listeners() {
      return drainListeners.size;
    },
  };
  return target;
}

function gateOver(target: ReturnType<typeof slowableClient>, highWaterMark?: number) {
  const grants: number[] = [];
  const gate = new CreditGate(target, (batches) => grants.push(batches), highWaterMark);
  return { gate, grants };
}

describe('CreditGate', () => {
  it('grants one credit per delivered batch while the client keeps up', () => {
    const client = slowableClient();
    const { gate, grants } = gateOver(client);
    for (let i = 0; i < 3; i++) gate.delivered();
    expect(grants).toEqual([1, 1, 1]);
    expect(gate.owed).toBe(0);
  });

  it('owes credit from the high-water mark on (the default is the transport’s), and grants none', () => {
    const client = slowableClient();
    const { gate, grants } = gateOver(client);
    client.buffered = HIGH_WATER_MARK - 1;
    gate.delivered();
    client.buffered = HIGH_WATER_MARK;
    gate.delivered();
    gate.delivered();
    expect(grants).toEqual([1]);
    expect(gate.owed).toBe(2);
  });

  it('grants everything owed in one credit message when the transport drains, then counts from zero', () => {
    const client = slowableClient();
    const { gate, grants } = gateOver(client, 100);
    client.buffered = 500;
    for (let i = 0; i < 4; i++) gate.delivered();
    client.buffered = 0;
    client.drain();
    expect(grants).toEqual([4]);
    expect(gate.owed).toBe(0);
    client.drain();
    expect(grants).toEqual([4]);
  });

  it('once closed, grants nothing more (not even what it owed) and stops listening for drains', () => {
    const client = slowableClient();
    const { gate, grants } = gateOver(client, 100);
    expect(client.listeners).toBe(1);
    client.buffered = 500;
    gate.delivered();
    gate.close();
    expect(client.listeners).toBe(0);
    client.buffered = 0;
    client.drain();
    gate.delivered();
    expect(grants).toEqual([]);
  });
});
