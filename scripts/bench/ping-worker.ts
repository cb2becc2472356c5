/**
 * A second WebSocket client on its own thread: sends `health.ping` every `intervalMs` and records each round trip.
 * It runs on a thread of its own so that its timings measure the bridge, not the benchmark's main thread, which is
 * busy parsing the result batches of the load. Stops and posts its round-trip times when told 'stop'.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { RpcClient } from './rpc-client.js';

interface PingWorkerData {
  url: string;
  token: string;
  intervalMs: number;
  /** A nice value for this thread only (Linux: setpriority on the calling thread); needs privilege to go below 0. */
  nice?: number;
}

const { url, token, intervalMs, nice } = workerData as PingWorkerData;
// Diagnostic (--ping-nice): keeps the pinging thread from being starved by the benchmark's own load.
if (nice !== undefined) setPriority(nice);
const client = await RpcClient.connect(url, token);
const roundTrips: number[] = [];
/** How late each tick fired: a control for CPU starvation of this process, as opposed to a slow bridge. */
const tickLateness: number[] = [];
let failures = 0;
let lastTick = performance.now();
const timer = setInterval(() => {
  const sent = performance.now();
  tickLateness.push(Math.max(0, sent - lastTick - intervalMs));
  lastTick = sent;
  client.call('health.ping').then(
    () => roundTrips.push(performance.now() - sent),
    () => failures++,
  );
}, intervalMs);
parentPort!.postMessage('started');
parentPort!.once('message', () => {
  clearInterval(timer);
  // Answers still in flight are let in for a moment; a ping that never returns is counted as lost.
  setTimeout(() => {
    parentPort!.postMessage({ roundTrips, tickLateness, failures });
    client.close();
  }, 200);
});
