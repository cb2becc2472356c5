/**
 * The supervisor's command line: defaults, refusals with a clear message, --help / --version, and a usage text that
 * names every option the parser accepts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_OPTIONS, CLI_USAGE, DEFAULT_PORT, cliInfoRequest, parseCliOptions } from '../../supervisor/cli-options.js';
import { REPO_ROOT } from '../helpers/bridge-process.js';

const run = promisify(execFile);

describe('parseCliOptions', () => {
  it('defaults: loopback, port 7420, UI and sample on, a random token when none is given', () => {
    const options = parseCliOptions([], { HOME: '/home/someone' });
    expect(options).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, stdio: false, logLevel: 'info', ui: true, sample: true });
    expect(options.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseCliOptions([], {}).token).not.toBe(options.token);
  });

  it('takes the token from DBV_TOKEN, and --token over it', () => {
    expect(parseCliOptions([], { DBV_TOKEN: 'from-env' }).token).toBe('from-env');
    expect(parseCliOptions(['--token', 'from-argv'], { DBV_TOKEN: 'from-env' }).token).toBe('from-argv');
  });

  it('takes a token that starts with "-" in every spelling (one random base64url token in 64 does)', () => {
    expect(parseCliOptions(['--token=-abc'], {}).token).toBe('-abc');
    expect(parseCliOptions([], { DBV_TOKEN: '-abc' }).token).toBe('-abc');
    expect(parseCliOptions(['--token', '-abc'], {}).token).toBe('-abc');
    expect(parseCliOptions(['--token', '--abc', '--stdio'], {})).toMatchObject({ token: '--abc', stdio: true });
    expect(parseCliOptions(['--stdio', '--token', '-abc', '--port', '0'], {})).toMatchObject({ token: '-abc', stdio: true, port: 0 });
    // Real tokens of the bridge's own kind, until several started with '-'.
    let dashed = 0;
    for (let i = 0; dashed < 5 && i < 100_000; i++) {
      const token = randomBytes(32).toString('base64url');
      if (!token.startsWith('-')) continue;
      dashed++;
      expect(parseCliOptions(['--token', token, '--no-ui'], {})).toMatchObject({ token, ui: false });
    }
    expect(dashed).toBe(5);
  });

  it('takes other values that start with "-" too, but not one of its own options as a value', () => {
    expect(parseCliOptions(['--data-dir', '-odd-dir'], {}).dataDir).toBe('-odd-dir');
    expect(() => parseCliOptions(['--token', '--stdio'], {})).toThrow(/--token/);
    expect(() => parseCliOptions(['--token'], {})).toThrow(/--token/);
  });

  it('does not read a value as --help or --version', () => {
    expect(cliInfoRequest(['--token', '-abc'])).toBeUndefined();
    expect(cliInfoRequest(['--token', '-abc', '--help'])).toBe('help');
  });

  it('reads every option', () => {
    const options = parseCliOptions(
      [
        '--host', '0.0.0.0', '--port', '0', '--data-dir', '/tmp/dbv', '--stdio', '--log-level', 'debug',
        '--allow-origin', 'http://localhost:5173', '--allow-origin', 'https://app.example:8443',
        '--no-ui', '--no-sample', '--enable-fault-injection', '--session-idle-timeout', '2.5',
      ],
      {},
    );
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/tmp/dbv',
      stdio: true,
      logLevel: 'debug',
      allowOrigins: ['http://localhost:5173', 'https://app.example:8443'],
      ui: false,
      sample: false,
      faultInjection: true,
      sessionIdleTimeoutMs: 2_500,
    });
  });

  it('serves debug.dumpState only with --enable-debug or DBV_ENABLE_DEBUG=1', () => {
    expect(parseCliOptions([], {}).debug).toBe(false);
    expect(parseCliOptions(['--enable-debug'], {}).debug).toBe(true);
    expect(parseCliOptions([], { DBV_ENABLE_DEBUG: '1' }).debug).toBe(true);
    expect(parseCliOptions([], { DBV_ENABLE_DEBUG: 'true' }).debug).toBe(false);
    expect(parseCliOptions([], { DBV_ENABLE_DEBUG: '0' }).debug).toBe(false);
  });

  it('desktop mode: --parent-port and --no-listen (listening is the default)', () => {
    expect(parseCliOptions([], {})).toMatchObject({ parentPort: false, listen: true });
    expect(parseCliOptions(['--parent-port', '--no-listen'], {})).toMatchObject({ parentPort: true, listen: false });
    expect(parseCliOptions(['--stdio', '--no-listen'], {})).toMatchObject({ stdio: true, listen: false });
  });

  it.each([
    [['--no-listen'], /--no-listen needs --stdio or --parent-port/],
    [['--port', '70000'], /--port must be 0\.\.65535/],
    [['--port', 'http'], /--port must be 0\.\.65535/],
    [['--log-level', 'trace'], /--log-level must be one of debug, info, warn, error/],
    [['--allow-origin', 'localhost:5173'], /--allow-origin must be an origin/],
    [['--allow-origin', 'http://host/path'], /--allow-origin must be an origin/],
    [['--session-idle-timeout', '0'], /--session-idle-timeout takes seconds > 0/],
    [['--verbose'], /Unknown option '--verbose'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliOptions(argv, {})).toThrow(message);
  });
});

describe('--help and --version', () => {
  it('win over the rest of the line, even over options that would not parse', () => {
    expect(cliInfoRequest(['--port', 'nope', '--help'])).toBe('help');
    expect(cliInfoRequest(['-h'])).toBe('help');
    expect(cliInfoRequest(['--version'])).toBe('version');
    expect(cliInfoRequest(['-V', '--stdio'])).toBe('version');
    expect(cliInfoRequest(['--stdio'])).toBeUndefined();
  });

  it('the usage text names every option the parser accepts', () => {
    for (const name of Object.keys(CLI_OPTIONS)) expect(CLI_USAGE).toContain(`--${name}`);
  });

  it('the supervisor prints the usage and exits 0 without starting', async () => {
    const main = join(REPO_ROOT, 'supervisor/main.ts');
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, '--help'], { cwd: REPO_ROOT, timeout: 20_000 });
    expect(stdout).toBe(CLI_USAGE);
    expect(stderr).toBe('');
    const version = await run(process.execPath, ['--import', 'tsx', main, '--version', '--port', 'nope'], { cwd: REPO_ROOT, timeout: 20_000 });
    expect(version.stdout).toMatch(/^dbv-bridge \d+\.\d+\.\d+\n$/);
  });
});
