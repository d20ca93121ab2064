import { colIndex, martNames, query, sqlString } from '../api';
import { chart, labels, values } from '../charts';
import { card, emptyState, errorBox, field, h, loading, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { martCard } from '../views';

const fill = 'Run the user behaviour DAG for a day: `emporium dag run user_behaviour --date 2010-12-02` (it reads the `user_purchase` PostgreSQL source and the movie reviews file configured in `emporium.json`).';
const formats = { amount_spent: 'money:GBP', review_score: 'count', review_count: 'count', customer_id: 'text', insert_date: 'date' } as const;

export const customers: Page = {
  path: '/customers',
  title: 'Customers',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'User behaviour metric per run date (ds): amount spent by each customer and their positive movie reviews.'));
    const ds = ctx.params.get('ds') ?? '';
    const select = h('select', { name: 'ds' }, h('option', { value: '' }, 'All days (mart)'));
    const form = h('form', { class: 'filters', 'aria-label': 'Run date' }, field('Run date (ds)', select), h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', ev => { ev.preventDefault(); ctx.setParams({ ds: select.value || undefined }); });
    root.append(form);
    const exists = (await martNames(ctx.signal)).has('user_behavior_metric');
    if (exists) query('SELECT DISTINCT CAST(insert_date AS DATE) AS ds FROM user_behavior_metric ORDER BY ds DESC', ctx.signal).then(t => {
      for (const [d] of t.rows) select.append(h('option', { value: String(d).slice(0, 10), selected: String(d).slice(0, 10) === ds }, fmt.date(String(d).slice(0, 10))));
    }, () => { /* the mart does not exist yet: its card says how to fill it */ });
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    if (!exists || !/^\d{4}-\d{2}-\d{2}$/.test(ds)) {
      await martCard(grid, { mart: 'user_behavior_metric', title: 'User behaviour metric', params: { limit: 20 }, wide: true, howToFill: fill, signal: ctx.signal, formats,
        chart: t => ({ kind: 'hbar', title: 'Amount spent per customer', currency: 'GBP', labels: labels(t.rows, colIndex(t, 'customer_id')), series: [{ name: 'Amount spent', values: values(t.rows, colIndex(t, 'amount_spent')) }] }) });
      return;
    }
    const sql = `SELECT * FROM user_behavior_metric WHERE CAST(insert_date AS DATE) = DATE ${sqlString(ds)} ORDER BY amount_spent DESC NULLS LAST, customer_id LIMIT 20`;
    const el = card(`User behaviour metric for ${fmt.date(ds)}`, { wide: true, id: 'behaviour-ds' }, loading());
    grid.append(el);
    try {
      const t = await query(sql, ctx.signal);
      el.replaceChildren(el.firstElementChild!);
      if (!t.rows.length) { el.append(emptyState(`No metric for ${ds}.`, fill)); return; }
      el.append(chart({ kind: 'hbar', testId: 'chart-behaviour-ds', title: 'Amount spent per customer', currency: 'GBP', labels: labels(t.rows, colIndex(t, 'customer_id')), series: [{ name: 'Amount spent', values: values(t.rows, colIndex(t, 'amount_spent')) }] }),
        table(t, { formats, caption: `Top customers by amount spent on ${ds}` }), h('p', { class: 'source' }, 'Source: ', h('code', {}, sql)));
    } catch (e) {
      el.replaceChildren(el.firstElementChild!, errorBox(e));
    }
  },
};
