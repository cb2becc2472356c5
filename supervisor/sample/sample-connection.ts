/**
 * First start: with no saved connections, the bridge creates `sample.db` in the data dir and a connection to it,
 * so a new user has something real to explore. Done once (a setting remembers it): a user who deletes the sample
 * does not get it back on every start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { getSetting, setSetting, type Db } from '../store/app-store.js';
import type { ConnectionsRepo } from '../store/connections-repo.js';
import { createSampleDatabase, SAMPLE_CONNECTION_NAME } from './sample-db.js';

const OFFERED = 'sample.offered';

export function ensureSampleConnection({ db, repo, dataDir, log }: { db: Db; repo: ConnectionsRepo; dataDir: string; log: Logger }): void {
  if (getSetting(db, OFFERED) === '1' || repo.list().length > 0) return;
  const path = join(dataDir, 'sample.db');
  if (!existsSync(path)) {
    const { rows } = createSampleDatabase(path);
    log.info({ path, rows }, 'sample database created');
  }
  repo.transaction(() => {
    repo.insert({ name: SAMPLE_CONNECTION_NAME, type: 'sqlite', database: path }, false);
    setSetting(db, OFFERED, '1');
  });
}
