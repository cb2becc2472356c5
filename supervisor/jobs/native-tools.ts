/**
 * The native tools backups use, found once at start: on the configured tool folders first, then on PATH. Each found
 * tool's absolute path and `--version` are logged; a tool that was not there at start is never used (the
 * driver-level export serves instead), so a tool dropped into PATH later cannot change what runs.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger.js';
import type { ResolvedTool } from '../../workers/channel/backup-task-types.js';

const run = promisify(execFile);

/** Each job's choices, best first. */
export const TOOL_CANDIDATES = {
  pgDump: ['pg_dump'],
  pgRestore: ['pg_restore'],
  psql: ['psql'],
  mysqlDump: ['mariadb-dump', 'mysqldump'],
  mysql: ['mariadb', 'mysql'],
} as const;
export type ToolRole = keyof typeof TOOL_CANDIDATES;

export type ToolSet = Partial<Record<ToolRole, ResolvedTool>>;

function findExecutable(name: string, folders: string[]): string | undefined {
  for (const folder of folders) {
    if (!folder || !isAbsolute(folder)) continue;
    const candidate = join(folder, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function resolveTools(opts: { toolPaths: string[]; pathEnv?: string; log: Logger }): Promise<ToolSet> {
  const folders = [...opts.toolPaths, ...(opts.pathEnv ?? process.env.PATH ?? '').split(delimiter)];
  const tools: ToolSet = {};
  await Promise.all(
    (Object.keys(TOOL_CANDIDATES) as ToolRole[]).map(async (role) => {
      for (const name of TOOL_CANDIDATES[role]) {
        const path = findExecutable(name, folders);
        if (!path) continue;
        try {
          const { stdout } = await run(path, ['--version'], { timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
          tools[role] = { path, version: stdout.trim().split('\n')[0]!.slice(0, 200) };
          return;
        } catch (error) {
          opts.log.warn({ tool: path, err: (error as Error).message }, 'backup tool found but --version failed; not used');
        }
      }
    }),
  );
  opts.log.info({ tools: Object.fromEntries(Object.entries(tools).map(([role, t]) => [role, `${t.path} (${t.version})`])) }, 'backup tools resolved');
  return tools;
}
