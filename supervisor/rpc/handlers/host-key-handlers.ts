/**
 * connection.trustHostKey — the user's answer to SSH_HOST_UNKNOWN (or, deliberately, to SSH_HOST_KEY_CHANGED): pins
 * the fingerprint the error carried for the SSH server of a saved connection, or for a host and port given as they
 * are. Workers read the pins at each SSH handshake, so the next connect uses it; nothing is trusted without this call.
 */
import { BridgeError } from '../../../protocol/index.js';
import { DEFAULT_SSH_PORT } from '../../../workers/channel/known-hosts.js';
import type { KnownHostsStore } from '../../ssh/known-hosts-store.js';
import type { ConnectionsRepo } from '../../store/connections-repo.js';
import type { HandlerTable } from '../router.js';

export function hostKeyHandlers(deps: { repo: ConnectionsRepo; knownHosts: KnownHostsStore }): HandlerTable {
  return {
    'connection.trustHostKey': async (params) => {
      let host: string;
      let port: number;
      if ('connectionId' in params) {
        const ssh = deps.repo.get(params.connectionId).ssh;
        if (!ssh) {
          throw new BridgeError('INVALID_PARAMS', 'The connection has no SSH settings', { connectionId: params.connectionId });
        }
        host = ssh.host;
        port = ssh.port ?? DEFAULT_SSH_PORT;
      } else {
        host = params.host;
        port = params.port ?? DEFAULT_SSH_PORT;
      }
      const { replaced } = await deps.knownHosts.pin(host, port, params.fingerprint);
      return { host, port, fingerprint: params.fingerprint, ...(replaced ? { replaced } : {}) };
    },
  };
}
