import { colIndex, martNames, query, sqlString, type Table } from '../api';
import { chart, labels, values, type ChartSpec } from '../charts';
import { card, emptyState, errorBox, field, h, loading, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { lookupCard, martCard, wholeNumber } from '../views';

const mart = 'user_behavior_metric';
const fill = 'Run the user behaviour DAG for a day: `emporium dag run user_behaviour --date 2010-12-02` (it reads the `user_purchase` PostgreSQL source and the movie reviews file configured in `emporium.json`, or the orders dataset with `--param purchases_from=orders`).';
const formats = { amount_spent: 'money:GBP', review_score: 'count', review_count: 'count', customer_id: 'text', insert_date: 'date' } as const;

/** Bar labels: the customer, and the day too when the rows span several days (the whole mart, newest day first),
 * so bars of different days are never read as one ranking. */
function customerLabels(t: Table): string[] {
  const ids = labels(t.rows, colIndex(t, 'customer_id'));
  const days = t.rows.map(r => fmt.date(r[colIndex(t, 'insert_date')]));
  return new Set(days).size > 1 ? ids.map((id, i) => `${id} · ${days[i]}`) : ids;
}

/** The metric's two measures per customer, drawn from the rows the API returned (no recomputation). */
const amountChart = (t: Table): ChartSpec => ({ kind: 'hbar', title: 'Amount spent per customer (pounds sterling)', currency: 'GBP',
  labels: customerLabels(t), series: [{ name: 'Amount spent', values: values(t.rows, colIndex(t, 'amount_spent')) }] });
const scoreChart = (t: Table): ChartSpec => ({ kind: 'hbar', title: 'Review score (positive movie reviews) per customer',
  labels: customerLabels(t), series: [{ name: 'Review score', values: values(t.rows, colIndex(t, 'review_score')) }] });

export const customers: Page = {
  path: '/customers',
  title: 'Customers',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'User behaviour metric per run date (ds): amount spent by each customer and their positive movie reviews (review score).'));
    const ds = ctx.params.get('ds') ?? '';
    const select = h('select', { name: 'ds' }, h('option', { value: '' }, 'All days (mart)'));
    const form = h('form', { class: 'filters', 'aria-label': 'Run date' }, field('Run date (ds)', select), h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', ev => { ev.preventDefault(); ctx.setParams({ ds: select.value || undefined }); });
    root.append(form);
    const exists = (await martNames(ctx.signal)).has(mart);
    if (exists) query(`SELECT DISTINCT CAST(insert_date AS DATE) AS ds FROM ${mart} ORDER BY ds DESC`, ctx.signal).then(t => {
      for (const [d] of t.rows) select.append(h('option', { value: String(d).slice(0, 10), selected: String(d).slice(0, 10) === ds }, fmt.date(String(d).slice(0, 10))));
    }, () => { /* the mart does not exist yet: its card says how to fill it */ });
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    if (exists) root.append(h('div', { class: 'grid' }, customerLookup(ctx.params.get('customer') ?? '')));
    if (!exists || !/^\d{4}-\d{2}-\d{2}$/.test(ds)) {
      const t = await martCard(grid, { mart, title: 'User behaviour metric', params: { limit: 20 }, wide: true, howToFill: fill, signal: ctx.signal, formats, chart: amountChart });
      if (t?.rows.length) grid.append(card('Review score per customer', { wide: true, id: 'review-score' }, chart({ ...scoreChart(t), testId: 'chart-review-score' })));
      return;
    }
    const sql = `SELECT * FROM ${mart} WHERE CAST(insert_date AS DATE) = DATE ${sqlString(ds)} ORDER BY amount_spent DESC NULLS LAST, customer_id LIMIT 20`;
    const el = card(`User behaviour metric for ${fmt.date(ds)}`, { wide: true, id: 'behaviour-ds' }, loading());
    grid.append(el);
    try {
      const t = await query(sql, ctx.signal);
      el.replaceChildren(el.firstElementChild!);
      if (!t.rows.length) { el.append(emptyState(`No metric for ${ds}.`, fill)); return; }
      el.append(chart({ ...amountChart(t), testId: 'chart-behaviour-ds' }), chart({ ...scoreChart(t), testId: 'chart-behaviour-ds-score' }),
        table(t, { formats, caption: `Top customers by amount spent on ${fmt.date(ds)}`, testId: 'table-behaviour-ds' }), h('p', { class: 'source' }, 'Source: ', h('code', {}, sql)));
    } catch (e) {
      el.replaceChildren(el.firstElementChild!, errorBox(e));
    }
  },
};

/** Every day's metric of one customer, through the read-only query API. */
function customerLookup(initial: string): HTMLElement {
  return lookupCard({
    title: 'Look up a customer', id: 'lookup-customer', label: 'Customer id', button: 'Look up customer', testId: 'customer-result', formats, wide: true,
    input: h('input', { type: 'number', name: 'customer', value: initial, min: 0, step: 1, required: true, inputmode: 'numeric' }),
    sql: v => { const id = wholeNumber(v, 'Customer id'); return id instanceof Error ? id : `SELECT * FROM ${mart} WHERE customer_id = ${id} ORDER BY insert_date DESC`; },
    caption: v => `Customer ${v}, newest day first`,
    none: v => `No metric for customer ${v}.`,
    howToFill: 'Customers appear once the `user_behaviour` DAG ran for a day of their purchases.',
  });
}
