/**
 * A page the UI benchmark drives over a DevTools session of its own, as a user's browser runs it: with nothing
 * watching its network.
 *
 * Why not a Playwright page: Playwright enables DevTools' Network domain on every page and worker it attaches to, and
 * DevTools then copies the payload of every WebSocket frame to Playwright's process (`Network.webSocketFrameReceived`)
 * — for a million streamed rows, every byte of them, serialized again in the renderer, passed on by the browser
 * process and parsed by the benchmark's own Node process, all on the two cores the bridge and PostgreSQL run on.
 * Measured on the same build (docs/benchmarks.md, "The UI benchmark without DevTools watching the network"):
 * Chromium's CPU per 1M-row run 2.4 s on a Playwright page, 1.3–1.4 s on this one.
 *
 * The page is created in the browser's default context, which Playwright (after `chromium.launch`) detaches from, and
 * is reached through a browser-level CDP session (`Target.attachToTarget`, messages wrapped in
 * `Target.sendMessageToTarget`: Playwright's CDPSession cannot address a flattened child session). Only the domains
 * the benchmark calls are used; Network is never enabled.
 */
import type { Browser, CDPSession } from 'playwright-core';

interface TargetMessage {
  id?: number;
  result?: unknown;
  error?: { message: string };
  method?: string;
  params?: unknown;
}

interface EvaluateAnswer {
  result: { value?: unknown };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

/** What a TargetSession needs of its parent: Playwright's browser-level CDPSession, or another TargetSession. */
interface ReceivedMessage {
  sessionId: string;
  message: string;
}
interface Channel {
  send(method: 'Target.sendMessageToTarget', params: { sessionId: string; message: string }): Promise<unknown>;
  on(event: 'Target.receivedMessageFromTarget', listener: (params: ReceivedMessage) => void): unknown;
}

/** A session on a target attached through `parent` (non-flattened: its messages travel inside the parent's). */
class TargetSession implements Channel {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Map<string, Array<(params: never) => void>>();

  constructor(
    private readonly parent: Channel,
    readonly sessionId: string,
  ) {
    parent.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as TargetMessage;
      if (message.method) {
        for (const listener of this.#listeners.get(message.method) ?? []) listener(message.params as never);
        return;
      }
      const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.#nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    void this.parent
      .send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
      .catch((error: Error) => this.#pending.get(id)?.reject(error));
    return answer as Promise<T>;
  }

  on<P>(event: string, listener: (params: P) => void): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as (params: never) => void]);
  }
}

export class UninstrumentedPage {
  #worker: Promise<TargetSession | undefined> | undefined;

  private constructor(
    private readonly browserSession: CDPSession,
    private readonly session: TargetSession,
    private readonly targetId: string,
  ) {}

  static async open(browser: Browser, viewport: { width: number; height: number }): Promise<UninstrumentedPage> {
    const browserSession = await browser.newBrowserCDPSession();
    const { targetId } = (await browserSession.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await browserSession.send('Target.attachToTarget', { targetId, flatten: false })) as { sessionId: string };
    const page = new UninstrumentedPage(browserSession, new TargetSession(browserSession, sessionId), targetId);
    // Page: init scripts run only on a page whose Page domain is enabled.
    await page.send('Page.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  /** A DevTools command on the page's own session. */
  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    return this.session.send<T>(method, params);
  }

  /**
   * A DevTools command on the page's dedicated worker (undefined if it has none within 5 s). A dedicated worker is a
   * target only once its page's session auto-attaches to it; that happens at the first call.
   */
  async sendToWorker<T = unknown>(method: string, params: object = {}): Promise<T | undefined> {
    this.#worker ??= new Promise<TargetSession | undefined>((resolve) => {
      setTimeout(() => resolve(undefined), 5_000).unref();
      this.session.on<{ sessionId: string; targetInfo: { type: string } }>('Target.attachedToTarget', (event) => {
        if (event.targetInfo.type === 'worker') resolve(new TargetSession(this.session, event.sessionId));
      });
      void this.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    });
    const worker = await this.#worker;
    return worker?.send<T>(method, params);
  }

  /** Runs `fn(arg)` in the page (serialized as its source, as Playwright does) and resolves with its JSON value. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return this.#evaluate(`(${fn.toString()})(${JSON.stringify(arg)})`) as Promise<R>;
  }

  /** Runs `fn(arg)` in every document the page loads from now on, before the page's own scripts. */
  async addInitScript<A>(fn: (arg: A) => void, arg: A): Promise<void> {
    await this.send('Page.addScriptToEvaluateOnNewDocument', { source: `(${fn.toString()})(${JSON.stringify(arg)})` });
  }

  async goto(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
  }

  /** Resolves once `predicate(arg)` is true in the page, checked every 50 ms; fails after `timeoutMs`. */
  async waitFor<A>(predicate: (arg: A) => boolean, arg: A, timeoutMs = 30_000): Promise<void> {
    // One expression with the predicate's source in it: the page's CSP may forbid eval, not DevTools' own evaluation.
    await this.#evaluate(`new Promise((resolve, reject) => {
      const check = (${predicate.toString()});
      const deadline = Date.now() + ${timeoutMs};
      const next = () => {
        if (check(${JSON.stringify(arg)})) resolve();
        else if (Date.now() > deadline) reject(new Error(${JSON.stringify(`timed out waiting for ${predicate.toString()}`)}));
        else setTimeout(next, 50);
      };
      next();
    })`);
  }

  async #evaluate(expression: string): Promise<unknown> {
    const answer = await this.send<EvaluateAnswer>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text);
    return answer.result.value;
  }

  async close(): Promise<void> {
    await this.browserSession.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined);
    await this.browserSession.detach().catch(() => undefined);
  }
}
