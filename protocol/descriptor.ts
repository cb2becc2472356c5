import type { z } from 'zod';

export type Positional = readonly string[] | ((args: readonly unknown[]) => Record<string, unknown>);

/**
 * A method of the wire contract as data: its name, the zod schema of its params by name, and the order in which
 * the same params may be given by position. Both the supervisor's router and the typed client are derived from these.
 */
export interface MethodDescriptor<Name extends string = string, Params extends z.ZodType = z.ZodType, Result = unknown> {
  readonly method: Name;
  readonly params: Params;
  /**
   * Param names in positional order (the params table of each method in docs/api.md), or a function that names an array of positional params
   * where the order alone cannot (`connection.test` takes a config object *or* a connection id).
   */
  readonly positional: Positional;
  /** Phantom: carries the result type; never set at runtime. */
  readonly _result?: Result;
}

export function defineMethod<Result>() {
  return <Name extends string, Params extends z.ZodType>(
    method: Name,
    params: Params,
    positional: Positional,
  ): MethodDescriptor<Name, Params, Result> => ({ method, params, positional });
}

/** An event (notification from the bridge) as data; the params type is carried as a phantom. */
export interface EventDescriptor<Name extends string = string, Params = unknown> {
  readonly event: Name;
  /** Who receives it: only the session's owner, or every connected client. */
  readonly audience: 'owner' | 'all';
  readonly _params?: Params;
}

export function defineEvent<Params>() {
  return <Name extends string>(event: Name, audience: 'owner' | 'all'): EventDescriptor<Name, Params> => ({ event, audience });
}

export type ParamsOf<M> = M extends MethodDescriptor<string, infer P, unknown> ? z.output<P> : never;
export type ParamsInputOf<M> = M extends MethodDescriptor<string, infer P, unknown> ? z.input<P> : never;
export type ResultOf<M> = M extends MethodDescriptor<string, z.ZodType, infer R> ? R : never;
export type EventParamsOf<E> = E extends EventDescriptor<string, infer P> ? P : never;
