// A few DOM helpers: no framework, just elements built with textContent (never innerHTML, so data can't inject markup).

import type { Table } from './api';
import { ApiError, isKeyRefusal, NetworkError } from './api';
import * as fmt from './format';

type Attrs = Record<string, string | number | boolean | EventListener | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** A titled panel; wide panels span the whole grid row. */
export function card(title: string, opts: { wide?: boolean; id?: string } = {}, ...children: Child[]): HTMLElement {
  const headingId = `${opts.id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-title`;
  return h('section', { class: opts.wide ? 'card wide' : 'card', 'aria-labelledby': headingId, 'data-testid': opts.id },
    h('h2', { id: headingId }, title), ...children);
}

/** The page for data that is not there yet: says what to run to fill it. */
export function emptyState(what: string, howTo: string): HTMLElement {
  const p = h('p', { class: 'empty', 'data-testid': 'empty-state' }, `${what} `);
  // Show commands as code: the text between backticks.
  howTo.split('`').forEach((part, i) => append(p, i % 2 ? h('code', {}, part) : part));
  return p;
}

/** The error of a card's data. A refused key (401, 403) refuses every read of the page alike: the page says once, at
 * its top, what the server refused and why and which key to enter, and the card says in a word that it is not shown. */
export function errorBox(e: unknown): HTMLElement {
  if (!isKeyRefusal(e)) return actionError(e);
  const placeholder = h('p', { class: 'muted', 'data-testid': 'needs-key', 'data-status': e.status },
    e.status === 401 ? 'Not shown: the server needs an API key.' : 'Not shown: this API key may not read it.');
  // Once the caller has put the placeholder in its card, the card's title names what was refused; one that is gone by
  // then belonged to a page already left.
  queueMicrotask(() => {
    if (placeholder.isConnected) keyRefusalNotice(e, placeholder.closest('section')?.querySelector('h2')?.textContent ?? undefined);
  });
  return placeholder;
}

/** The error of something the reader asked for (a trigger, a crawl, a query): the server's whole message where it was
 * asked, with which key to enter for a refused one. */
