import './style.css';
import { disposeCharts } from './charts';
import { isKeyRefusal } from './api';
import { ONLINE_EVENT } from './connection';
import { actionError, h, keyRefusalNotice } from './dom';
import type { Page } from './page';
import { overview } from './pages/overview';
import { products } from './pages/products';
import { sales } from './pages/sales';
import { reviews } from './pages/reviews';
import { customers } from './pages/customers';
import { sellers } from './pages/sellers';
import { pipelines } from './pages/pipelines';
import { catalog } from './pages/catalog';
import { explorer } from './pages/explorer';

const pages: Page[] = [overview, products, sales, reviews, customers, sellers, pipelines, catalog, explorer];
const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;

for (const p of pages) nav.append(h('li', {}, h('a', { href: `#${p.path}`, 'data-path': p.path }, p.title)));

let current: AbortController | null = null;

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  // Split at the first '?' only: a query in a hand-written link (#/sql?q=SELECT '?') may hold more.
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  return { path: path || '/', params: new URLSearchParams(at < 0 ? '' : raw.slice(at + 1)) };
}

async function route(): Promise<void> {
  const { path, params } = parseHash();
  const page = pages.find(p => p.path === path) ?? overview;
  current?.abort();
  disposeCharts();
  const controller = new AbortController();
  current = controller;
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.path === page.path) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `${page.title} · Emporium`;
  main.replaceChildren(h('h1', {}, page.title));
  main.dataset.page = page.path;
  delete main.dataset.ready;
  try {
    await page.render(main, {
      params,
      signal: controller.signal,
      setParams(next) {
        const qs = new URLSearchParams(Object.entries(next).filter((e): e is [string, string] => !!e[1])).toString();
        location.hash = `#${page.path}${qs ? `?${qs}` : ''}`;
      },
      reload() { void route(); },
    });
  } catch (e) {
    // A refused key: the page's one notice says what and why (the page drew nothing to name).
    if (!controller.signal.aborted) { if (isKeyRefusal(e)) keyRefusalNotice(e); else main.append(actionError(e)); }
  }
  // Tests and screen readers wait for this: the page's first data is on screen.
  if (!controller.signal.aborted) main.dataset.ready = 'true';
}

// The server answers again: a page that could not load some of its data draws itself again. The explorer is not drawn
// again (that would run its query again and drop what is typed); it loads its own table list.
window.addEventListener(ONLINE_EVENT, () => {
  if (main.dataset.page !== explorer.path && main.querySelector('[data-network]')) void route();
});

let lastPath = '';
window.addEventListener('hashchange', () => {
  const { path } = parseHash();
  void route().then(() => { if (path !== lastPath) main.focus({ preventScroll: false }); lastPath = path; });
});
lastPath = parseHash().path;
void route();
