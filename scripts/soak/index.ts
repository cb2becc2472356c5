/**
 * `npm run soak -- --minutes N [--seed S] [--clients C] [--phase-seconds P] [--stream-rows R] [--summary-json FILE]`
 *
 * Drives the standalone supervisor with random load from many clients for N minutes and checks the bridge's
 * invariants throughout (scripts/soak/quiet-point.ts, run-ledger.ts, run-checked.ts); exits 0 only when none was
 * violated. The seed fixes each client's sequence of actions and their parameters (replay a failure with its seed);
 * timing — how the clients' actions interleave, where in a stream a cancel or a kill lands — is not deterministic.
 * docs/reliability.md ("Soak") records a 30-minute run.
 */
import { parseArgs } from 'node:util';
import { freshSeed } from './random.js';
import type { SoakOptions } from './soak-context.js';
import { runSoak } from './soak-runner.js';

function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      minutes: { type: 'string', default: '2' },
      seed: { type: 'string' },
      clients: { type: 'string', default: '4' },
      'phase-seconds': { type: 'string', default: '30' },
      'stream-rows': { type: 'string', default: '1000000' },
      'summary-json': { type: 'string' },
    },
  });
  const number = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} takes a number >= ${min}, got ${text}`);
    return value;
  };
  return {
    minutes: number('minutes', values.minutes, 0.5),
    seed: values.seed === undefined ? freshSeed() : Math.trunc(number('seed', values.seed, 0)),
    clients: Math.trunc(number('clients', values.clients, 1)),
    phaseSeconds: number('phase-seconds', values['phase-seconds'], 5),
    streamRows: Math.trunc(number('stream-rows', values['stream-rows'], 1000)),
    ...(values['summary-json'] ? { summaryJson: values['summary-json'] } : {}),
  };
}

async function main(): Promise<void> {
  let options: SoakOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const tty = process.stdout.isTTY;
  let lastTransient = 0;
  const log = (line: string, transient = false): void => {
    if (transient) {
      // One line, rewritten, on a terminal; a line every 15 s in a log (CI).
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastTransient >= 15_000) {
        lastTransient = Date.now();
        process.stdout.write(`${line}\n`);
      }
      return;
    }
    process.stdout.write(`${tty ? '\r\x1b[2K' : ''}${line}\n`);
  };
  log(`soak: seed ${options.seed}, ${options.minutes} min, ${options.clients} WebSocket clients + 1 stdio, phases of ${options.phaseSeconds} s, streams of ${options.streamRows} rows`);
  log(`soak: replay with: npm run soak -- --minutes ${options.minutes} --seed ${options.seed} --clients ${options.clients} --stream-rows ${options.streamRows}`);
  const summary = await runSoak(options, log);
  if (summary.violations.length > 0) {
    log(`\nsoak: ${summary.violations.length} invariant violation(s) (seed ${options.seed}):`);
    for (const v of summary.violations.slice(0, 100)) log(`  [${v.atSec} s] ${v.invariant}: ${v.detail}`);
    if (summary.violations.length > 100) log(`  … and ${summary.violations.length - 100} more`);
    process.exit(1);
  }
  log(`soak: no invariant violated (seed ${options.seed})`);
  process.exit(0);
}

void main();
