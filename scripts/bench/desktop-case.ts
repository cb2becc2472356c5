/**
 * The desktop path's throughput: N rows over the MessagePort a renderer gets in the Electron app, next to the same
 * query over the WebSocket and through the raw driver, the three alternating within each repetition.
 *
 * The desktop side is the built supervisor under scripts/utility-process/harness.ts (a simulated utilityProcess: no
 * Electron binary here), started as the shell starts it (`--parent-port --no-listen`), with its own data dir. Its
 * renderer end is relayed to this process over an IPC pipe, and that relay runs on the supervisor's own thread, so
 * the figure is if anything pessimistic for the real app, where the renderer's end lives in another process.
 * Like a renderer, the client JSON.parses every message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkSimulatedUtilityProcess } from '../utility-process/simulated-utility-process.js';
import type { BenchContext, BenchOptions, ResultRow } from './bench-context.js';
import { REPO_ROOT } from './bridge-process.js';
import type { BenchTarget } from './datasets.js';
import { summarize } from './measure.js';
import { openRawClient } from './raw-drivers.js';
import { RpcClient } from './rpc-client.js';
import { fmtRate } from './throughput-case.js';

const TARGET_RATIO = 0.7;
const FROM_SOURCE = import.meta.url.endsWith('.ts');

export async function runDesktopCase(ctx: BenchContext, target: BenchTarget, opts: BenchOptions, log: (line: string) => void): Promise<ResultRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dbv-bench-desktop-'));
  const utility = forkSimulatedUtilityProcess({
    entry: join(REPO_ROOT, FROM_SOURCE ? 'supervisor/main.ts' : 'dist/supervisor/main.js'),
    args: ['--parent-port', '--no-listen', '--data-dir', dataDir, '--no-sample', '--log-level', 'warn'],
    cwd: REPO_ROOT,
    ...(FROM_SOURCE ? { harness: join(REPO_ROOT, 'scripts/utility-process/harness.ts'), nodeFlags: ['--import', 'tsx'] } : {}),
  });
  const raw = await openRawClient(target);
  let port: RpcClient | undefined;
  try {
    await utility.ready;
    port = RpcClient.overPort(utility.openPort());
    const connection = await port.call<{ id: string }>('connection.create', { config: target.config });
    const { sessionId: portSession } = await port.call<{ sessionId: string }>('query.createSession', { connectionId: connection.id });
    const { sessionId: socketSession } = await ctx.sessionFor(target);
    const sql = target.query(opts.rows);
    const runOpts = { batchSize: opts.batchSize, rowFormat: opts.rowFormat };

    const warm = target.query(Math.min(opts.rows, 50_000));
    await raw.stream(warm, opts.batchSize);
    await ctx.client.runQuery(socketSession, warm, runOpts);
    await port.runQuery(portSession, warm, runOpts);

    const rates = { raw: [] as number[], socket: [] as number[], port: [] as number[] };
    for (let rep = 0; rep < opts.reps; rep++) {
      const r = await raw.stream(sql, opts.batchSize);
      const s = await ctx.client.runQuery(socketSession, sql, runOpts);
      const p = await port.runQuery(portSession, sql, runOpts);
      for (const [side, rows] of [['raw', r.rows], ['WebSocket', s.rows], ['MessagePort', p.rows]] as const) {
        if (rows !== opts.rows) throw new Error(`${side} ${target.kind} returned ${rows} rows, expected ${opts.rows}`);
      }
      rates.raw.push(r.rows / (r.totalMs / 1000));
      rates.socket.push(s.rows / (s.totalMs / 1000));
      rates.port.push(p.rows / (p.totalMs / 1000));
      log(`  ${target.kind} rep ${rep + 1}: raw ${fmtRate(rates.raw[rep]!)}, WebSocket ${fmtRate(rates.socket[rep]!)}, MessagePort ${fmtRate(rates.port[rep]!)} rows/s`);
    }
    const rawRate = summarize(rates.raw);
    const socket = summarize(rates.socket);
    const desktop = summarize(rates.port);
    const ratio = desktop.median / rawRate.median;
    return {
      case: `desktop throughput ${opts.rows.toLocaleString('en-US')} rows (MessagePort)`,
      db: target.kind,
      bridge: `${fmtRate(desktop.median)} rows/s`,
      raw: `${fmtRate(rawRate.median)} rows/s`,
      ratio: ratio.toFixed(2),
      target: `≥ ${TARGET_RATIO}`,
      met: ratio >= TARGET_RATIO,
      spread:
        `WebSocket ${fmtRate(socket.median)} (${(socket.median / rawRate.median).toFixed(2)} of raw); ` +
        `port ${fmtRate(desktop.min)}–${fmtRate(desktop.max)}, socket ${fmtRate(socket.min)}–${fmtRate(socket.max)}, raw ${fmtRate(rawRate.min)}–${fmtRate(rawRate.max)}`,
    };
  } finally {
    port?.close();
    await raw.close();
    await utility.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
