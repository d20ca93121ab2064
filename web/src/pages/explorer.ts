import { getJson, query, type Table } from '../api';
import { chart, disposeCharts, type ChartKind } from '../charts';
import { download, toCsv } from '../csv';
import { actionError, card, errorBox, field, h, isNumericType, loading, table } from '../dom';
import * as fmt from '../format';
import { ONLINE_EVENT } from '../connection';
import { CANCELLED, keepInUrl, latestRequest, type Page } from '../page';

const examples: [string, string][] = [
  ['Sales by country', 'SELECT * FROM sales_by_country ORDER BY total_sales DESC LIMIT 10'],
  ['Ratings', 'SELECT rating, COUNT(*) AS reviews FROM reviews GROUP BY rating ORDER BY rating'],
  ['Priciest products', 'SELECT asin, title, price FROM products ORDER BY price DESC NULLS LAST LIMIT 20'],
];

const storageKey = 'emporium.sql';

/** A table or view of <c>GET /api/v1/tables</c>. */
interface Relation { name: string; kind: string; columns: { name: string; type: string }[] }

export const explorer: Page = {
  path: '/sql',
  title: 'SQL explorer',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Read-only SQL over the warehouse: no writes, no file or network access. Ctrl+Enter runs the query.'));
    const sql = h('textarea', { name: 'sql', rows: 6, spellcheck: 'false', autocapitalize: 'off', class: 'sql', 'data-testid': 'sql-input' });
    sql.value = ctx.params.get('q') ?? sessionStorage.getItem(storageKey) ?? examples[0][1];
    const run = h('button', { type: 'submit', 'data-testid': 'run-sql' }, 'Run query');
    // A query can run up to the server's time limit (30 s by default): the reader may give up sooner.
    const cancel = h('button', { type: 'button', class: 'secondary', hidden: true, 'data-testid': 'cancel-sql', onclick: () => latest.cancel() }, 'Cancel');
    const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'sql-status' });
    const result = h('div', { 'data-testid': 'sql-result' });
    const form = h('form', { class: 'explorer', 'aria-label': 'SQL query' }, field('SQL', sql),
      h('div', { class: 'actions' }, run, cancel,
        ...examples.map(([label, text]) => h('button', { type: 'button', class: 'secondary', onclick: () => { sql.value = text; sql.focus(); } }, label))),
      status);
    sql.addEventListener('keydown', ev => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); } });
    // Ctrl+Enter, an example or a table's button submit while a query runs: the newer query replaces the running one.
    const latest = latestRequest(ctx.signal);
    const running = (on: boolean) => { run.disabled = on; cancel.hidden = !on; };
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      const text = sql.value.trim();
      if (!text) return;
      sessionStorage.setItem(storageKey, text);
      keepInUrl('q', text);
      const mine = latest.start();
      running(true);
      status.textContent = 'Running…';
      result.replaceChildren(loading());
      const started = performance.now();
      const seconds = () => `${fmt.number(Math.round((performance.now() - started) / 1000))} s`;
      // A long query shows that it is still going, and for how long.
      const ticker = window.setInterval(() => { if (latest.isCurrent(mine)) status.textContent = `Running… ${seconds()}`; }, 1000);
      try {
        const t = await query(text, mine);
        if (!latest.isCurrent(mine)) return;
        status.textContent = `${fmt.count(t.rows.length)} row${t.rows.length === 1 ? '' : 's'} in ${fmt.number(Math.round(performance.now() - started))} ms${truncation(t)}.`;
        showResult(result, t);
      } catch (e) {
        if (mine.reason === CANCELLED) {
          status.textContent = `Cancelled after ${seconds()}: the server stopped the query.`;
          result.replaceChildren();
        } else if (!mine.aborted) {
          status.textContent = 'The query failed.';
          result.replaceChildren(actionError(e));
        }
      } finally {
        window.clearInterval(ticker);
        if (latest.isCurrent(mine) || mine.reason === CANCELLED) running(false);
      }
    });
    const tables = card('Tables and views', { wide: true, id: 'tables' }, loading());
    root.append(card('Query', { wide: true, id: 'query' }, form), result, tables);
    if (ctx.params.get('q')) form.requestSubmit();
    const listTables = async () => {
      try {
        const body = await getJson<{ tables: Relation[] }>('/api/v1/tables', ctx.signal);
        tables.replaceChildren(tables.firstElementChild!, relationList(body.tables, name => {
          sql.value = `SELECT * FROM ${name} LIMIT 100`;
          form.requestSubmit();
          sql.scrollIntoView({ block: 'nearest' });
        }, column => {
          // Typed where the cursor is, as if the reader had typed it.
          sql.setRangeText(column, sql.selectionStart, sql.selectionEnd, 'end');
          sql.focus();
        }));
      } catch (e) {
        tables.replaceChildren(tables.firstElementChild!, errorBox(e));
      }
    };
    // The page is not drawn again when the server is back (main.ts): only a list that could not load is asked again.
    window.addEventListener(ONLINE_EVENT, () => { if (tables.querySelector('[data-network]')) void listTables(); }, { signal: ctx.signal });
    await listTables();
  },
};

