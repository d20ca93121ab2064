// Whether the server answers. A request that gets no answer at all puts one notice on the page, whatever page it is,
// saying since when and that the page is as it was then; /health is asked every two seconds until the server answers
// again (any answer, even an error, means it is back), then the notice goes and ONLINE_EVENT tells the page.

/** Sent on window when the server answers again after it did not. */
export const ONLINE_EVENT = 'emporium:online';

const retryMs = 2000;
let lastAnswer = new Date();
let notice: HTMLElement | null = null;
let probe = 0;

export function serverAnswered(): void {
  lastAnswer = new Date();
  if (!notice) return;
  notice.remove();
  notice = null;
  window.clearTimeout(probe);
  window.dispatchEvent(new Event(ONLINE_EVENT));
}

export function serverUnreachable(): void {
  if (notice) return;
  // Built by hand: dom.ts imports the API client, which imports this module.
  notice = document.createElement('div');
  notice.className = 'error offline';
  notice.setAttribute('role', 'alert');
  notice.dataset.testid = 'offline';
  notice.textContent = `The Emporium server is not answering since ${lastAnswer.toLocaleTimeString()} (stopped, restarting or out of reach): `
    + 'what this page shows is from then. It is asked again every 2 seconds, and the page is drawn again when it answers.';
  document.getElementById('main')?.before(notice);
  const ask = async () => {
    try {
      await fetch('/health', { cache: 'no-store' });
      serverAnswered();
    } catch {
      probe = window.setTimeout(ask, retryMs);
    }
  };
  probe = window.setTimeout(ask, retryMs);
}
