/**
 * A method result that is already serialized (by a worker), spliced into the JSON-RPC response as is: large results
 * (metadata of thousands of tables, a page of rows) are then never structured-cloned into objects and stringified
 * again on the supervisor's event loop. `T` is the type the text encodes, for the handler table's checks.
 */
export class RawJson<T = unknown> {
  declare readonly _type?: T;
  constructor(readonly text: string) {}
}