function truncation(t: Table): string {
  if (!t.truncated) return '';
  return t.truncatedBy === 'maxResultBytes'
    ? ' (truncated: the result reached the server\'s size limit; add a LIMIT, a filter or fewer columns)'
    : ' (truncated by the server)';
}

function showResult(result: HTMLElement, t: Table): void {
  disposeCharts();
  const csv = h('button', { type: 'button', class: 'secondary', 'data-testid': 'download-csv', onclick: () => download('query-result.csv', toCsv(t)) }, 'Download CSV');
  const grid = card('Result', { wide: true, id: 'result' }, h('div', { class: 'actions' }, csv), table(t, { caption: 'Query result', testId: 'result-table', maxRows: 1000, rawHeadings: true }));
  if (!t.rows.length) grid.append(h('p', { class: 'empty', 'data-testid': 'no-rows' }, 'The query returned no rows.'));
  result.replaceChildren(grid);
  const numbers = t.columns.map((c, i) => ({ c, i })).filter(x => isNumericType(x.c.type));
  if (!t.rows.length || !numbers.length) return;
  // Chart of the result: the reader chooses the kind, the label column and the value column.
  const kind = h('select', { name: 'kind' }, ...(['bar', 'line', 'pie'] as const).map(k => h('option', { value: k }, k)));
  const labelCol = h('select', { name: 'label' }, ...t.columns.map((c, i) => h('option', { value: i }, c.name)));
  const valueCol = h('select', { name: 'value' }, ...numbers.map(x => h('option', { value: x.i }, x.c.name)));
  const firstText = t.columns.findIndex(c => !isNumericType(c.type));
  labelCol.value = String(firstText >= 0 ? firstText : 0);
  valueCol.value = String(numbers.find(x => x.i !== Number(labelCol.value))?.i ?? numbers[0].i);
  const holder = h('div');
  const draw = () => {
    disposeCharts();
    const li = Number(labelCol.value), vi = Number(valueCol.value);
    const rows = t.rows.slice(0, 200);
    holder.replaceChildren(chart({
      kind: kind.value as ChartKind, testId: 'result-chart', title: `${t.columns[vi].name} by ${t.columns[li].name}`,
      labels: rows.map(r => (r[li] == null ? '(none)' : String(r[li]))), series: [{ name: t.columns[vi].name, values: rows.map(r => fmt.num(r[vi])) }],
    }));
  };
  for (const s of [kind, labelCol, valueCol]) s.addEventListener('change', draw);
  result.append(card('Chart', { wide: true, id: 'result-chart-card' },
    h('div', { class: 'filters' }, field('Chart', kind), field('Labels', labelCol), field('Values', valueCol)), holder,
    t.rows.length > 200 ? h('p', { class: 'muted' }, 'The chart shows the first 200 rows.') : null));
  draw();
}

/** What a query may read: each table or view with its columns (opened on demand); its button runs a first look at
 * it and a column's name goes into the query. Emporium's own bookkeeping tables (names starting with "_") come last. */
function relationList(relations: Relation[], open: (name: string) => void, insert: (column: string) => void): HTMLElement {
  const sorted = [...relations].sort((a, b) => Number(a.name.startsWith('_')) - Number(b.name.startsWith('_')) || a.name.localeCompare(b.name));
  return h('div', { class: 'relations', 'data-testid': 'relations' }, ...sorted.map(r =>
    h('details', { 'data-relation': r.name },
      h('summary', {}, h('span', { class: 'relation-name' }, r.name), ' ', h('span', { class: 'muted' }, r.kind)),
      h('button', { type: 'button', class: 'secondary', 'data-testid': `open-${r.name}`, onclick: () => open(r.name) }, `SELECT * FROM ${r.name} LIMIT 100`),
      h('ul', { class: 'columns' }, ...r.columns.map(c => h('li', {},
        h('button', { type: 'button', class: 'link', title: `Insert ${c.name} into the query`, onclick: () => insert(c.name) }, h('code', {}, c.name)),
        ' ', h('span', { class: 'muted' }, c.type)))))));
}
