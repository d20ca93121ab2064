import { colIndex, query, sqlString, type Table } from '../api';
import { labels, values } from '../charts';
import { append, emptyState, errorBox, field, h, loading, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { demoHint, formCard, martCard } from '../views';

const fill = `Load products and categories: \`emporium load amazon_products.csv --dataset products\` and \`emporium load amazon_categories.csv --dataset categories\`, ${demoHint}`;

/** "(5, 10]" as pandas cut prints it; the open ends of the mart read "≤ 0" and "> 295". */
function bucket(low: unknown, high: unknown): string {
  if (low === null || low === undefined) return `≤ ${fmt.number(high)}`;
  if (high === null || high === undefined) return `> ${fmt.number(low)}`;
  return `(${fmt.number(low)}, ${fmt.number(high)}]`;
}

export const products: Page = {
  path: '/products',
  title: 'Products',
  async render(root, ctx) {
    const grid = h('div', { class: 'grid' });
    root.append(h('p', { class: 'lead' }, 'Prices and categories of the product catalog (prices in US dollars).'), grid);

    const lookups = h('div', { class: 'grid' });
    root.append(lookups);
    lookups.append(asinLookup(ctx.params.get('asin') ?? ''), categoryLookup(ctx.params.get('category') ?? ''));

    await Promise.all([
      martCard(grid, {
        mart: 'price_distribution', title: 'Price distribution', params: { limit: 1000 }, wide: true, howToFill: fill, signal: ctx.signal,
        formats: { bucket_low: 'money:USD', bucket_high: 'money:USD', products: 'count' }, maxRows: 100,
        chart: t => {
          const lo = colIndex(t, 'bucket_low'), hi = colIndex(t, 'bucket_high'), n = colIndex(t, 'products');
          return { kind: 'bar', title: 'Products per price bucket (US dollars)', labels: t.rows.map(r => bucket(r[lo], r[hi])), series: [{ name: 'Products', values: values(t.rows, n) }] };
        },
      }),
      martCard(grid, {
        mart: 'category_distribution', title: 'Products per category', params: { limit: 20 }, howToFill: fill, signal: ctx.signal,
        formats: { products: 'count', category_id: 'text' },
        chart: t => ({ kind: 'hbar', title: 'Products per category', labels: labels(t.rows, colIndex(t, 'category_name')), series: [{ name: 'Products', values: values(t.rows, colIndex(t, 'products')) }] }),
      }),
      martCard(grid, {
        mart: 'avg_price_per_category', title: 'Average price per category', params: { limit: 20 }, howToFill: fill, signal: ctx.signal,
        formats: { avg_price: 'money:USD', products: 'count', category_id: 'text' },
        chart: t => ({ kind: 'hbar', title: 'Average price per category (US dollars)', currency: 'USD', labels: labels(t.rows, colIndex(t, 'category_name')), series: [{ name: 'Average price', values: values(t.rows, colIndex(t, 'avg_price')) }] }),
      }),
    ]);
  },
};

const productFormats = { price: 'money:USD', list_price: 'money:USD', category_id: 'text' } as const;

function lookupResult(result: HTMLElement, run: () => Promise<Table>, none: string, caption: string, testId: string): void {
  result.replaceChildren(loading());
  run().then(t => {
    result.replaceChildren(t.rows.length ? table(t, { formats: productFormats, caption, testId }) : emptyState(none, fill));
  }, e => result.replaceChildren(errorBox(e)));
}

function asinLookup(initial: string): HTMLElement {
  const input = h('input', { type: 'search', name: 'asin', value: initial, placeholder: 'e.g. B014TMV5YE', autocomplete: 'off', required: true, pattern: '[A-Za-z0-9]{10}', title: 'ten letters or digits' });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field('ASIN', input), h('button', { type: 'submit' }, 'Look up'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const asin = input.value.trim().toUpperCase();
    lookupResult(result, () => query(`SELECT p.*, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE p.asin = ${sqlString(asin)}`),
      `No product with ASIN ${asin}.`, `Product ${asin}`, 'asin-result');
  });
  if (initial) queueMicrotask(() => form.requestSubmit());
  return formCard('Look up a product by ASIN', 'lookup-asin', form, result);
}

function categoryLookup(initial: string): HTMLElement {
  const input = h('input', { type: 'number', name: 'category', value: initial, min: 0, step: 1, required: true, inputmode: 'numeric' });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field('Category id', input), h('button', { type: 'submit' }, 'Show products'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const id = Number.parseInt(input.value, 10);
    if (!Number.isSafeInteger(id)) { result.replaceChildren(errorBox(new Error('Category id must be a whole number.'))); return; }
    lookupResult(result, () => query(
      `SELECT p.asin, p.title, p.price, p.stars, p.reviews, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id ` +
      `WHERE p.category_id = ${id} ORDER BY p.reviews DESC NULLS LAST, p.asin LIMIT 100`),
      `No products in category ${id}.`, `Products in category ${id} (most reviewed first, at most 100)`, 'category-result');
  });
  if (initial) queueMicrotask(() => form.requestSubmit());
  append(result);
  return formCard('Products of a category', 'lookup-category', form, result);
}
