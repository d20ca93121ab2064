import { isKeyRefusal } from './api';

/** What a page gets while it is shown. */
export interface PageContext {
  /** Query part of the hash URL (#/sales?country=france). */
  params: URLSearchParams;
  /** Aborted when the reader leaves the page: pending fetches stop, pollers end. */
  signal: AbortSignal;
  /** Replaces the page's query parameters in the URL (keeps history usable) and re-renders. */
  setParams(params: Record<string, string | undefined>): void;
  /** Draws the page again with the same URL (after something that changes what the API answers, e.g. a new key). */
  reload(): void;
}

export interface Page {
  path: string;
  title: string;
  render(root: HTMLElement, ctx: PageContext): Promise<void>;
}

/** Runs fn now and every intervalMs until the page is left; errors are reported to onError, polling goes on, except
 * after a refused API key: every next try would be refused the same way until a key is entered (which redraws the page). */
export function poll(ctx: PageContext, intervalMs: number, fn: () => Promise<void>, onError: (e: unknown) => void): void {
  let timer = 0;
  const tick = async () => {
    let refused = false;
    try { await fn(); } catch (e) { refused = isKeyRefusal(e); if (!ctx.signal.aborted) onError(e); }
    if (!ctx.signal.aborted && !refused) timer = window.setTimeout(tick, intervalMs);
  };
  ctx.signal.addEventListener('abort', () => window.clearTimeout(timer));
  void tick();
}

/** One request at a time for a form: starting another aborts the one still running, whose answer (often the slower)
 * would otherwise arrive last and be shown under the newer request's input. Ends with the page when given its signal. */
export function latestRequest(pageSignal?: AbortSignal): { start(): AbortSignal; isCurrent(signal: AbortSignal): boolean; cancel(): void } {
  let current: AbortController | null = null;
  pageSignal?.addEventListener('abort', () => current?.abort());
  return {
    start() {
      current?.abort();
      current = new AbortController();
      return current.signal;
    },
    isCurrent: signal => current?.signal === signal && !signal.aborted,
    /** The reader gave up: the running request ends, its signal's reason is CANCELLED. */
    cancel() { current?.abort(CANCELLED); },
  };
}

/** The abort reason of a request the reader cancelled (not overtaken by a newer one, not left with its page). */
export const CANCELLED = 'cancelled by the reader';

/** Puts what the reader asked for into the page's URL (#/products?asin=…, #/sql?q=…), the page's other parameters kept,
 * without drawing the page again (no hashchange): a reload asks for it again, not for what a link opened with, and Back
 * goes to the one before. Asking again for the same value adds no history entry. */
export function keepInUrl(name: string, value: string): void {
  const at = location.hash.indexOf('?');
  const path = at < 0 ? location.hash : location.hash.slice(0, at);
  const params = new URLSearchParams(at < 0 ? '' : location.hash.slice(at + 1));
  const same = params.get(name) === value;
  params.set(name, value);
  const url = `${path || '#/'}?${params}`;
  if (same) history.replaceState(history.state, '', url); else history.pushState(null, '', url);
}
