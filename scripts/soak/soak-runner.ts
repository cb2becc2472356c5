/**
 * Runs one soak: starts the standalone supervisor (WebSocket and --stdio), saves its connections, then runs phases
 * of random load from many clients, each ending in a quiet point where the bridge must be back at its baseline; at
 * the end stops the bridge with SIGTERM (it must exit 0) and looks for any connection password in its data dir.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge } from '../bench/bridge-process.js';
import { ACTIONS, type SoakAction } from './actions.js';
import { FAULT_KINDS, injectFaultOf } from './faults.js';
import { ClientSlot } from './client-slot.js';
import { mib, quietPoint, type Snapshot } from './quiet-point.js';
import { SeededRandom } from './random.js';
import { SoakClient, type ClientHooks, type TransportKind } from './soak-client.js';
import { CONNECTION_KEYS, engineOf, MAY_CRASH, Soak, type SoakOptions } from './soak-context.js';
import { prepareDatabases } from './soak-databases.js';
import { progressLine, summaryData, summaryTable, writeSummaryJson, type Measures, type SummaryData } from './soak-report.js';
import { checkMemoryTrend } from './memory-invariant.js';
import { openFds, rssBytes } from './process-probe.js';
import { BridgeError, type ConnectionConfig } from '../../protocol/index.js';
import { seriesSql, type Engine } from './expected-data.js';
import { FaultyRowsCheck, runChecked, series } from './run-checked.js';

/** A single action that runs longer than this is itself a violation (a hung bridge, a lost answer). */
const ACTION_DEADLINE_MS = 420_000;

