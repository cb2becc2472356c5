/**
 * The V8 flags the bridge's own Node processes run with, in one place.
 *
 * A 4 MB semi-space: V8's default lets the young generation grow to 3 × 16 MB, which a bridge streaming batches
 * fills with short-lived strings and then keeps as resident memory. Capped, the supervisor and a process worker
 * each stay 15–25 MB smaller under a long stream, at no measurable cost in rows/s (docs/benchmarks.md, "Memory").
 *
 * Single-threaded GC, for the supervisor only: each isolate collects its own garbage on its own thread. By default
 * V8's helper threads run at normal priority and do the collection work of every isolate in the process, the
 * connection workers' included, which undoes the workers' lower priority; and the main thread's scavenges then wait
 * for helpers that the busy cores preempt (10–23 ms pauses, against under 3 ms single-threaded, under the
 * concurrency benchmark). A process-isolated worker keeps parallel GC: it serves one connection and nothing waits
 * on its pauses but its own stream.
 *
 * A flag of this kind only takes effect when the process starts, so every launcher passes it: `npm start`
 * (package.json), the `dbv-bridge` bin (the shebang of supervisor/main.ts), the test and benchmark helpers that
 * spawn the bridge, and, for process-isolated connection workers, the supervisor itself (worker-entry.ts). Worker
 * threads share their process's flags. test/unit/isolation/node-flags.test.ts keeps package.json and the shebang in
 * step with this list.
 */
export const SUPERVISOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--single-threaded-gc'];

export const WORKER_PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
