/**
 * The writing side of `<dataDir>/known_hosts` (the format and the reading side are workers/connectors/ssh/
 * known-hosts.ts): connection.trustHostKey pins a fingerprint for a host and port. Writes are atomic (a partial
 * file renamed over the old one) and serialized, so two pins at once cannot lose one another.
 */
import { join } from 'node:path';
import { KNOWN_HOSTS_FILE_NAME, readTextIfExists, withPinnedKey } from '../../workers/channel/known-hosts.js';
import { writeFileAtomically } from '../secrets/atomic-write.js';

export function knownHostsPathOf(dataDir: string): string {
  return join(dataDir, KNOWN_HOSTS_FILE_NAME);
}

export class KnownHostsStore {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Pins `fingerprint` for host:port, replacing a different one pinned before (returned as `replaced`). */
  pin(host: string, port: number, fingerprint: string): Promise<{ replaced?: string }> {
    const work = this.#queue.then(async () => {
      const { text, replaced } = withPinnedKey(await readTextIfExists(this.path), host, port, fingerprint);
      await writeFileAtomically(this.path, Buffer.from(text, 'utf8'));
      return replaced ? { replaced } : {};
    });
    this.#queue = work.catch(() => undefined);
    return work;
  }
}
