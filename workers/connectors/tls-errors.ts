/**
 * TLS handshake failures of either driver → DB_TLS_FAILED with a `reason` a UI can act on: 'unknown-ca' (the chain
 * does not lead to the given CA), 'hostname-mismatch', 'certificate-expired', 'server-no-tls' (the server does not
 * offer TLS), 'handshake-failed' (anything else in the handshake). Undefined when the error is not a TLS failure.
 */
import { BridgeError } from '../../protocol/errors.js';
import { compactDetails, targetFields, type ErrorTarget } from './driver-errors.js';

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
// pg's message when the server answers 'N' to SSLRequest; mysql2's code when the handshake lacks CLIENT_SSL.
const NO_TLS_MESSAGE = /does not support SSL|does not support secure connection/i;
// mysql2 overwrites Node's code with HANDSHAKE_SSL_ERROR and keeps only the message: OpenSSL's texts for the same.
const UNKNOWN_CA_MESSAGE = /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure/i;
const HOSTNAME_MESSAGE = /does not match certificate's altnames|Hostname\/IP does not match/i;
const EXPIRED_MESSAGE = /certificate has expired|certificate is not yet valid/i;

export type TlsFailureReason = 'unknown-ca' | 'hostname-mismatch' | 'certificate-expired' | 'server-no-tls' | 'handshake-failed';

export function tlsFailureReason(err: { code?: string; message?: string } | null | undefined): TlsFailureReason | undefined {
  if (!err) return undefined;
  const code = err.code ?? '';
  const message = err.message ?? '';
  const wrapped = code === 'HANDSHAKE_SSL_ERROR';
  if (UNKNOWN_CA.has(code) || (wrapped && UNKNOWN_CA_MESSAGE.test(message))) return 'unknown-ca';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || (wrapped && HOSTNAME_MESSAGE.test(message))) return 'hostname-mismatch';
  if (EXPIRED.has(code) || (wrapped && EXPIRED_MESSAGE.test(message))) return 'certificate-expired';
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || NO_TLS_MESSAGE.test(message)) return 'server-no-tls';
  if (wrapped || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /SSL routines|alert handshake/i.test(message)) return 'handshake-failed';
  return undefined;
}

const EXPLAINED: Record<TlsFailureReason, string> = {
  'unknown-ca': 'the server certificate is not signed by a trusted CA',
  'hostname-mismatch': 'the server certificate does not name this host',
  'certificate-expired': 'the server certificate has expired or is not valid yet',
  'server-no-tls': 'the server does not support TLS',
  'handshake-failed': 'the TLS handshake failed',
};

export function mapTlsFailure(err: { code?: string; message?: string } | null | undefined, target: ErrorTarget): BridgeError | undefined {
  const reason = tlsFailureReason(err);
  if (!reason) return undefined;
  return new BridgeError(
    'DB_TLS_FAILED',
    `TLS to the database failed: ${EXPLAINED[reason]} (${err?.message ?? reason})`,
    compactDetails({ ...targetFields(target), hop: 'tls', reason, tlsCode: err?.code }),
  );
}