export function actionError(e: unknown): HTMLElement {
  const message = e instanceof ApiError ? `${e.message} (HTTP ${e.status})` : e instanceof Error ? e.message : String(e);
  // Marked so the page can draw itself again once the server answers (main.ts).
  const box = h('p', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-network': e instanceof NetworkError }, message);
  if (isKeyRefusal(e)) append(box, ' ', keyHint());
  return box;
}

/** With API keys configured every call needs one: which to enter, and where. */
function keyHint(): Node | string {
  return location.hash.startsWith('#/pipelines')
    ? 'Enter an API key with the read scope (admin for runs and backfills) in the API key field of this page.'
    : h('a', { href: '#/pipelines' }, 'Enter an API key with the read scope on the Pipelines page.');
}

/** What the current page's notice lists per refusal (status and message): the line and the titles it names. */
const refusals = new WeakMap<HTMLElement, Map<string, { what: HTMLElement; titles: string[] }>>();

/** The page's one notice of refused reads, under its heading: each distinct refusal once (the server's reason and the
 * cards it left empty), then which key to enter. */
export function keyRefusalNotice(e: ApiError, what?: string): void {
  const main = document.getElementById('main');
  if (!main) return;
  let notice = main.querySelector<HTMLElement>(':scope > [data-testid="key-notice"]');
  if (!notice) {
    notice = h('div', { class: 'error notice', role: 'alert', 'data-testid': 'key-notice' }, h('p', {}, keyHint()));
    refusals.set(notice, new Map());
    const heading = main.querySelector(':scope > h1');
    if (heading) heading.after(notice); else main.prepend(notice);
  }
  const lines = refusals.get(notice)!;
  const reason = `${e.status} ${e.message}`;
  let line = lines.get(reason);
  if (!line) {
    line = { what: h('span', { 'data-testid': 'refused-cards' }), titles: [] };
    lines.set(reason, line);
    notice.lastElementChild!.before(h('p', { 'data-status': e.status },
      h('strong', {}, `Refused (HTTP ${e.status}): `), `${e.message}.`, line.what));
  }
  if (what && !line.titles.includes(what)) {
    line.titles.push(what);
    line.what.textContent = ` Not shown: ${line.titles.join(', ')}.`;
  }
}

/** Gives parent the children it would have if replaced by these, changing only what differs: a poll redrawing the
 * same figures keeps the nodes, so the keyboard focus (a link in a table), the scroll of a table and a screen reader's
 * live region stay put, and a live region speaks only the values that changed. For content without event handlers:
 * those of the fresh nodes are not carried over. */
export function patchChildren(parent: Element, children: Node[]): void {
  if (parent.childNodes.length !== children.length) { parent.replaceChildren(...children); return; }
  children.forEach((fresh, i) => patchNode(parent.childNodes[i], fresh));
}

function patchNode(live: ChildNode, fresh: Node): void {
  if (live === fresh) return;
  if (live instanceof Text && fresh instanceof Text) {
    if (live.data !== fresh.data) live.data = fresh.data;
    return;
  }
  if (!(live instanceof Element) || !(fresh instanceof Element) || live.tagName !== fresh.tagName) { live.replaceWith(fresh); return; }
  for (const a of [...live.attributes]) if (!fresh.hasAttribute(a.name)) live.removeAttribute(a.name);
  for (const a of [...fresh.attributes]) if (live.getAttribute(a.name) !== a.value) live.setAttribute(a.name, a.value);
  patchChildren(live, [...fresh.childNodes]);
}

export function loading(): HTMLElement {
  return h('p', { class: 'muted', 'aria-live': 'polite' }, 'Loading…');
}

/** percent: a number that is already a percentage (69.01 for 69.01 %), as the marts' *_pct columns are. rating: an
 * Amazon star rating, where 0 is no rating yet (ratings run from 1 to 5 stars) and reads "—". */
export type CellFormat = 'count' | 'number' | 'percent' | 'rating' | 'date' | 'interval' | 'text' | 'place' | `money:${string}`;

/** How one cell reads: by explicit format, else by the warehouse column type. */
export function formatCell(v: unknown, type: string, f?: CellFormat): string {
  if (v === null || v === undefined) return '—';
  const kind = f ?? defaultFormat(type);
  if (kind.startsWith('money:')) return fmt.money(v, kind.slice(6));
  switch (kind) {
    case 'count': return fmt.count(v);
    case 'number': return fmt.number(v);
    case 'percent': return `${fmt.number(v)} %`;
    case 'rating': return fmt.num(v) === 0 ? '—' : fmt.number(v);
    case 'date': return fmt.date(v);
    case 'interval': return fmt.duration(v);
    case 'place': return fmt.place(v);
    default: return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** Whether a warehouse column type holds numbers (not intervals, lists or other values that read as text). */
export function isNumericType(type: string): boolean {
  const f = defaultFormat(type);
  return f === 'count' || f === 'number';
}

function defaultFormat(type: string): CellFormat {
  const t = type.toLowerCase();
  // Arrays, lists, structs and maps arrive as JSON values whatever their element type.
  if (/\[\]$|^(list|struct|map|union)/.test(t)) return 'text';
  // DuckDB's SUM of integers is a HUGEINT; unsigned types start with u (ubigint, uinteger).
  if (/^(u?(tiny|small|big|huge)?int(eger)?[248]?|long|varint|bignum)$/.test(t)) return 'count';
  if (/^(double|float|real|decimal|numeric)/.test(t)) return 'number';
  if (/^(date|timestamp)/.test(t)) return 'date';
  if (/^interval/.test(t)) return 'interval';
  return 'text';
}

/** A cell's value as the API sent it: lists and structs as their JSON (String() wrote "1,2" and "[object Object]"). */
const rawValue = (v: unknown): string => v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A cell's text; a long one (a review, a description) scrolls in a box of a few lines, focusable so a keyboard
 * can scroll it too. */
function cellContent(text: string): Node | string {
  return text.length > 200 ? h('div', { class: 'long', tabindex: 0 }, text) : text;
}

/** A result grid. Each cell keeps its raw value in data-value so tests compare numbers, not formatting. Headings read
 * for people (fmt.heading: "Total sales (£)"), the column's own name in their data-col and tooltip, to write SQL
 * with; rawHeadings keeps the names as headings (the SQL explorer, whose reader wrote them). */
export function table(t: Table, opts: { formats?: Record<string, CellFormat>; caption?: string; testId?: string; maxRows?: number; rawHeadings?: boolean;
  /** A format of one row's cell, where a column's unit differs per row (an alert's values: a price, or a count). */
  cellFormat?: (row: number, column: string) => CellFormat | undefined; } = {}): HTMLElement {
  const numeric = t.columns.map(c => isNumericType(c.type));
  const shown = opts.maxRows ? t.rows.slice(0, opts.maxRows) : t.rows;
  const tbl = h('table', { 'data-testid': opts.testId },
    opts.caption ? h('caption', {}, opts.caption) : null,
    h('thead', {}, h('tr', {}, ...t.columns.map((c, i) => {
      const text = opts.rawHeadings ? c.name : fmt.heading(c.name, opts.formats?.[c.name]);
      return h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined, 'data-col': c.name, title: opts.rawHeadings ? undefined : c.name }, text);
    }))),
    h('tbody', {}, ...shown.map((r, n) => h('tr', {}, ...t.columns.map((c, i) =>
      h('td', { class: numeric[i] ? 'num' : undefined, 'data-col': c.name, 'data-value': rawValue(r[i]) },
        cellContent(formatCell(r[i], c.type, opts.cellFormat?.(n, c.name) ?? opts.formats?.[c.name]))))))));
  const wrap = h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': opts.caption ?? 'Result table' }, tbl);
  if (opts.maxRows && t.rows.length > opts.maxRows) append(wrap, h('p', { class: 'muted' }, `First ${fmt.count(opts.maxRows)} of ${fmt.count(t.rows.length)} rows.`));
  return wrap;
}

/** A key/value list for one object of an API answer. */
export function dl(entries: [string, Child][]): HTMLElement {
  return h('dl', { class: 'kv' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

export function field(label: string, input: HTMLElement): HTMLElement {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
