import { describe, expect, it } from 'vitest';
import { BridgeError, ERROR_CODES, ERROR_CODE_LIST, RPC_ERRORS, isErrorCode } from '../../../protocol/index.js';
import { PROTOCOL_MD_PATH, backticked, readIfExists, section } from './markdown.js';

describe('error registry', () => {
  it('describes every code in a sentence', () => {
    for (const code of ERROR_CODE_LIST) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(ERROR_CODES[code].length, code).toBeGreaterThan(10);
    }
  });

  it('recognises only its own codes', () => {
    expect(isErrorCode('DB_AUTH_FAILED')).toBe(true);
    expect(isErrorCode('NOT_A_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it('carries code, message and details across a plain-data boundary', () => {
    const original = new BridgeError('QUERY_SYNTAX_ERROR', 'syntax error at or near "SELEC"', { sqlState: '42601', position: 1 });
    const copy = BridgeError.from(structuredClone(original.toShape()));
    expect(copy).toBeInstanceOf(BridgeError);
    expect(copy.toShape()).toEqual(original.toShape());
  });

  it('turns anything that is not a known code into INTERNAL', () => {
    expect(BridgeError.from({ code: 'ECONNRESET', message: 'socket hang up' }).toShape()).toEqual({ code: 'INTERNAL', message: 'socket hang up' });
    expect(BridgeError.from('boom').code).toBe('INTERNAL');
    expect(BridgeError.from(null).code).toBe('INTERNAL');
  });

  it('keeps JSON-RPC fault codes apart from envelope codes', () => {
    expect(Object.values(RPC_ERRORS)).toEqual([-32700, -32600, -32601, -32602, -32603]);
  });
});

const protocolMd = readIfExists(PROTOCOL_MD_PATH);

describe.skipIf(protocolMd === undefined)('agreement with shared/PROTOCOL.md', () => {
  it('has exactly the codes of its "Error codes" list', () => {
    const listed = backticked(section(protocolMd!, 2, 'Error codes').body).filter((name) => /^[A-Z][A-Z_]+$/.test(name));
    // Codes added since (SSH tunnels and TLS, docs/api.md "TLS and SSH") are documented in docs/api.md only.
    const additions = ['DB_TLS_FAILED', 'SSH_HOST_UNKNOWN', 'SSH_HOST_KEY_CHANGED', 'SSH_AUTH_FAILED', 'SSH_FAILED'];
    expect(ERROR_CODE_LIST.filter((c) => !additions.includes(c)).sort()).toEqual([...new Set(listed)].sort());
  });
});
