/**
 * The 2-minute soak of CI (issue 15, docs/reliability.md "Soak"): the built harness, dist/scripts/soak/index.js,
 * against the built supervisor and the real PostgreSQL and MariaDB, with a fixed seed. It must run to its end with
 * no invariant violated. `npm test` builds first, so dist/ is current.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { FAULT_KINDS } from '../../scripts/soak/faults.js';
import type { SummaryData } from '../../scripts/soak/soak-report.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOAK = join(REPO_ROOT, 'dist/scripts/soak/index.js');
/** Fixed, so a CI failure replays locally with `npm run soak -- --minutes 2 --seed 1515 --stream-rows 200000 --phase-seconds 20`. */
const SEED = 1515;

const pg = await testDatabase('postgres');
const my = await testDatabase('mysql');

describe.skipIf(pg.skip || my.skip)('soak (2 minutes, seed 1515)', () => {
  it(
    'runs every kind of action and fault with no invariant violated',
    async () => {
      expect(existsSync(SOAK), `${SOAK} is built by npm run build`).toBe(true);
      const dir = mkdtempSync(join(tmpdir(), 'dbv-soak-test-'));
      const summaryPath = join(dir, 'summary.json');
      try {
        const child = spawn(process.execPath, [SOAK, '--minutes', '2', '--seed', String(SEED), '--stream-rows', '200000', '--phase-seconds', '20', '--summary-json', summaryPath], {
          cwd: REPO_ROOT,
          env: { ...process.env, TEST_PG_URL: pg.url!, TEST_MYSQL_URL: my.url! },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(existsSync(summaryPath), output).toBe(true);
        const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as SummaryData;
        expect(summary.violations, output).toEqual([]);
        expect(code, output).toBe(0);
        expect(summary.seed).toBe(SEED);
        expect(summary.exitCode).toBe(0);
        // Two minutes are enough for every action and the faults to come up at least once.
        expect(Object.keys(summary.actions).sort(), output).toEqual(
          ['backup and restore', 'cancel', 'error', 'export', 'fault', 'large stream', 'metadata', 'multi-statement', 'page mode', 'secrets', 'session churn', 'small query'].sort(),
        );
        expect(Object.keys(summary.faults).sort(), output).toEqual(FAULT_KINDS.map((kind) => kind.name).sort());
        // Phases of 20 s: the baseline (after the opening) and at least one quiet point compared with it.
        expect(summary.phases, output).toBeGreaterThanOrEqual(2);
        expect(summary.runs).toBeGreaterThan(100);
        expect(summary.sessions.end).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