export async function runSoak(options: SoakOptions, log: (line: string, transient?: boolean) => void): Promise<SummaryData> {
  const workDir = mkdtempSync(join(tmpdir(), 'dbv-soak-'));
  const dataDir = join(workDir, 'data');
  const exportsDir = join(workDir, 'exports');
  for (const dir of [dataDir, exportsDir]) mkdirSync(dir);
  const databases = await prepareDatabases(workDir);
  const bridge = await startBridge({
    stdio: true,
    dataDir,
    nodeFlags: ['--expose-gc'],
    args: ['--enable-debug', '--enable-fault-injection', '--backup-dir', exportsDir],
    env: {
      // The file backend (no OS keychain here) is unlocked at start; with a keychain, the soak's own service name.
      DBV_MASTER_PASSWORD: `soak-master-${options.seed}-${process.pid}`,
      DBV_KEYCHAIN_SERVICE: `dbv-soak-${process.pid}`,
    },
  });
  const random = new SeededRandom(options.seed);
  const hooks: ClientHooks = { report: () => undefined, secrets: new Set() };
  const admin = SoakClient.stdio('stdio', bridge.child, hooks);
  const soak = new Soak(options, bridge, databases, admin, exportsDir);
  hooks.report = soak.report;
  hooks.secrets = soak.secrets;

  let peakRss = 0;
  let phaseLabel = 'setup';
  const sample = (): { rss: number; fds: number } => {
    const rss = rssBytes(bridge.pid);
    peakRss = Math.max(peakRss, rss);
    return { rss, fds: openFds(bridge.pid) };
  };
  const measures: Measures = { start: { rss: 0, fds: 0, workers: 0, sessions: 0, serverConnections: 0, heapUsed: 0 }, peakRss: 0 };
  let lastPrinted = 0;
  const ticker = setInterval(() => {
    try {
      const { rss, fds } = sample();
      const line = progressLine(options, soak.stats, phaseLabel, rss, fds);
      if (Date.now() - lastPrinted >= 1000) {
        lastPrinted = Date.now();
        log(line, true);
      }
    } catch {
      // the bridge is gone; the end of the soak reports why
    }
  }, 1000);

  let exitCode: number | null = null;
  /** Every quiet point from the baseline on, for the memory trend (scripts/soak/memory-invariant.ts). */
  const quietPoints: Snapshot[] = [];
  let fdBaseline: Snapshot | undefined;
  try {
    await saveConnections(soak);
    const { rss, fds } = sample();
    measures.start = { rss, fds, workers: 0, sessions: 0, heapUsed: 0, serverConnections: (await databases.activity('postgres')).connections + (await databases.activity('mysql')).connections };

    const slots: ClientSlot[] = [new ClientSlot(soak, random.fork('stdio'), admin)];
    for (let i = 1; i <= options.clients; i++) {
      slots.push(new ClientSlot(soak, random.fork(`ws${i}`), await SoakClient.websocket(`ws${i}`, bridge.url, bridge.token, hooks)));
    }
    const openings = openingsOf(slots, random.fork('opening'));
    // Every connection once, so that the first quiet point's baseline has every worker and pool in it.
    await warmUp(slots[0]!);

    const endAt = soak.stats.startedAt + options.minutes * 60_000;
    for (let phase = 1; Date.now() < endAt - 5000; phase++) {
      const phaseEnd = Math.min(endAt, Date.now() + options.phaseSeconds * 1000);
      phaseLabel = `phase ${phase}`;
      await Promise.all(slots.map((slot, i) => clientLoop(slot, phaseEnd, openings[i]!)));
      phaseLabel = `quiet point ${phase}`;
      for (const slot of slots) await slot.closeSessions();
      const snapshot: Snapshot = await quietPoint(soak, slots.length, measures.baseline, fdBaseline);
      peakRss = Math.max(peakRss, snapshot.rss);
      soak.stats.phases = phase;
      log(`quiet point ${phase}: rss ${mib(snapshot.rss)} (main heap ${mib(snapshot.heapUsed)}), fds ${snapshot.fds}, workers ${snapshot.workers}, server connections ${snapshot.serverConnections}, violations so far ${soak.stats.violations.length}`);
      measures.baseline ??= snapshot;
      // The handles' baseline is the first quiet point with the most live workers (a worker idle at the first one
      // holds its pipes and sockets later): see quiet-point.ts.
      if (!fdBaseline || snapshot.workers > fdBaseline.workers) fdBaseline = snapshot;
      measures.end = snapshot;
      quietPoints.push(snapshot);
    }
    checkMemoryTrend(soak, quietPoints);
    phaseLabel = 'stopping';
    for (const slot of slots.slice(1)) slot.client.disconnect();
  } catch (error) {
    soak.report('the soak runs to its end', `the soak itself failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    clearInterval(ticker);
    measures.peakRss = peakRss;
    exitCode = await stopBridge(bridge.child);
    scanForSecrets(soak, dataDir);
    settleSuspects(soak, dataDir);
    await databases.drop();
    // On a violation the bridge's data dir (its log above all) is kept for the post-mortem.
    if (soak.stats.violations.length === 0) rmSync(workDir, { recursive: true, force: true });
    else log(`soak: kept the bridge's data dir for inspection: ${dataDir}`);
  }
  if (exitCode !== 0) soak.report('the bridge shuts down cleanly', `SIGTERM ended the bridge with exit code ${exitCode}`);
  const clients = `${options.clients} WebSocket (reconnecting after each disconnect) + 1 stdio`;
  const data = summaryData(options, soak.stats, measures, clients, exitCode);
  if (options.summaryJson) writeSummaryJson(options.summaryJson, data);
  log(summaryTable(data));
  return data;
}

const actionsFor = (slot: ClientSlot): SoakAction[] => ACTIONS.filter((action) => !action.transports || action.transports.includes(slot.client.transport));

/**
 * The opening: every action and every fault kind once, dealt round-robin to the clients that can do it, each client's
 * share in an order of its own seed. The clients do their share before drawing at random by weight, so even a short
 * soak (CI's two minutes) on a loaded machine exercises every kind, and the first quiet point — the baseline — comes
 * after all of them.
 */
function openingsOf(slots: readonly ClientSlot[], random: SeededRandom): SoakAction[][] {
  const shares: SoakAction[][] = slots.map(() => []);
  const items: Array<{ action: SoakAction; transports?: readonly TransportKind[] }> = [
    ...ACTIONS.filter((action) => action.name !== 'fault').map((action) => ({ action, ...(action.transports ? { transports: action.transports } : {}) })),
    ...FAULT_KINDS.map((kind) => ({
      action: { name: 'fault', weight: 0, run: (slot: ClientSlot) => injectFaultOf(slot, kind) },
      ...(kind.transports ? { transports: kind.transports } : {}),
    })),
  ];
  let next = 0;
  for (const item of random.shuffle(items)) {
    for (let tries = 0; tries < slots.length; tries++) {
      const index = next++ % slots.length;
      if (!item.transports || item.transports.includes(slots[index]!.client.transport)) {
        shares[index]!.push(item.action);
        break;
      }
    }
  }
  return shares.map((share, i) => slots[i]!.random.shuffle(share));
}

/** Runs a client's actions one after another until the phase ends (the action under way is finished). */
async function clientLoop(slot: ClientSlot, phaseEnd: number, opening: SoakAction[]): Promise<void> {
  const actions = actionsFor(slot);
  // The first phase lasts until the opening is done: the baseline is taken after every kind ran once.
  while (opening.length > 0 || Date.now() < phaseEnd) {
    const action = opening.shift() ?? slot.random.weighted(actions);
    slot.target = undefined;
    slot.soak.stats.count(slot.soak.stats.actions, action.name);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ACTION_DEADLINE_MS)));
    const done = action.run(slot).then(
      () => 'ok' as const,
      (error: unknown) => {
        // A call on a connection whose worker the soak kills may be answered WORKER_CRASHED: expected there only.
        if (error instanceof BridgeError && error.code === 'WORKER_CRASHED' && slot.target !== undefined && MAY_CRASH.has(slot.target)) {
          slot.soak.stats.refusedByCrash++;
          return 'failed' as const;
        }
        const code = error instanceof BridgeError ? `${error.code}: ` : '';
        if (!slot.client.closed) slot.soak.report('actions succeed', `${slot.name} ${action.name}: ${code}${(error as Error).message ?? String(error)}`);
        return 'failed' as const;
      },
    );
    const result = await Promise.race([done, deadline]);
    clearTimeout(timer);
    if (result === 'late') {
      slot.soak.report('actions finish', `${slot.name} ${action.name} did not finish in ${ACTION_DEADLINE_MS / 1000} s`);
      return;
    }
    if (slot.client.closed && slot.client.transport === 'websocket') await slot.reconnect();
  }
}

