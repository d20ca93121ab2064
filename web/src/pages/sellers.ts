import { byteOrder, colIndex, listOf, optional, sqlString } from '../api';
import { labels, values } from '../charts';
import { card, emptyState, errorBox, h, loading, table, type CellFormat } from '../dom';
import type { Page } from '../page';
import { lookupCard, martCard, objectsToTable } from '../views';

const fill = 'Run the seller catalog DAG for a seller and a distributor catalog: `emporium dag run seller_catalog --param seller_id=SELLER --param supplier_file=distributors.csv` (its `api_url` and `api_key` set in `emporium.json`).';

export const sellers: Page = {
  path: '/sellers',
  title: 'Sellers',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Seller offers matched by ASIN against distributor catalogs, and the alerts raised by the seller and products snapshots.'));
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    const alerts = card('Alerts', { wide: true, id: 'alerts' }, loading());
    const [, , , matches] = await Promise.all([
      martCard(grid, { mart: 'sellers_by_matches', title: 'Sellers with most matches', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, formats: { match_pct: 'percent' },
        chart: t => ({ kind: 'hbar', title: 'Offered ASINs and ASINs a distributor carries, per seller', labels: labels(t.rows, colIndex(t, 'seller_id')),
          series: [{ name: 'Matched ASINs', values: values(t.rows, colIndex(t, 'matched_asins')) }, { name: 'Offers', values: values(t.rows, colIndex(t, 'offers')) }] }) }),
      martCard(grid, { mart: 'distributors_by_matches', title: 'Distributors with most matches', params: { limit: 10 }, howToFill: fill, signal: ctx.signal,
        chart: t => ({ kind: 'hbar', title: 'Offered ASINs each distributor carries', labels: labels(t.rows, colIndex(t, 'distributor')),
          series: [{ name: 'Matched ASINs', values: values(t.rows, colIndex(t, 'matched_asins')) }] }) }),
      martCard(grid, { mart: 'best_sellers', title: 'Best sellers', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, wide: true,
        chart: t => ({ kind: 'hbar', title: 'Bought in the past month (lower bound), per ASIN', labels: labels(t.rows, colIndex(t, 'asin')),
          series: [{ name: 'Bought in the past month', values: values(t.rows, colIndex(t, 'sales_volume')) }] }),
        formats: { product_price: 'money:USD', sales_volume: 'count', product_star_rating: 'rating', product_num_ratings: 'count' } }),
      martCard(grid, { mart: 'asin_matches', title: 'ASIN matches', params: { limit: 100 }, howToFill: fill, signal: ctx.signal, wide: true, maxRows: 100,
        formats: { product_price: 'money:USD', cost: 'money:USD', margin: 'money:USD', stock: 'count', snapshot_date: 'date' } }),
    ]);
    // The lookup reads asin_matches: offered once the mart exists (its card got it; a refused or failed read got null,
    // shown on the card, and the alerts below still get their own answer).
    if (matches) grid.append(asinLookup(ctx.params.get('asin') ?? ''));
    grid.append(alerts);
    try {
      const body = await optional<unknown>('/api/v1/alerts?limit=50', ctx.signal);
      const list = listOf<AlertItem>(body, 'alerts');
      alerts.replaceChildren(alerts.firstElementChild!);
      alerts.append(list.length
        ? table(objectsToTable(list.map(alertRow), alertColumns), { caption: 'Latest alerts, newest first', testId: 'table-alerts',
          formats: { detected_at: 'date', observed_for: 'date', old_value: 'number', new_value: 'number', change_pct: 'percent' },
          cellFormat: (row, column) => column === 'old_value' || column === 'new_value' ? valueFormat(list[row]) : undefined })
        : emptyState('No alerts yet.', 'Alerts are raised when a price, stock or demand changes between two snapshots: of a seller by the `seller_catalog` DAG, of the products dataset by `products_snapshot` (`emporium dag run products_snapshot --date D`, then the next day).'));
    } catch (e) {
      alerts.replaceChildren(alerts.firstElementChild!, errorBox(e));
    }
  },
};

/** One alert of `GET /api/v1/alerts` (camelCase). */
interface AlertItem {
  kind: string; source: string; asin: string; title: string | null; oldValue: number | null; newValue: number | null; changePct: number | null;
  message: string; observedFor: string; detectedAt: string; deliveries?: { delivered: number; pending: number; failed: number };
  /** Of a price alert's values; null for a demand jump (purchases a month). */
  currency?: string | null;
}

/** An alert's old and new values: prices in their currency, a demand jump's purchases a month as a count. */
function valueFormat(a: AlertItem): CellFormat | undefined {
  if (a.kind === 'demand_jump') return 'count';
  return a.currency && /^[A-Z]{3}$/.test(a.currency) ? `money:${a.currency}` : undefined;
}

const alertColumns = ['detected_at', 'observed_for', 'kind', 'source', 'asin', 'title', 'old_value', 'new_value', 'change_pct', 'message', 'webhooks'];

/** The fields a reader scans first, in that order (the source tells a seller's alert, `seller:<id>`, from the products
 * snapshot's, `products`); webhook deliveries as one line. */
function alertRow(a: AlertItem): Record<string, unknown> {
  const d = a.deliveries;
  return {
    detected_at: a.detectedAt, observed_for: a.observedFor, kind: a.kind, source: a.source, asin: a.asin, title: a.title,
    old_value: a.oldValue, new_value: a.newValue, change_pct: a.changePct, message: a.message,
    webhooks: d ? `${d.delivered} delivered, ${d.pending} pending, ${d.failed} failed` : null,
  };
}

/** The distributors that carry one ASIN of the latest snapshots, through the read-only query API. */
function asinLookup(initial: string): HTMLElement {
  return lookupCard({
    title: 'Look up an ASIN', id: 'lookup-asin-match', label: 'Matched ASIN', button: 'Find distributors', testId: 'asin-match-result', wide: true,
    formats: { product_price: 'money:USD', cost: 'money:USD', margin: 'money:USD', stock: 'count', snapshot_date: 'date' },
    input: h('input', { type: 'search', name: 'asin', value: initial, placeholder: 'e.g. B00DOSJ1S2', autocomplete: 'off', required: true, pattern: '[A-Za-z0-9]{10}', title: 'ten letters or digits' }),
    sql: v => `SELECT distributor, seller_id, product_price, cost, margin, stock, snapshot_date FROM asin_matches WHERE asin = ${sqlString(v.toUpperCase())} ORDER BY margin DESC NULLS LAST, ${byteOrder('distributor')}`,
    caption: v => `Distributors of ${v.toUpperCase()}, best margin first`,
    none: v => `No distributor carries ${v.toUpperCase()} in the latest snapshots.`,
    howToFill: 'Load the distributor catalogs into `supplier_products` (the `supplier_file` parameter of `seller_catalog`).',
  });
}
