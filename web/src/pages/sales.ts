import { byteOrder, colIndex, martNames, query, sqlString, type Table } from '../api';
import { chart, labels, values } from '../charts';
import { card, emptyState, errorBox, field, h, loading, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { demoHint, martCard } from '../views';

/** What to do when filters leave nothing: sending more orders is not the answer. */
const widen = 'Widen the date range or choose another country.';
const fill = `Send orders: \`emporium send online_retail.csv --dataset orders\` or \`emporium load "Online Retail.xlsx" --dataset orders\`, ${demoHint}`;
// Online Retail is a UK shop: its unit prices are pounds sterling.
const currency = 'GBP';
const money = `money:${currency}` as const;

/** The filtered views start from the `clean_orders` mart (the order lines after the sales marts' own cleaning rule):
 * the other sales marts are aggregated past the line level, so a date or country filter on popular products or top
 * customers cannot be applied to them. */
const cleanOrders = 'clean_orders';

/** An amount (a double) as an exact 6-place decimal read from its shortest text, and a sum of those rounded to cents
 * half away from zero and read back as a double: how the sales marts take and round amounts (MartSql.Decimal as
 * DuckDB spells it, MartSql.Round2), spelt so that DuckDB and PostgreSQL both take it. A straight cast kept 15
 * significant digits on PostgreSQL and scaled the double as a double on DuckDB; DuckDB reads text into a
 * DECIMAL(38, 6) slowly, so amounts below 10^12 go through a DECIMAL(18, 6), and an amount of at most 6 decimals below
 * 10^9 (nearly every price) is cast straight, which is exact there and gives the same decimal. PostgreSQL has no ROUND(double, int), so
 * a plain ROUND(SUM(...), 2) failed there. */
const exact = (x: string) =>
  `CASE WHEN ABS(${x}) < 1e9 AND ${x} * 1e6 = ROUND(${x} * 1e6) THEN CAST(${x} AS DECIMAL(38, 6)) WHEN ABS(${x}) < 1e12 THEN CAST(CAST(CAST(${x} AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) ELSE CAST(CAST(${x} AS VARCHAR) AS DECIMAL(38, 6)) END`;
const cents = (x: string) => `CAST(ROUND(${x}, 2) AS DOUBLE PRECISION)`;
const salesSum = `${cents(`SUM(quantity * ${exact('unit_price')})`)} AS total_sales`;

interface Filters { from?: string; to?: string; country?: string }

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function where(f: Filters, dateColumn: string): string {
  const c: string[] = [];
  if (f.from) c.push(`CAST(${dateColumn} AS DATE) >= DATE ${sqlString(f.from)}`);
  if (f.to) c.push(`CAST(${dateColumn} AS DATE) <= DATE ${sqlString(f.to)}`);
  // The marts hold countries trimmed and in lower case; a hand-typed link (?country=France) means the same country.
  // Folded here, not by the warehouse's LOWER, which folds ASCII only on PostgreSQL under the C locale (ÉIRE).
  if (f.country) c.push(`country = ${sqlString(f.country.trim().toLowerCase())}`);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}

export const sales: Page = {
  path: '/sales',
  title: 'Sales',
  async render(root, ctx) {
    const f: Filters = {
      from: isoDate.test(ctx.params.get('from') ?? '') ? ctx.params.get('from')! : undefined,
      to: isoDate.test(ctx.params.get('to') ?? '') ? ctx.params.get('to')! : undefined,
      country: ctx.params.get('country') || undefined,
    };
    const filtered = !!(f.from || f.to || f.country);
    root.append(h('p', { class: 'lead' }, 'Online Retail orders, totals in pounds sterling (quantity × unit price of the cleaned order lines).'));
    const filterForm = filters(f, ctx.setParams);
    root.append(filterForm);
    // A range that ends before it starts (a hand-made link: the form refuses it) matches nothing, and "widen the date
    // range" would not tell why.
    if (f.from && f.to && f.to < f.from) {
      root.append(h('p', { class: 'error', role: 'alert', 'data-testid': 'filter-error' },
        `The date range ends (${fmt.date(f.to)}) before it starts (${fmt.date(f.from)}): swap From and To.`));
      return;
    }
    const grid = h('div', { class: 'grid' });
    root.append(grid);

    const line = card('Daily sales', { wide: true, id: 'daily-sales' }, loading());
    grid.append(line);
    if (!(await martNames(ctx.signal)).has('daily_sales')) {
      line.replaceChildren(line.firstElementChild!, emptyState('No sales marts yet.', fill));
      return;
    }
    const dailySql = `SELECT sales_date, ${cents(`SUM(${exact('total_sales')})`)} AS total_sales FROM daily_sales ${where(f, 'sales_date')} GROUP BY sales_date ORDER BY sales_date`;
    const daily = query(dailySql, ctx.signal).then(t => {
      line.replaceChildren(line.firstElementChild!);
      if (!t.rows.length) { line.append(filtered ? emptyState('No sales match these filters.', widen) : emptyState('No sales yet.', fill)); return; }
      const d = colIndex(t, 'sales_date'), v = colIndex(t, 'total_sales');
      line.append(
        chart({ kind: 'line', testId: 'chart-daily-sales', title: 'Total sales per day', currency, labels: labels(t.rows, d, x => String(x).slice(0, 10)), series: [{ name: 'Sales', values: values(t.rows, v) }] }),
        h('p', { class: 'muted' }, `${fmt.count(t.rows.length)} days, from ${fmt.date(String(t.rows[0][d]).slice(0, 10))} to ${fmt.date(String(t.rows[t.rows.length - 1][d]).slice(0, 10))}.`),
        h('p', { class: 'source' }, 'Source: ', h('code', {}, dailySql)));
    }, e => line.append(isMissing(e) ? emptyState('The daily_sales mart does not exist yet.', fill) : errorBox(e)));

    if (!filtered) {
      await Promise.all([
        daily,
        martCard(grid, { mart: 'sales_by_country', title: 'Sales by country', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, formats: { total_sales: money, country: 'place' },
          chart: t => ({ kind: 'hbar', title: 'Sales by country', currency, labels: labels(t.rows, colIndex(t, 'country'), fmt.place), series: [{ name: 'Sales', values: values(t.rows, colIndex(t, 'total_sales')) }] }) }),
        martCard(grid, { mart: 'popular_products', title: 'Popular products', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, formats: { total_quantity: 'count' },
          chart: t => ({ kind: 'hbar', title: 'Quantity sold per stock code', labels: labels(t.rows, colIndex(t, 'stock_code')), series: [{ name: 'Quantity', values: values(t.rows, colIndex(t, 'total_quantity')) }] }) }),
        martCard(grid, { mart: 'top_customers', title: 'Top customers', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, formats: { total_sales: money, customer_id: 'text' },
          chart: t => ({ kind: 'hbar', title: 'Sales per customer', currency, labels: labels(t.rows, colIndex(t, 'customer_id')), series: [{ name: 'Sales', values: values(t.rows, colIndex(t, 'total_sales')) }] }) }),
      ]);
      return;
    }
    // Filtered views aggregate the same cleaned order lines the marts use, restricted to the chosen days and country.
    const w = where(f, 'sales_date');
    await Promise.all([
      daily,
      queryCard(grid, 'Sales by country', 'sales-by-country', `SELECT country, ${salesSum} FROM ${cleanOrders} ${w} GROUP BY country ORDER BY total_sales DESC, ${byteOrder('country')} LIMIT 10`, ctx.signal,
        t => ({ kind: 'hbar', title: 'Sales by country', currency, labels: labels(t.rows, 0, fmt.place), series: [{ name: 'Sales', values: values(t.rows, 1) }] }), { total_sales: money, country: 'place' }),
      queryCard(grid, 'Popular products', 'popular-products', `SELECT stock_code, SUM(quantity) AS total_quantity FROM ${cleanOrders} ${w} GROUP BY stock_code ORDER BY total_quantity DESC, ${byteOrder('stock_code')} LIMIT 10`, ctx.signal,
        t => ({ kind: 'hbar', title: 'Quantity sold per stock code', labels: labels(t.rows, 0), series: [{ name: 'Quantity', values: values(t.rows, 1) }] }), { total_quantity: 'count' }),
      queryCard(grid, 'Top customers', 'top-customers', `SELECT customer_id, ${salesSum} FROM ${cleanOrders} ${w} GROUP BY customer_id ORDER BY total_sales DESC, customer_id LIMIT 10`, ctx.signal,
        t => ({ kind: 'hbar', title: 'Sales per customer', currency, labels: labels(t.rows, 0), series: [{ name: 'Sales', values: values(t.rows, 1) }] }), { total_sales: money, customer_id: 'text' }),
    ]);
  },
};

// A missing view (DuckDB: "Table with name daily_sales does not exist", PostgreSQL: 'relation "daily_sales" does not
// exist'), not any error that says "does not exist": a missing function is an error to show, not an empty state.
const isMissing = (e: unknown) => e instanceof Error && /(table with name \S+|relation "[^"]+") does not exist|not found/i.test(e.message);

async function queryCard(grid: HTMLElement, title: string, id: string, sql: string, signal: AbortSignal,
  spec: (t: Table) => Parameters<typeof chart>[0], formats: Record<string, `money:${string}` | 'count' | 'text' | 'place'>): Promise<void> {
  const el = card(title, { id }, loading());
  grid.append(el);
  try {
    const t = await query(sql, signal);
    el.replaceChildren(el.firstElementChild!);
    if (!t.rows.length) { el.append(emptyState('No sales match these filters.', widen)); return; }
    el.append(chart({ testId: `chart-${id}`, ...spec(t) }), table(t, { formats, caption: title }), h('p', { class: 'source' }, 'Source: ', h('code', {}, sql)));
  } catch (e) {
    el.append(errorBox(e));
  }
}

function filters(f: Filters, setParams: (p: Record<string, string | undefined>) => void): HTMLElement {
  const from = h('input', { type: 'date', name: 'from', value: f.from ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: f.to ?? '' });
  // The browser refuses a To before the From (and says so at the field) instead of applying a range that is empty.
  const bound = () => { to.min = from.value; from.max = to.value; };
  from.addEventListener('input', bound);
  to.addEventListener('input', bound);
  bound();
  const country = h('select', { name: 'country' }, h('option', { value: '' }, 'All countries'));
  martNames().then(names => names.has('daily_sales') ? query(`SELECT country FROM daily_sales WHERE country IS NOT NULL GROUP BY country ORDER BY ${byteOrder('country')}`) : null).then(t => {
    const wanted = f.country?.toLowerCase();
    for (const [c] of t?.rows ?? []) country.append(h('option', { value: String(c), selected: String(c).toLowerCase() === wanted }, fmt.place(c)));
    // A country from the URL that no order names stays visible as the filter in force, not as "All countries".
    if (f.country && !country.value) country.append(h('option', { value: f.country, selected: true }, `${f.country} (no orders)`));
  }, () => { /* no orders yet: the empty states say so */ });
  const form = h('form', { class: 'filters', 'aria-label': 'Sales filters' },
    field('From', from), field('To', to), field('Country', country),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'button', class: 'secondary', onclick: () => setParams({}) }, 'Clear'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    setParams({ from: from.value || undefined, to: to.value || undefined, country: country.value || undefined });
  });
  return form;
}
