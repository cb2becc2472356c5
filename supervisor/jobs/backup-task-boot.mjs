// Source mode only (see backup-pool.ts): a piscina thread on Node 20 ignores `--import tsx`, so this plain-JS
// bootstrap registers tsx inside the thread and re-exports the TypeScript task entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const task = await import(workerData.entry);
export default task.default;
