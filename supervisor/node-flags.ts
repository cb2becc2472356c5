/**
 * The V8 flags the bridge's own Node processes run with, in one place.
 *
 * A 4 MB semi-space: V8's default lets the young generation grow to 3 × 16 MB, which a bridge streaming batches
 * fills with short-lived strings and then keeps as resident memory. Capped, the supervisor and a process worker
 * each stay 15–25 MB smaller under a long stream, at no measurable cost in rows/s (docs/benchmarks.md, "Memory").
 *
 * A flag of this kind only takes effect when the process starts, so every launcher passes it: `npm start`
 * (package.json), the `dbv-bridge` bin (the shebang of supervisor/main.ts), the test and benchmark helpers that
 * spawn the bridge, and, for process-isolated connection workers, the supervisor itself (worker-entry.ts). Worker
 * threads share their process's flags. test/unit/isolation/node-flags.test.ts keeps package.json and the shebang in
 * step with this list.
 */
export const SUPERVISOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

export const WORKER_PROCESS_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
