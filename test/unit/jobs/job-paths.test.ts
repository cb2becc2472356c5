/** User-given output paths (docs/api.md "Paths") and the tools' arguments, which never carry a password. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPath } from '../../../supervisor/jobs/job-paths.js';
import { mysqlConnArgs, mysqlEnv, pgConnArgs, pgEnv } from '../../../workers/backup/tool-args.js';
import { toolEnv } from '../../../workers/backup/tool-process.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'dbv-paths-')));
const allowed = join(root, 'allowed');
const outside = join(root, 'outside');
mkdirSync(allowed);
mkdirSync(outside);
symlinkSync(outside, join(allowed, 'link-out'));
symlinkSync(join(allowed, 'real.dump'), join(allowed, 'file-link'));
writeFileSync(join(allowed, 'real.dump'), 'x');
mkdirSync(join(allowed, 'sub'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

const refused = (path: string, overwrite = false) => {
  try {
    checkOutputPath(path, [allowed], overwrite);
  } catch (error) {
    return (error as { code: string; details: { reason: string } }).code + ': ' + (error as { details: { reason: string } }).details.reason;
  }
  return 'accepted';
};

describe('checkOutputPath', () => {
  it('accepts a new file inside an allowed folder (or a subfolder), and an existing one only with overwrite', () => {
    expect(checkOutputPath(join(allowed, 'new.dump'), [allowed], false)).toBe(join(allowed, 'new.dump'));
    expect(checkOutputPath(join(allowed, 'sub', 'new.dump'), [allowed], false)).toBe(join(allowed, 'sub', 'new.dump'));
    expect(refused(join(allowed, 'real.dump'))).toMatch(/^INVALID_PATH: the file exists/);
    expect(checkOutputPath(join(allowed, 'real.dump'), [allowed], true)).toBe(join(allowed, 'real.dump'));
  });

  it('refuses relative, traversing, outside, symlink-escaping, symlink and device paths', () => {
    expect(refused('relative/x.dump')).toMatch(/absolute/);
    expect(refused(`${allowed}/sub/../../outside/x.dump`)).toMatch(/"\.\."/);
    expect(refused(join(outside, 'x.dump'))).toMatch(/outside/);
    expect(refused(join(allowed, 'link-out', 'x.dump'))).toMatch(/outside/);
    expect(refused(join(allowed, 'file-link'), true)).toMatch(/symbolic link/);
    expect(refused('/dev/null', true)).toMatch(/outside/);
    // Not a regular file (a folder here; a device node is refused by the same rule).
    expect(refused(join(allowed, 'sub'), true)).toMatch(/not a regular file/);
    expect(refused(`${join(allowed, 'x.dump')}\0`)).toMatch(/NUL/);
  });
});

describe('tool arguments', () => {
  const conn = { engine: 'postgres' as const, host: 'db.internal', port: 5433, user: 'app', password: 's3cret-pw', database: 'shop' };

  it('put the password in the environment only', () => {
    expect(pgConnArgs(conn).join(' ')).not.toContain('s3cret-pw');
    expect(mysqlConnArgs({ ...conn, engine: 'mysql' }).join(' ')).not.toContain('s3cret-pw');
    expect(pgEnv(conn)).toEqual({ PGPASSWORD: 's3cret-pw' });
    expect(mysqlEnv(conn)).toEqual({ MYSQL_PWD: 's3cret-pw' });
    expect(pgConnArgs(conn)).toEqual(['--no-password', '-h', 'db.internal', '-p', '5433', '-U', 'app']);
  });

  it("give a tool a short allow-list of the environment, not the supervisor's", () => {
    process.env.DBV_SOMETHING_SECRET = 'nope';
    const env = toolEnv({ PGPASSWORD: 'pw' });
    delete process.env.DBV_SOMETHING_SECRET;
    expect(Object.keys(env).every((k) => ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'PGPASSWORD'].includes(k))).toBe(true);
    expect(env.PGPASSWORD).toBe('pw');
  });
});
