/** Per-tab things that do not survive a reload: the query session (and so the current results). */
import { QuerySession } from '../editor/query-session.js';

const sessions = new Map<string, QuerySession>();

export function sessionFor(tabId: string): QuerySession {
  let session = sessions.get(tabId);
  if (!session) sessions.set(tabId, (session = new QuerySession()));
  return session;
}

export function disposeTab(tabId: string): void {
  const session = sessions.get(tabId);
  sessions.delete(tabId);
  void session?.close();
}
