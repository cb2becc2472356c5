import { wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../protocol/index.js';
import { CrashSafeEndpoint } from '../../../supervisor/isolation/crash-safe-endpoint.js';
import { registerErrorTransfer } from '../../../workers/channel/error-transfer.js';

registerErrorTransfer();

interface Api {
  slow(): Promise<string>;
}

describe('CrashSafeEndpoint', () => {
  it('rejects calls in flight with the failure once the worker is gone, and every later call too', async () => {
    const posted: unknown[] = [];
    const endpoint = new CrashSafeEndpoint((message) => posted.push(message));
    const api = wrap<Api>(endpoint);
    const pending = [api.slow(), api.slow()];
    await Promise.resolve();
    expect(endpoint.pendingCalls).toBe(2);

    endpoint.fail(new BridgeError('WORKER_CRASHED', 'gone', { signal: 'SIGKILL' }));
    for (const call of pending) {
      await expect(call).rejects.toMatchObject({ name: 'BridgeError', code: 'WORKER_CRASHED', details: { signal: 'SIGKILL' } });
    }
    const later = api.slow();
    await expect(later).rejects.toBeInstanceOf(BridgeError);
    expect(posted).toHaveLength(2);
  });

  it('forgets a call once its answer arrived', async () => {
    const posted: Array<{ id: string }> = [];
    const endpoint = new CrashSafeEndpoint((message) => posted.push(message as { id: string }));
    const api = wrap<Api>(endpoint);
    const call = api.slow();
    await Promise.resolve();
    endpoint.deliver({ id: posted[0].id, type: 'RAW', value: 'done' });
    await expect(call).resolves.toBe('done');
    expect(endpoint.pendingCalls).toBe(0);
  });
});
