import type { BridgeErrorShape } from './errors.js';

/** Every method's JSON-RPC `result` is one of these. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: BridgeErrorShape };

export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
  id?: JsonRpcId;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: JsonRpcId; result: unknown }
  | { jsonrpc: '2.0'; id: JsonRpcId; error: JsonRpcErrorObject };

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params: unknown;
}
