// Building blocks shared by the pages: a mart shown as chart + table, with its empty state.
import { mart, type Table } from './api';
import { chart, type ChartSpec } from './charts';
import { append, card, emptyState, errorBox, h, loading, table, type CellFormat } from './dom';

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
    if (!t || t.rows.length === 0) {
      append(body, emptyState(t ? `The ${o.mart} mart is empty.` : `The ${o.mart} mart does not exist yet.`, o.howToFill));
      return t;
    }
    if (o.chart) body.append(chart({ testId: `chart-${o.mart}`, ...o.chart(t) }));
    body.append(table(t, { formats: o.formats, caption: o.title, testId: `table-${o.mart}`, maxRows: o.maxRows }));
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
