/**
 * connection.test hop by hop: the SSH tunnel (when configured), the TLS handshake (when a TLS mode is on, for
 * postgres and mysql), then the database login and version query. Each hop has its own status and latency, so a
 * user can tell which one failed; a failed hop ends the test (the hops after it are not tried) and its error is the
 * test's error. Failures are a result (`ok: false`), not a throw, as connection.test's contract says.
 */
import type { ConnectionConfig, ConnectionTestHop, ConnectionTestResult } from '../../protocol/index.js';
import { toBridgeError } from '../channel/error-transfer.js';
import type { Connector } from './connector.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, tlsSettings } from './network-config.js';
import type { SshTunnel } from './ssh/ssh-tunnel.js';
import { probeTls } from './tls-probe.js';

export async function testConnectionHops(config: ConnectionConfig, connector: Connector, tunnel: SshTunnel | undefined): Promise<ConnectionTestResult> {
  const started = performance.now();
  const hops: ConnectionTestHop[] = [];
  const timeoutMs = config.extra?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const step = async <T>(hop: ConnectionTestHop['hop'], work: () => Promise<T>): Promise<T> => {
    const hopStarted = performance.now();
    try {
      const result = await work();
      hops.push({ hop, ok: true, latencyMs: elapsed(hopStarted) });
      return result;
    } catch (error) {
      hops.push({ hop, ok: false, latencyMs: elapsed(hopStarted), error: toBridgeError(error, 'INTERNAL').toShape() });
      throw error;
    }
  };
  try {
    if (tunnel) await step('ssh', () => tunnel.connect());
    const tls = tlsSettings(config.ssl);
    // 'prefer' was settled when the worker started (settlePreferredTls): 'require' or 'disable' by now.
    if (tls && (config.type === 'postgres' || config.type === 'mysql')) await step('tls', () => probeTls(config, tls, timeoutMs));
    const result = await step('database', () => connector.testConnection());
    return { ...result, latencyMs: elapsed(started), hops };
  } catch (error) {
    // toBridgeError: at log level debug the driver's own message rides along as details.raw, as for a thrown error.
    const shape = toBridgeError(error, 'INTERNAL').toShape();
    return { ok: false, message: shape.message, latencyMs: elapsed(started), error: shape, hops };
  }
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
