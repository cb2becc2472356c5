/**
 * Page mode's cursor token: the next page of a run is named by the run and the count of batches sent so far. The
 * worker puts it in each batch; the supervisor derives the one it expects from the batches it relayed, so it never
 * has to parse a batch to learn it.
 */
export function cursorTokenFor(runId: string, batchesSent: number): string {
  return `${runId}:${batchesSent}`;
}

/** The run a cursor token names ('' for a token that is not one of ours). */
export function runIdOfCursorToken(cursorToken: string): string {
  const colon = cursorToken.lastIndexOf(':');
  return colon > 0 ? cursorToken.slice(0, colon) : '';
}
