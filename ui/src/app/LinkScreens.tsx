/**
 * What the page shows when it cannot use the bridge: a full page for a missing or refused token (never a blank
 * screen), and a banner while a once-working link is down and being retried.
 */
import { bridge } from '../bridge/bridge.js';
import type { LinkState } from '../bridge/bridge-connection.js';

export function TokenPage({ state }: { state: LinkState }) {
  const missing = state.kind === 'no-token';
  return (
    <main className="token-page" role="main">
      <div className="token-card">
        <h1>{missing ? 'This page needs the bridge’s token' : 'The bridge refused this page’s token'}</h1>
        <p>
          {missing
            ? 'DB Visualizer’s bridge only talks to pages that present its access token. The address you opened has none.'
            : 'The bridge is running, but it did not accept the token in the address you opened. The bridge makes a new token each time it starts unless one is configured, so an old link stops working.'}
        </p>
        <p>Open the address printed by the bridge when it started — the <code>ui</code> field of its ready line, for example:</p>
        <pre>{'{"event":"ready", … "ui":"http://127.0.0.1:7420/?token=…"}'}</pre>
        <p className="muted">
          Started with <code>npm start</code>? Copy the <code>ui</code> address from its output. A page that keeps presenting wrong tokens is
          refused for a minute, whatever token it brings.
        </p>
      </div>
    </main>
  );
}

export function LostBanner({ state }: { state: Extract<LinkState, { kind: 'lost' }> }) {
  return (
    <div className="banner" role="alert">
      <strong>The bridge went away.</strong> Reconnecting… (attempt {state.attempt + 1}) Running queries were stopped; tabs and their SQL are kept.
      <button type="button" className="small" onClick={() => bridge.retry()}>
        Retry now
      </button>
    </div>
  );
}
