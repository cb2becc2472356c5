/**
 * JSON-RPC 2.0 dispatch: parse, check the envelope, map positional params to names, validate with the method's zod
 * schema, call the handler, wrap its result in the bridge's envelope. Protocol faults get JSON-RPC error objects;
 * a method's own failure is `{ ok: false, error }` (docs/api.md "The envelope").
 */
import type { z } from 'zod';
import {
  BridgeError,
  METHOD_LIST,
  RPC_ERRORS,
  type JsonRpcErrorObject,
  type JsonRpcId,
  type MethodByName,
  type MethodDescriptor,
  type MethodName,
} from '../../protocol/index.js';
import type { ParamsOf, ResultOf } from '../../protocol/descriptor.js';
import type { Logger } from '../log/logger.js';
import type { Client } from './client-registry.js';
import { RawJson } from './raw-json.js';

export interface RpcContext {
  client: Client;
}

type Answer<R> = R | RawJson<R>;
export type Handler<M> = (params: ParamsOf<M>, ctx: RpcContext) => Answer<ResultOf<M>> | Promise<Answer<ResultOf<M>>>;
/** One response: an object to serialize, or a response already serialized around a RawJson result. */
type Response = object | string;
export type HandlerTable = { [N in MethodName]?: Handler<MethodByName<N>> };

/** Deeper params are refused before validation: no legitimate call nests this far, and deep input is a DoS vector. */
export const MAX_PARAMS_DEPTH = 32;
/** A batch larger than this is refused whole. */
export const MAX_BATCH_LENGTH = 1000;

export class Router {
  readonly #descriptors: ReadonlyMap<string, MethodDescriptor>;

  /**
   * `descriptors`: the methods and their params schemas, METHOD_LIST unless the bridge swaps some (the
   * fault-injection bridge accepts its test-only connector type: supervisor/rpc/fault-injection-methods.ts).
   */
  constructor(
    private readonly handlers: HandlerTable,
    private readonly log: Logger,
    descriptors: readonly MethodDescriptor[] = METHOD_LIST,
  ) {
    this.#descriptors = new Map(descriptors.map((d) => [d.method, d]));
  }

  /** Handles one incoming message; resolves with the serialized answer, or undefined when none is owed. */
  async handle(message: string | object, ctx: RpcContext): Promise<string | undefined> {
    let value: unknown = message;
    if (typeof message === 'string') {
      try {
        value = JSON.parse(message);
      } catch {
        return JSON.stringify(fault(null, RPC_ERRORS.PARSE_ERROR, 'Parse error: the message is not valid JSON'));
      }
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return JSON.stringify(fault(null, RPC_ERRORS.INVALID_REQUEST, 'Invalid request: empty batch'));
      if (value.length > MAX_BATCH_LENGTH) {
        return JSON.stringify(fault(null, RPC_ERRORS.INVALID_REQUEST, `Invalid request: a batch holds at most ${MAX_BATCH_LENGTH} requests`));
      }
      const answers = (await Promise.all(value.map((item) => this.#handleOne(item, ctx)))).filter((a) => a !== undefined);
      return answers.length === 0 ? undefined : `[${answers.map(serialize).join(',')}]`;
    }
    const answer = await this.#handleOne(value, ctx);
    return answer === undefined ? undefined : serialize(answer);
  }

  async #handleOne(request: unknown, ctx: RpcContext): Promise<Response | undefined> {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      return fault(null, RPC_ERRORS.INVALID_REQUEST, 'Invalid request: expected a JSON-RPC request object');
    }
    const req = request as Record<string, unknown>;
    const hasId = Object.hasOwn(req, 'id');
    const id = validId(req.id) ? (req.id as JsonRpcId) : null;
    if (req.jsonrpc !== '2.0' || typeof req.method !== 'string' || (hasId && !validId(req.id))) {
      return fault(id, RPC_ERRORS.INVALID_REQUEST, 'Invalid request: needs jsonrpc "2.0", a string method and a string, number or null id');
    }
    if (req.params !== undefined && (req.params === null || typeof req.params !== 'object')) {
      return hasId ? fault(id, RPC_ERRORS.INVALID_REQUEST, 'Invalid request: params must be an object or an array') : undefined;
    }
    const answer = await this.#dispatch(req.method, req.params as object | undefined, ctx, id);
    // A notification is executed and never answered, whatever happened.
    return hasId ? answer : undefined;
  }

  async #dispatch(method: string, rawParams: object | undefined, ctx: RpcContext, id: JsonRpcId): Promise<Response> {
    const descriptor = this.#descriptors.get(method);
    if (!descriptor) return fault(id, RPC_ERRORS.METHOD_NOT_FOUND, `Method not found: ${method}`);
    const handler = this.handlers[method as MethodName] as Handler<MethodDescriptor> | undefined;
    if (!handler) return fault(id, RPC_ERRORS.METHOD_NOT_FOUND, `Method not implemented in this version: ${method}`);

    if (rawParams !== undefined && depthExceeds(rawParams, MAX_PARAMS_DEPTH)) {
      return fault(id, RPC_ERRORS.INVALID_PARAMS, `Invalid params: nested deeper than ${MAX_PARAMS_DEPTH} levels`, {
        issues: [{ path: [], message: `nested deeper than ${MAX_PARAMS_DEPTH} levels`, code: 'too_deep' }],
      });
    }
    const named = toNamed(descriptor, rawParams);
    if ('error' in named) return fault(id, RPC_ERRORS.INVALID_PARAMS, named.error, { issues: [{ path: [], message: named.error, code: 'too_many_params' }] });
    const parsed = descriptor.params.safeParse(named.params);
    if (!parsed.success) {
      return fault(id, RPC_ERRORS.INVALID_PARAMS, `Invalid params for ${method}`, { issues: toIssues(parsed.error) });
    }
    try {
      const data = await handler(parsed.data, ctx);
      if (data instanceof RawJson) return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"ok":true,"data":${data.text}}}`;
      return { jsonrpc: '2.0', id, result: { ok: true, data: data ?? {} } };
    } catch (error) {
      if (error instanceof BridgeError) return { jsonrpc: '2.0', id, result: { ok: false, error: error.toShape() } };
      this.log.error({ err: error, method }, 'handler failed unexpectedly');
      return { jsonrpc: '2.0', id, result: { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } } };
    }
  }
}

function serialize(response: Response): string {
  return typeof response === 'string' ? response : JSON.stringify(response);
}

function fault(id: JsonRpcId, code: number, message: string, data?: unknown): { jsonrpc: '2.0'; id: JsonRpcId; error: JsonRpcErrorObject } {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

function validId(id: unknown): boolean {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

function toNamed(descriptor: MethodDescriptor, raw: object | undefined): { params: unknown } | { error: string } {
  if (raw === undefined) return { params: {} };
  if (!Array.isArray(raw)) return { params: raw };
  const positional = descriptor.positional;
  if (typeof positional === 'function') return { params: positional(raw) };
  if (raw.length > positional.length) {
    return { error: `Invalid params: ${descriptor.method} takes at most ${positional.length} positional params` };
  }
  const params: Record<string, unknown> = {};
  raw.forEach((value, i) => {
    if (value !== undefined) params[positional[i]!] = value;
  });
  return { params };
}

function toIssues(error: z.ZodError): Array<{ path: PropertyKey[]; message: string; code: string }> {
  return error.issues.slice(0, 50).map((issue) => ({ path: issue.path, message: issue.message, code: issue.code }));
}

/** Iterative, so hostile nesting cannot overflow our own stack. */
function depthExceeds(value: object, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
