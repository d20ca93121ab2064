// Building blocks shared by the pages: a mart shown as chart + table, with its empty state.
import { mart, notServedTitle, query, type ApiError, type Table } from './api';
import { chart, type ChartSpec } from './charts';
import { actionError, append, card, emptyState, errorBox, field, h, loading, table, type CellFormat } from './dom';
import * as fmt from './format';
import { keepInUrl, latestRequest } from './page';

export interface MartCardOptions {
  mart: string;
  title: string;
  params?: Record<string, string | number>;
  /** Chart of the mart's rows as the API returned them; omit for table-only cards. */
  chart?: (t: Table) => ChartSpec;
  formats?: Record<string, CellFormat>;
  /** What to run to fill the mart. */
  howToFill: string;
  wide?: boolean;
  maxRows?: number;
  signal?: AbortSignal;
  /** For marts that list every bucket even with no data (all counts 0): when the rows say nothing yet. */
  isEmpty?: (t: Table) => boolean;
}

/** A card showing one mart; resolves with the mart (or null) once drawn. */
export function martCard(parent: HTMLElement, o: MartCardOptions): Promise<Table | null> {
  const body = h('div', {}, loading());
  const qs = new URLSearchParams(Object.entries(o.params ?? {}).map(([k, v]) => [k, String(v)])).toString();
  const source = `/api/v1/marts/${o.mart}${qs ? `?${qs}` : ''}`;
  const el = card(o.title, { wide: o.wide, id: `mart-${o.mart}` }, body, h('p', { class: 'source' }, 'Source: ', h('code', {}, source)));
  el.dataset.mart = o.mart;
  el.dataset.source = source;
  parent.append(el);
  return mart(o.mart, o.params, o.signal).then(t => {
    body.replaceChildren();
    if (!t || t.rows.length === 0 || o.isEmpty?.(t)) {
      append(body, emptyState(!t ? `The ${o.mart} mart does not exist yet.` : t.rows.length ? `The ${o.mart} mart has no data yet.` : `The ${o.mart} mart is empty.`, o.howToFill));
      return t;
    }
    if (o.chart) body.append(chart({ testId: `chart-${o.mart}`, ...o.chart(t) }));
    body.append(table(t, { formats: o.formats, caption: o.title, testId: `table-${o.mart}`, maxRows: o.maxRows }));
    // The API cut the mart at the card's limit: say so, or the first rows read as the whole mart.
    if (t.truncated) {
      const all = `SELECT * FROM ${o.mart}`;
      body.append(h('p', { class: 'muted', 'data-testid': `truncated-${o.mart}` }, `The first ${fmt.count(t.rows.length)} rows of the mart. `,
        h('a', { href: `#/sql?q=${encodeURIComponent(all)}` }, `All of ${o.mart} in the SQL explorer`), '.'));
    }
    return t;
  }, e => {
    body.replaceChildren(errorBox(e));
    return null;
  });
}

/** A card holding a form and a result area, for lookups through the query API. */
export function formCard(title: string, id: string, form: HTMLFormElement, result: HTMLElement, wide = false): HTMLElement {
  return card(title, { id, wide }, form, result);
}

/** What one lookup card asks and how it shows the answer. */
export interface LookupOptions {
  title: string;
  id: string;
  label: string;
  button: string;
  input: HTMLInputElement;
  /** The read-only SELECT for the entered value, or an Error saying why the value is not acceptable. */
  sql(value: string): string | Error;
  caption(value: string): string;
  none(value: string): string;
  howToFill: string;
  testId: string;
  formats?: Record<string, CellFormat>;
  wide?: boolean;
}

/** A lookup through the query API: a one-field form, then the rows as a table or an empty state; runs at once when
 * the field starts filled (a value from the URL). */
export function lookupCard(o: LookupOptions): HTMLElement {
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field(o.label, o.input), h('button', { type: 'submit' }, o.button));
  const latest = latestRequest();
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const value = o.input.value.trim();
    const sql = o.sql(value);
    const mine = latest.start();
    if (sql instanceof Error) { result.replaceChildren(actionError(sql)); return; }
    // The page's URL opens a lookup by the input's name (#/products?asin=…): it keeps the one asked for.
    keepInUrl(o.input.name, value);
    result.replaceChildren(loading());
    query(sql, mine).then(t => {
      if (latest.isCurrent(mine)) result.replaceChildren(t.rows.length
        ? table(t, { formats: o.formats, caption: o.caption(value), testId: o.testId })
        : emptyState(o.none(value), o.howToFill));
    }, e => { if (latest.isCurrent(mine)) result.replaceChildren(actionError(e)); });
  });
  if (o.input.value) queueMicrotask(() => form.requestSubmit());
  return formCard(o.title, o.id, form, result, o.wide);
}

/** A whole number typed in a field, or an Error naming the field. */
export function wholeNumber(v: string, what: string): number | Error {
  const n = Number(v);
  return v !== '' && Number.isSafeInteger(n) ? n : new Error(`${what} must be a whole number.`);
}

/** The newest dead letters in the SQL explorer: the reasons are in the rows. */
const deadLettersSql = 'SELECT received_at, dataset, record_index, field, error, raw FROM dead_letters ORDER BY received_at DESC LIMIT 100';

export const deadLettersLink = (): HTMLElement => h('a', { href: `#/sql?q=${encodeURIComponent(deadLettersSql)}` }, 'rejected records');

/** Text of the command that fills the demo data set. */
export const demoHint = 'or start with `./emporium up --demo`.';

/** A list of JSON objects (alerts, runs…) as a Table, columns in first-seen order, nested values as JSON. */
export function objectsToTable(list: Record<string, unknown>[], columns?: string[]): Table {
  const cols = columns ?? [...new Set(list.flatMap(o => Object.keys(o)))];
  return {
    columns: cols.map(name => ({ name, type: list.every(o => o[name] == null || typeof o[name] === 'number') ? 'double' : /(_at|At|date|time|Time|ds)$/.test(name) ? 'timestamp' : 'varchar' })),
    rows: list.map(o => cols.map(c => (o[c] !== null && typeof o[c] === 'object' ? JSON.stringify(o[c]) : o[c] ?? null))),
  };
}

/** What a process without the scheduler role shows where DAGs would be (its /api/v1/dags answers "not served", see
 * isNotServed): "no DAGs" would be false, and sent readers looking for a missing DAG instead of at the process that
 * runs them, which the server's answer names. */
export function notServedDags(e: ApiError, what: string, where: string): HTMLElement {
  return h('p', { class: 'empty', 'data-testid': 'not-served' },
    `This process does not run the scheduler, so it has no ${what} to show: ${e.message.slice(notServedTitle.length + 2)} `,
    `Open the ${where} of the process running the scheduler role.`);
}
