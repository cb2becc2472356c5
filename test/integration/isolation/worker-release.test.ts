/**
 * A connection worker that is gone leaves nothing behind in the supervisor. comlink's FinalizationRegistry holds each
 * proxy's endpoint strongly until the proxy is collected, so a proxy reachable from its own endpoint is never
 * collected — and with it the dead worker's Worker or ChildProcess, pipes and handlers (supervisor/isolation/
 * crash-safe-endpoint.ts). Found by the soak's live-heap reading: +0.65 MiB per 30 s of faults (docs/reliability.md).
 * The harness's own onStderr handler reaches the handle, as the connection actor's handlers do in the bridge.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ISOLATIONS, startFaultyWorker } from './worker-harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Full collections, with turns of the event loop between them for FinalizationRegistry callbacks. */
async function collect(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a dead connection worker is collected', () => {
  for (const isolation of ISOLATIONS) {
    for (const end of ['stopped', 'killed'] as const) {
      it(`${isolation} worker, ${end}: its handle and api proxy become garbage`, async () => {
        const refs = await (async () => {
          const worker = await startFaultyWorker(isolation);
          await worker.handle.api.poolStats();
          if (end === 'stopped') await worker.handle.stop(2_000);
          else {
            worker.handle.kill();
            await worker.exit;
          }
          // A call after the death is answered by the endpoint itself (WORKER_CRASHED), and must not pin anything either.
          const after = await worker.handle.api.poolStats().then(
            () => 'answered',
            (error: { code?: string }) => error.code,
          );
          return { after, handle: new WeakRef(worker.handle), api: new WeakRef(worker.handle.api) };
        })();
        expect(refs.after).toBe('WORKER_CRASHED');
        await collect();
        // (Compared, not printed: a comlink proxy cannot be formatted into a failure message.)
        expect(refs.api.deref() === undefined, 'the api proxy is still alive').toBe(true);
        expect(refs.handle.deref() === undefined, 'the worker handle is still alive').toBe(true);
      }, 20_000);
    }
  }
});
