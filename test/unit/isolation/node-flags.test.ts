/**
 * The bridge's V8 flags (supervisor/node-flags.ts) only work if every launcher passes them: this keeps the launchers
 * that cannot import the list (package.json's start script, the bin's shebang) in step with it, and checks that the
 * flag does what it is there for.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processLaunch } from '../../../supervisor/isolation/worker-entry.js';
import { SUPERVISOR_NODE_FLAGS, WORKER_PROCESS_NODE_FLAGS } from '../../../supervisor/node-flags.js';

const root = new URL('../../../', import.meta.url);

describe('the V8 flags of the bridge processes', () => {
  it('npm start and the dbv-bridge bin pass the supervisor flags', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: { start: string }; bin: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SUPERVISOR_NODE_FLAGS.join(' ')} dist/supervisor/main.js`);
    expect(pkg.bin['dbv-bridge']).toBe('dist/supervisor/main.js');
    const shebang = readFileSync(new URL('supervisor/main.ts', root), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SUPERVISOR_NODE_FLAGS.join(' ')}`);
  });

  it('a process-isolated connection worker is forked with the worker flags', () => {
    expect(processLaunch().execArgv.slice(0, WORKER_PROCESS_NODE_FLAGS.length)).toEqual([...WORKER_PROCESS_NODE_FLAGS]);
  });

  it('caps the young generation: a semi-space stays at 4 MB under a stream of short-lived strings', () => {
    const script = `
      let keep = [];
      for (let i = 0; i < 1e6; i++) { keep.push('row '.repeat(20) + i); if (keep.length > 5000) keep = []; }
      const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(space.space_size));`;
    const capped = Number(execFileSync(process.execPath, [...SUPERVISOR_NODE_FLAGS, '-e', script], { encoding: 'utf8' }));
    const uncapped = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(capped).toBeLessThanOrEqual(2 * 4 * 1024 * 1024);
    expect(uncapped).toBeGreaterThan(capped);
  });
});
