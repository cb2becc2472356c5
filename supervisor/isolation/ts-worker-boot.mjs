// Source mode only (see worker-entry.ts): a worker thread on Node 20 ignores `--import tsx` in execArgv, so this
// plain-JS bootstrap registers tsx inside the thread and then loads the TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
