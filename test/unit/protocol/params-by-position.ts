import type { MethodDescriptor } from '../../../protocol/index.js';

/**
 * docs/api.md: params may be given by position, in the order of the method's table row. This is the naming the
 * router applies before validation, restated for the protocol tests (the supervisor keeps its own).
 */
export function paramsByPosition(descriptor: MethodDescriptor, args: readonly unknown[]): Record<string, unknown> {
  if (typeof descriptor.positional === 'function') return descriptor.positional(args);
  const named: Record<string, unknown> = {};
  descriptor.positional.forEach((name, index) => {
    if (index < args.length && args[index] !== undefined) named[name] = args[index];
  });
  return named;
}

/** The inverse for a list-positional method: the named params as an array in positional order. */
export function positionalArgs(descriptor: MethodDescriptor, named: Record<string, unknown>): unknown[] {
  if (typeof descriptor.positional === 'function') throw new Error(`${descriptor.method} names its positional params by a function`);
  const args = descriptor.positional.map((name) => named[name]);
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  return args;
}
