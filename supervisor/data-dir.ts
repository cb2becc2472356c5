/** The platform's app-data folder for the bridge (docs/api.md, "Starting the bridge": e.g. `$XDG_DATA_HOME/dbv`). */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'dbv');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'dbv');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'dbv');
}