async function saveConnections(soak: Soak): Promise<void> {
  for (const key of CONNECTION_KEYS) {
    const engine = engineOf(key);
    let config: ConnectionConfig;
    if (engine === 'faulty') {
      config = { name: `soak ${key}`, type: 'faulty' as ConnectionConfig['type'], extra: { isolation: key === 'faulty-thread' ? 'thread' : 'process' } };
    } else {
      const base = soak.databases.config(engine, key.endsWith('restore') ? 'restore' : 'main');
      config = { ...base, name: `soak ${key}`, ...(key.endsWith('-proc') ? { extra: { isolation: 'process' } } : {}) };
    }
    const created = await soak.admin.bridge.call('connection.create', { config });
    soak.connections.set(key, created.id);
  }
}

async function warmUp(slot: ClientSlot): Promise<void> {
  for (const key of CONNECTION_KEYS) {
    const engine = engineOf(key);
    if (key.endsWith('restore')) continue; // empty until the first restore
    await runChecked(slot, {
      key,
      label: 'warm-up',
      sql: engine === 'faulty' ? 'rows 3' : seriesSql(engine as Engine, 3),
      opts: {},
      checks: [engine === 'faulty' ? new FaultyRowsCheck(3) : series(3)],
      statuses: ['success'],
    });
  }
  await slot.closeSessions();
}

async function stopBridge(child: import('node:child_process').ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** No connection password may end up in the bridge's logs, app.db or any other file it wrote (docs/security.md). */
function scanForSecrets(soak: Soak, dataDir: string): void {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  try {
    walk(dataDir);
  } catch {
    return;
  }
  for (const file of files) {
    if (file.endsWith('secrets.enc')) continue; // encrypted: the passwords are in it, and unreadable
    const text = readFileSync(file).toString('latin1');
    for (const secret of soak.allSecrets) {
      if (text.includes(secret)) soak.report('no secret at rest', `a connection password was found in ${file.slice(dataDir.length + 1)}`);
    }
  }
}

/**
 * A run on a connection the soak never kills that ended WORKER_CRASHED is a violation — unless the bridge's log shows
 * the bridge killed that worker itself moments before. Past the cancel grace the bridge first ends only the cancelled
 * session's database connection; it kills the worker (every run on the connection with it) only when that cannot be
 * done or is not answered in time ("driver did not stop in time … killing the worker", supervisor/actors/
 * session.machine.ts). Such a kill is counted and reported (docs/reliability.md, "Found by the soak"), not a
 * violation of the soak's invariants, since the bridge does it on purpose.
 */
function settleSuspects(soak: Soak, dataDir: string): void {
  const kills: Array<{ time: number; connectionId: string }> = [];
  try {
    for (const name of readdirSync(join(dataDir, 'logs'))) {
      for (const line of readFileSync(join(dataDir, 'logs', name), 'utf8').split('\n')) {
        if (!line.includes('driver did not stop in time')) continue;
        const entry = JSON.parse(line) as { time: number; connectionId?: string };
        if (entry.connectionId) kills.push({ time: entry.time, connectionId: entry.connectionId });
      }
    }
  } catch {
    // no log: every suspect stays a violation
  }
  for (const suspect of soak.stats.suspects) {
    const explained = kills.some((kill) => kill.connectionId === suspect.connectionId && kill.time >= suspect.at - 15_000 && kill.time <= suspect.at + 2000);
    if (explained) soak.stats.collateralOfCancelKill++;
    else soak.report(suspect.invariant, suspect.detail);
  }
}
