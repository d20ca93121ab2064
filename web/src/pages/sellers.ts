import { listOf, optional } from '../api';
import { card, emptyState, errorBox, h, loading, table } from '../dom';
import type { Page } from '../page';
import { autoChart, martCard, objectsToTable } from '../views';

const fill = 'Run the seller catalog DAG: `emporium dag run seller_catalog` (set its API URL and key and load the distributor catalog into `supplier_products` first), or start with `./emporium up --demo`.';

export const sellers: Page = {
  path: '/sellers',
  title: 'Sellers',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Seller offers matched by ASIN against distributor catalogs, and the alerts raised on each snapshot.'));
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    const alerts = card('Alerts', { wide: true, id: 'alerts' }, loading());
    await Promise.all([
      martCard(grid, { mart: 'sellers_by_matches', title: 'Sellers with most matches', params: { limit: 10 }, howToFill: fill, signal: ctx.signal,
        chart: t => autoChart(t, 'hbar', 'ASIN matches per seller') }),
      martCard(grid, { mart: 'distributors_by_matches', title: 'Distributors with most matches', params: { limit: 10 }, howToFill: fill, signal: ctx.signal,
        chart: t => autoChart(t, 'hbar', 'ASIN matches per distributor') }),
      martCard(grid, { mart: 'best_sellers', title: 'Best sellers', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, wide: true,
        formats: { price: 'money:USD', cost: 'money:USD' } }),
      martCard(grid, { mart: 'asin_matches', title: 'ASIN matches', params: { limit: 100 }, howToFill: fill, signal: ctx.signal, wide: true, maxRows: 100,
        formats: { price: 'money:USD', cost: 'money:USD' } }),
    ]);
    grid.append(alerts);
    try {
      const body = await optional<unknown>('/api/v1/alerts?limit=50', ctx.signal);
      const list = listOf(body, 'alerts');
      alerts.replaceChildren(alerts.firstElementChild!);
      alerts.append(list.length
        ? table(objectsToTable(list, alertColumns(list)), { caption: 'Latest alerts', testId: 'table-alerts', formats: { detected_at: 'date', old_value: 'number', new_value: 'number', change_pct: 'number' } })
        : emptyState('No alerts yet.', 'Alerts are raised by the `seller_catalog` DAG and product snapshots when a price, stock or demand changes.'));
    } catch (e) {
      alerts.replaceChildren(alerts.firstElementChild!, errorBox(e));
    }
  },
};

/** The alert fields a reader scans first, in that order, then any others the API adds. */
function alertColumns(list: Record<string, unknown>[]): string[] {
  const preferred = ['detected_at', 'kind', 'asin', 'title', 'old_value', 'new_value', 'change_pct', 'message'];
  const keys = new Set(list.flatMap(o => Object.keys(o)));
  return [...preferred.filter(k => keys.has(k)), ...[...keys].filter(k => !preferred.includes(k) && k !== 'id')];
}
