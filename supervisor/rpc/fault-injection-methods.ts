/**
 * The methods of a bridge started with --enable-fault-injection: METHOD_LIST, except that connection.create, .test
 * and .update also accept the test-only connector type `faulty`. Without the flag the public schemas refuse it at
 * validation like any unknown type (-32602), so it is not part of the public API at all.
 */
import {
  CONNECTOR_TYPES,
  METHOD_LIST,
  connectionConfigSchemaFor,
  connectionMethodsFor,
  type MethodDescriptor,
} from '../../protocol/index.js';
import { FAULT_INJECTION_TYPE } from '../../workers/channel/connector-types.js';

export { FAULT_INJECTION_TYPE };

export function methodsWithFaultInjection(): MethodDescriptor[] {
  const config = connectionConfigSchemaFor([...CONNECTOR_TYPES, FAULT_INJECTION_TYPE]);
  const methods = connectionMethodsFor(config, config.partial());
  const replaced = new Map<string, MethodDescriptor>(Object.values(methods).map((d) => [d.method, d]));
  return METHOD_LIST.map((d) => replaced.get(d.method) ?? d);
}
